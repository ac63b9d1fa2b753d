#pragma once

#include <functional>
#include <optional>
#include <variant>

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QUrl>

#include "fakes/standinhttp.h"
#include "fakes/standinsso.h"
#include "imsa/credentials.h"

namespace imsa::test {

/// A long-lived IAM user the stand-in knows.
struct StandInIdentity
{
    QString accessKeyId;
    QString secretAccessKey;
    QString userArn; ///< arn:aws:iam::ACCOUNT:user/NAME
    QString userId; ///< AIDA...; derived from the key id when empty
    QString mfaSerial; ///< empty: the user has no MFA device
    QString mfaCode; ///< the code the device shows, accepted every time
};

enum class StandInFault {
    None,
    ServerError, ///< HTTP 500 InternalFailure
    Throttling, ///< HTTP 400 Throttling "Rate exceeded"
    Hang, ///< never answer
    MalformedXml, ///< HTTP 200 with a body that is not XML
    Skew, ///< behave as if the stand-in's clock were off by the fault's extra seconds
};

/// One STS request as the stand-in saw it.
struct StandInCall
{
    QString action;
    QString accessKeyId; ///< from the Authorization header, empty when unsigned
    QString serialNumber;
    bool hadTokenCode = false;
    QDateTime signedAt; ///< X-Amz-Date; invalid when absent
    QString region; ///< from the credential scope
    int status = 0; ///< 0: left hanging
    QString errorCode; ///< empty on success
};

/// A local stand-in for AWS STS speaking the Query API over real HTTP on 127.0.0.1: it
/// verifies SigV4 signatures with the keys it knows or issued, checks MFA codes, issues and
/// expires temporary credentials, and records every call. Test code only.
///
/// Besides STS it answers two control routes of its own: GET /_calls (JSON counts per action
/// and the call log) and POST /_fault (JSON {"kind": "...", "count": N, "skew": S}), and the
/// console's federation endpoint on GET /federation: Action=getSigninToken takes only role
/// credentials it issued (as AWS, not GetSessionToken's or long-term keys) and issues a token
/// valid 15 minutes; Action=login with that token redirects to the Destination.
class StandInSts : public QObject
{
public:
    static constexpr int maxSessionDurationSeconds = 129600;
    static constexpr int maxRoleDurationSeconds = 43200;
    /// "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by
    /// role chaining": AWS refuses, it does not shorten.
    static constexpr int roleChainingLimitSeconds = 3600;
    /// How far X-Amz-Date may be from the stand-in's clock.
    static constexpr int allowedSkewSeconds = 300;
    /// How long a console sign-in token is good for.
    static constexpr int signinTokenSeconds = 15 * 60;

    explicit StandInSts(QObject *parent = nullptr);

    /// AKIAIOSFODNN7EXAMPLE, user alice in 123456789012, MFA device
    /// arn:aws:iam::123456789012:mfa/alice with code 123456. Always known.
    static StandInIdentity defaultIdentity();
    void addIdentity(const StandInIdentity &identity);

    /// The stand-in's time before its clock offset; the real clock by default.
    void setTimeSource(std::function<QDateTime()> now);
    /// Seconds the stand-in's clock is ahead (positive) or behind the time source.
    void setClockOffset(qint64 seconds);
    /// Issued session credentials last at most this long, whatever the caller asked for.
    void setSessionDurationCap(int seconds);
    /// Issued role credentials last at most this long, whatever the caller asked for.
    void setRoleDurationCap(int seconds);
    /// AssumeRole on this role ARN is refused with AccessDenied.
    void denyRole(const QString &roleArn);

    /// The next `count` STS requests meet `fault`; for Skew, `skewSeconds` is added to the
    /// clock offset while answering them.
    void injectFault(StandInFault fault, int count, qint64 skewSeconds = 0);
    /// "server-error", "throttling", "hang", "malformed", "skew", "none".
    static std::optional<StandInFault> faultFromName(const QString &name);

    /// Serve `sso`'s routes on this stand-in's port too, count its calls in /_calls, and take
    /// the role credentials its portal issues as AWS does: their caller identity is the
    /// AWSReservedSSO role, and AssumeRole signed with them is role chaining. `sso` is not
    /// owned and must outlive this stand-in's use of it.
    void serveSso(StandInSso *sso);

    bool listen(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                quint16 port = 0);

    quint16 port() const { return m_http.port(); }

    /// http://ADDRESS:PORT/
    QUrl url() const;

    int callCount(const QString &action) const;

    const QList<StandInCall> &calls() const { return m_calls; }

    void clearCalls() { m_calls.clear(); }

    QJsonObject callsJson() const;

private:
    struct Issued
    {
        AwsCredentials credentials;
        QString baseAccessKeyId;
        QString assumedRoleArn; ///< empty for GetSessionToken credentials
        QString assumedRoleId;
        bool chained = false; ///< AssumeRole signed with session credentials
    };

    struct SigninToken
    {
        QString roleArn;
        QDateTime expiration;
    };

    struct Caller
    {
        const StandInIdentity *identity = nullptr;
        const Issued *issued = nullptr; ///< null when signed with the base keys
    };

    /// What an STS action answered: status, AWS error code (empty on success), XML body.
    struct Answer
    {
        int status = 200;
        QString errorCode;
        QByteArray body;
    };

    using Parameters = QHash<QString, QString>;

    std::optional<StandInResponse> handle(const StandInRequest &request);
    std::optional<StandInResponse> handleSts(const StandInRequest &request);
    StandInResponse handleFaultRoute(const StandInRequest &request);
    Answer answer(const StandInRequest &request, const Parameters &parameters,
                  const QDateTime &now);
    /// The caller whose signature checks out, or the error AWS would give.
    std::variant<Caller, Answer> authenticate(const StandInRequest &request,
                                              const QDateTime &now) const;
    std::optional<Answer> checkMfa(const StandInIdentity &identity,
                                   const Parameters &parameters) const;
    Answer getSessionToken(const Caller &caller, const Parameters &parameters,
                           const QDateTime &now);
    Answer assumeRole(const Caller &caller, const Parameters &parameters, const QDateTime &now);
    Answer getCallerIdentity(const Caller &caller) const;
    /// GET /federation (standinstsactions.cpp).
    StandInResponse handleFederation(const StandInRequest &request);
    StandInResponse getSigninToken(const Parameters &parameters, const QDateTime &now);
    StandInResponse login(const Parameters &parameters, const QDateTime &now) const;
    AwsCredentials issue(int durationSeconds, const QDateTime &now) const;
    /// An ErrorResponse for the request being answered.
    Answer error(int status, const QString &code, const QString &message,
                 const QString &type = QStringLiteral("Sender")) const;

    void acceptSsoCredentials(const StandInSsoRoleCredentials &issued);

    StandInHttpServer m_http;
    StandInSso *m_sso = nullptr;
    std::function<QDateTime()> m_now;
    qint64 m_clockOffset = 0;
    int m_sessionCap = maxSessionDurationSeconds;
    int m_roleCap = maxRoleDurationSeconds;
    QHash<QString, StandInIdentity> m_identities;
    QHash<QString, Issued> m_issued;
    QSet<QString> m_deniedRoles;
    QHash<QString, SigninToken> m_signinTokens;
    StandInFault m_fault = StandInFault::None;
    int m_faultCount = 0;
    qint64 m_faultSkew = 0;
    QList<StandInCall> m_calls;
    QString m_requestId; ///< of the request being answered
};

} // namespace imsa::test
