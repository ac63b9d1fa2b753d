#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include "imsa/ssoapi.h"

namespace imsa::test {

/// One call FakeSsoApi received.
struct FakeSsoCall
{
    QString operation; ///< "RefreshToken", "GetRoleCredentials", ...
    QUrl endpoint;
    QString token; ///< the access token, or the refresh token for RefreshToken
    QString accountId;
    QString roleName;
    QStringList scopes; ///< RegisterClient
    QString startUrl; ///< StartDeviceAuthorization
    QString clientId; ///< the registration used by StartDeviceAuthorization and CreateToken
};

/// A programmable in-memory SsoApi. Answers come from the event loop; with setHolding(true) they
/// wait for release(). Unprogrammed calls fail with SsoErrorCode::Other so that a test sees
/// them.
class FakeSsoApi final : public SsoApi
{
public:
    std::optional<SsoResult<SsoClientRegistration>> registerAnswer;
    std::optional<SsoResult<DeviceAuthorization>> authorizationAnswer;
    /// CreateToken with a device code answers these in turn, then the last one again.
    QList<SsoResult<SsoToken>> deviceTokenAnswers;
    std::optional<SsoResult<SsoToken>> refreshAnswer;
    std::optional<SsoResult<AwsCredentials>> roleCredentialsAnswer;

    const QList<FakeSsoCall> &calls() const { return m_calls; }

    int count(const QString &operation) const
    {
        int n = 0;
        for (const FakeSsoCall &call : m_calls)
            n += call.operation == operation ? 1 : 0;
        return n;
    }

    void setHolding(bool holding) { m_holding = holding; }

    void release()
    {
        const QList<std::function<void()>> held = std::exchange(m_held, {});
        for (const auto &deliver : held)
            deliver();
    }

    void registerClient(const QUrl &oidc, const QString &, const QStringList &scopes,
                        QObject *context,
                        std::function<void(SsoResult<SsoClientRegistration>)> done) override
    {
        FakeSsoCall call;
        call.endpoint = oidc;
        call.scopes = scopes;
        answer(u"RegisterClient", call, context, std::move(done), registerAnswer);
    }

    void startDeviceAuthorization(const QUrl &oidc, const SsoClientRegistration &registration,
                                  const QString &startUrl, QObject *context,
                                  std::function<void(SsoResult<DeviceAuthorization>)> done) override
    {
        FakeSsoCall call;
        call.endpoint = oidc;
        call.startUrl = startUrl;
        call.clientId = registration.clientId;
        answer(u"StartDeviceAuthorization", call, context, std::move(done), authorizationAnswer);
    }

    void createTokenFromDeviceCode(const QUrl &oidc, const SsoClientRegistration &registration,
                                   const QString &deviceCode, QObject *context,
                                   std::function<void(SsoResult<SsoToken>)> done) override
    {
        FakeSsoCall call;
        call.endpoint = oidc;
        call.token = deviceCode;
        call.clientId = registration.clientId;
        std::optional<SsoResult<SsoToken>> next;
        if (!deviceTokenAnswers.isEmpty())
            next = deviceTokenAnswers.size() > 1 ? deviceTokenAnswers.takeFirst()
                                                 : deviceTokenAnswers.constFirst();
        answer(u"CreateToken", call, context, std::move(done), next);
    }

    void refreshToken(const QUrl &oidc, const SsoClientRegistration &, const QString &refreshToken,
                      QObject *context, std::function<void(SsoResult<SsoToken>)> done) override
    {
        FakeSsoCall call;
        call.endpoint = oidc;
        call.token = refreshToken;
        answer(u"RefreshToken", call, context, std::move(done), refreshAnswer);
    }

    void getRoleCredentials(const QUrl &portal, const QString &accessToken,
                            const QString &accountId, const QString &roleName, QObject *context,
                            std::function<void(SsoResult<AwsCredentials>)> done) override
    {
        FakeSsoCall call;
        call.endpoint = portal;
        call.token = accessToken;
        call.accountId = accountId;
        call.roleName = roleName;
        answer(u"GetRoleCredentials", call, context, std::move(done), roleCredentialsAnswer);
    }

    void listAccounts(const QUrl &, const QString &, const QString &, QObject *context,
                      std::function<void(SsoResult<SsoPage<SsoAccount>>)> done) override
    {
        answer(u"ListAccounts", {}, context, std::move(done), {});
    }

    void listAccountRoles(const QUrl &, const QString &, const QString &, const QString &,
                          QObject *context,
                          std::function<void(SsoResult<SsoPage<QString>>)> done) override
    {
        answer(u"ListAccountRoles", {}, context, std::move(done), {});
    }

    void logout(const QUrl &, const QString &, QObject *context,
                std::function<void(SsoResult<Done>)> done) override
    {
        answer(u"Logout", {}, context, std::move(done), {});
    }

private:
    template <typename T>
    void answer(QStringView operation, FakeSsoCall call, QObject *context,
                std::function<void(SsoResult<T>)> done, std::optional<SsoResult<T>> programmed)
    {
        call.operation = operation.toString();
        m_calls.append(call);
        const SsoResult<T> result = programmed
                ? *programmed
                : SsoResult<T>(SsoError{SsoErrorCode::Other,
                                        {},
                                        call.operation + QStringLiteral(" not programmed"),
                                        0});
        QPointer<QObject> guard(context);
        auto deliver = [guard, done = std::move(done), result] {
            if (guard)
                done(result);
        };
        if (m_holding)
            m_held.append(deliver);
        else
            QTimer::singleShot(0, context, deliver);
    }

    QList<FakeSsoCall> m_calls;
    QList<std::function<void()>> m_held;
    bool m_holding = false;
};

} // namespace imsa::test
