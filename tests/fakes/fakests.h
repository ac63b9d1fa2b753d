#pragma once

#include <algorithm>
#include <functional>
#include <utility>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/stsapi.h"

namespace imsa::test {

/// One call FakeSts received, without the secrets it carried.
struct FakeStsCall
{
    QString action; ///< "GetSessionToken", "AssumeRole" or "GetCallerIdentity"
    QDateTime at; ///< fake clock time of the call
    QString accessKeyId; ///< of the credentials that signed it
    bool signedWithSession = false; ///< signed with temporary credentials (role chaining)
    QString mfaSerial;
    QString tokenCode;
    QString roleArn;
    QString roleSessionName;
    QString externalId;
    int durationSeconds = 0;
    StsEndpoint endpoint;
};

/// A programmable in-memory StsApi. By default every call succeeds with fresh credentials that
/// expire `durationSeconds` after the fake clock's now, answered from the event loop
/// (QTimer::singleShot(0)), never from inside the call. With setHolding(true) answers wait for
/// completePending() or failPending(). Like STS it rejects a wrong MFA code, a session whose expiry
/// has passed (ExpiredToken) and role chaining beyond one hour.
class FakeSts final : public StsApi
{
public:
    explicit FakeSts(Clock &clock)
        : m_clock(clock)
    { }

    void setValidMfaCode(const QString &code) { m_validCode = code; }

    /// The next `times` calls fail with `error` (answered like successes: queued or held).
    void failNext(const StsError &error, int times = 1)
    {
        for (int i = 0; i < times; ++i)
            m_failures.append(error);
    }

    void clearFailures() { m_failures.clear(); }

    /// Grant at most this many seconds, whatever was asked (0: grant what was asked).
    void grantAtMost(int seconds) { m_grantAtMost = seconds; }

    void setHolding(bool holding) { m_holding = holding; }

    /// Answers every held call now, in call order.
    void completePending()
    {
        const QList<Pending> pending = std::exchange(m_pending, {});
        for (const Pending &call : pending) {
            if (call.context)
                call.deliver();
        }
    }

    /// Fails every held call now with `error`, in call order.
    void failPending(const StsError &error)
    {
        const QList<Pending> pending = std::exchange(m_pending, {});
        for (const Pending &call : pending) {
            if (call.context)
                call.fail(error);
        }
    }

    int pendingCount() const { return int(m_pending.size()); }

    /// Answers queued on the event loop and not delivered yet.
    int queuedCount() const { return m_queued; }

    const QList<FakeStsCall> &calls() const { return m_calls; }

    int count(QLatin1StringView action) const
    {
        return int(
                std::count_if(m_calls.cbegin(), m_calls.cend(), [action](const FakeStsCall &call) {
                    return call.action == action;
                }));
    }

    FakeStsCall last(QLatin1StringView action) const
    {
        for (auto it = m_calls.crbegin(); it != m_calls.crend(); ++it) {
            if (it->action == action)
                return *it;
        }
        return {};
    }

    /// Every secret key and session token handed out: none may ever reach a log.
    const QStringList &issuedSecrets() const { return m_secrets; }

    void getSessionToken(const GetSessionTokenParams &params, QObject *context,
                         std::function<void(StsResult<AwsCredentials>)> done) override
    {
        FakeStsCall call =
                record(QStringLiteral("GetSessionToken"), params.baseKeys, params.endpoint);
        call.mfaSerial = params.mfaSerial;
        call.tokenCode = params.tokenCode;
        call.durationSeconds = params.durationSeconds;
        m_calls.append(call);
        std::optional<StsError> error = plannedFailure(params.baseKeys);
        if (!error && !params.mfaSerial.isEmpty() && params.tokenCode != m_validCode) {
            error = StsError{StsErrorCode::WrongMfaCode, QStringLiteral("AccessDenied"),
                             QStringLiteral("MultiFactorAuthentication failed with invalid MFA "
                                            "one time pass code."),
                             403};
        }
        answer<AwsCredentials>(context, std::move(done),
                               error ? StsResult<AwsCredentials>(*error)
                                     : StsResult<AwsCredentials>(issue(params.durationSeconds)));
    }

    void assumeRole(const AssumeRoleParams &params, QObject *context,
                    std::function<void(StsResult<AssumedRole>)> done) override
    {
        FakeStsCall call =
                record(QStringLiteral("AssumeRole"), params.credentials, params.endpoint);
        call.roleArn = params.roleArn;
        call.roleSessionName = params.roleSessionName;
        call.externalId = params.externalId;
        call.mfaSerial = params.mfaSerial;
        call.tokenCode = params.tokenCode;
        call.durationSeconds = params.durationSeconds;
        m_calls.append(call);
        std::optional<StsError> error = plannedFailure(params.credentials);
        if (!error && call.signedWithSession && params.durationSeconds > 3600) {
            error = StsError{StsErrorCode::InvalidRequest, QStringLiteral("ValidationError"),
                             QStringLiteral("The requested DurationSeconds exceeds the 1 hour "
                                            "session limit for roles assumed by role chaining."),
                             400};
        }
        if (error) {
            answer<AssumedRole>(context, std::move(done), StsResult<AssumedRole>(*error));
            return;
        }
        const QString role = params.roleArn.section(QLatin1Char('/'), -1);
        const QString account = params.roleArn.section(QLatin1Char(':'), 4, 4);
        AssumedRole assumed{issue(params.durationSeconds),
                            QStringLiteral("arn:aws:sts::") + account
                                    + QStringLiteral(":assumed-role/") + role + QLatin1Char('/')
                                    + params.roleSessionName};
        answer<AssumedRole>(context, std::move(done), StsResult<AssumedRole>(std::move(assumed)));
    }

    void getCallerIdentity(const AwsCredentials &credentials, const StsEndpoint &endpoint,
                           QObject *context,
                           std::function<void(StsResult<CallerIdentity>)> done) override
    {
        m_calls.append(record(QStringLiteral("GetCallerIdentity"), credentials, endpoint));
        const std::optional<StsError> error = plannedFailure(credentials);
        answer<CallerIdentity>(context, std::move(done),
                               error ? StsResult<CallerIdentity>(*error)
                                     : StsResult<CallerIdentity>(CallerIdentity{
                                             QStringLiteral("123456789012"),
                                             QStringLiteral("arn:aws:iam::123456789012:user/alice"),
                                             QStringLiteral("AIDAFAKEUSERID")}));
    }

private:
    struct Pending
    {
        QPointer<QObject> context;
        std::function<void()> deliver;
        std::function<void(const StsError &)> fail;
    };

    FakeStsCall record(const QString &action, const AwsCredentials &signing,
                       const StsEndpoint &endpoint) const
    {
        FakeStsCall call;
        call.action = action;
        call.at = m_clock.now();
        call.accessKeyId = signing.accessKeyId;
        call.signedWithSession = !signing.sessionToken.isEmpty();
        call.endpoint = endpoint;
        return call;
    }

    std::optional<StsError> plannedFailure(const AwsCredentials &signing)
    {
        if (!m_failures.isEmpty())
            return m_failures.takeFirst();
        const auto issued = m_expirations.constFind(signing.accessKeyId);
        if (issued != m_expirations.cend() && *issued <= m_clock.now()) {
            return StsError{StsErrorCode::ExpiredToken, QStringLiteral("ExpiredToken"),
                            QStringLiteral("The security token included in the request is "
                                           "expired"),
                            400};
        }
        return std::nullopt;
    }

    AwsCredentials issue(int durationSeconds)
    {
        const int granted =
                m_grantAtMost > 0 ? std::min(durationSeconds, m_grantAtMost) : durationSeconds;
        const QString serial = QString::number(++m_issued).rightJustified(16, QLatin1Char('0'));
        AwsCredentials credentials{
                QStringLiteral("ASIA") + serial, QStringLiteral("fakeSecretKey/") + serial,
                QStringLiteral("fakeSessionToken+") + serial, m_clock.now().addSecs(granted)};
        m_expirations.insert(credentials.accessKeyId, credentials.expiration);
        m_secrets << credentials.secretAccessKey << credentials.sessionToken;
        return credentials;
    }

    template <typename T>
    void answer(QObject *context, std::function<void(StsResult<T>)> done, StsResult<T> result)
    {
        if (m_holding) {
            m_pending.append(Pending{context,
                                     [done, result] {
                                         done(result);
                                     },
                                     [done](const StsError &error) {
                                         done(error);
                                     }});
            return;
        }
        ++m_queued;
        QTimer::singleShot(0, context, [this, done = std::move(done), result]() {
            --m_queued;
            done(result);
        });
    }

    Clock &m_clock;
    QString m_validCode = QStringLiteral("123456");
    QList<StsError> m_failures;
    QList<FakeStsCall> m_calls;
    QList<Pending> m_pending;
    QHash<QString, QDateTime> m_expirations;
    QStringList m_secrets;
    int m_grantAtMost = 0;
    int m_issued = 0;
    int m_queued = 0;
    bool m_holding = false;
};

} // namespace imsa::test
