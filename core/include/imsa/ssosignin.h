#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/logging.h"
#include "imsa/profile.h"
#include "imsa/ssoapi.h"
#include "imsa/ssoendpoint.h"
#include "imsa/ssotokencache.h"

namespace imsa {

/// One sign-in to an IAM Identity Center session by OAuth 2.0 device authorization (RFC 8628),
/// as `aws sso login` does it: register a client (or reuse the registration in the token
/// cache), start the device authorization, let the user approve the code in a browser while
/// polling CreateToken, and write the token to the AWS CLI's cache. Emits codeReady once, then
/// exactly one of succeeded or failed. Use once.
class SsoSignIn : public QObject
{
    Q_OBJECT

public:
    /// The client name imsa registers under; the user sees it on the approval page.
    static constexpr QLatin1StringView clientName{"imsa"};
    /// RFC 8628 3.5: on slow_down the interval grows by 5 seconds.
    static constexpr int slowDownSeconds = 5;
    /// A cached registration this close to its end is renewed rather than reused.
    static constexpr int registrationMarginSeconds = 24 * 3600;

    using PollDelay = std::function<std::chrono::milliseconds(int seconds)>;

    SsoSignIn(SsoApi &api, Clock &clock, QString cacheDirectory,
              const QProcessEnvironment &environment, SsoSettings settings,
              QObject *parent = nullptr)
        : QObject(parent)
        , m_api(api)
        , m_clock(clock)
        , m_cacheDirectory(std::move(cacheDirectory))
        , m_environment(environment)
        , m_settings(std::move(settings))
        , m_pollDelay([](int seconds) {
            return std::chrono::milliseconds(qint64(seconds) * 1000);
        })
    {
        m_pollTimer.setSingleShot(true);
        connect(&m_pollTimer, &QTimer::timeout, this, &SsoSignIn::poll);
    }

    const SsoSettings &settings() const { return m_settings; }

    /// The code to show, once codeReady has been emitted; nullopt before.
    std::optional<DeviceAuthorization> authorization() const
    {
        return m_codeShown ? std::optional(m_authorization) : std::nullopt;
    }

    /// When the code stops being accepted, once codeReady has been emitted; invalid before. A
    /// window opened late counts down to this rather than from the code's full lifetime.
    QDateTime codeExpiresAt() const { return m_codeShown ? m_deadline : QDateTime(); }

    /// How long to wait for an interval of `seconds`; tests shorten it.
    void setPollDelay(PollDelay delay) { m_pollDelay = std::move(delay); }

    void start()
    {
        const auto endpoints = resolveSsoEndpoints(m_settings.region, m_environment);
        if (!endpoints) {
            fail(SsoError{SsoErrorCode::InvalidRequest, {}, endpoints.error().message, 0});
            return;
        }
        m_oidc = endpoints->oidc;
        const auto cached = readSsoCachedToken(m_cacheDirectory, m_settings.tokenCacheKey());
        if (cached && cached.value()
            && m_clock.now().secsTo(cached.value()->registration.expiresAt)
                    > registrationMarginSeconds
            && !cached.value()->registration.clientId.isEmpty()) {
            m_registration = cached.value()->registration;
            startAuthorization();
            return;
        }
        qCInfo(lcSso).noquote() << "registering imsa with IAM Identity Center for"
                                << m_settings.startUrl;
        m_api.registerClient(m_oidc, clientName, scopes(), this,
                             [this](SsoResult<SsoClientRegistration> result) {
                                 if (!result) {
                                     fail(result.error());
                                     return;
                                 }
                                 m_registration = result.value();
                                 startAuthorization();
                             });
    }

    /// Stops polling; emits failed with AccessDenied and the message "cancelled".
    void cancel()
    {
        if (m_done)
            return;
        m_pollTimer.stop();
        fail(SsoError{SsoErrorCode::AccessDenied, {}, QStringLiteral("cancelled"), 0});
    }

Q_SIGNALS:
    /// Show authorization.userCode and open authorization.verificationUriComplete.
    void codeReady(const imsa::DeviceAuthorization &authorization);
    /// The token is in the cache; `expiresAt` is when this sign-in's access token ends.
    void succeeded(const QDateTime &expiresAt);
    void failed(const imsa::SsoError &error);

private:
    /// The scopes an sso-session asks for; the legacy form registers without any, as the AWS
    /// CLI does (its tokens then carry no refresh token).
    QStringList scopes() const
    {
        if (m_settings.sessionName.isEmpty())
            return {};
        return m_settings.registrationScopes.isEmpty()
                ? QStringList{QStringLiteral("sso:account:access")}
                : m_settings.registrationScopes;
    }

    void startAuthorization()
    {
        m_api.startDeviceAuthorization(
                m_oidc, m_registration, m_settings.startUrl, this,
                [this](SsoResult<DeviceAuthorization> result) {
                    if (!result) {
                        fail(result.error());
                        return;
                    }
                    m_authorization = result.value();
                    m_deadline = m_clock.now().addSecs(m_authorization.expiresInSeconds);
                    m_interval = std::max(1, m_authorization.intervalSeconds);
                    qCInfo(lcSso).noquote()
                            << "waiting for the user to approve code" << m_authorization.userCode
                            << "for" << m_settings.startUrl;
                    m_codeShown = true;
                    Q_EMIT codeReady(m_authorization);
                    schedulePoll();
                });
    }

    void schedulePoll() { m_pollTimer.start(m_pollDelay(m_interval)); }

    void poll()
    {
        if (m_done)
            return;
        if (m_clock.now() >= m_deadline) {
            fail(SsoError{SsoErrorCode::ExpiredToken,
                          {},
                          QStringLiteral("the code was not approved in time"),
                          0});
            return;
        }
        m_api.createTokenFromDeviceCode(m_oidc, m_registration, m_authorization.deviceCode, this,
                                        [this](const SsoResult<SsoToken> &result) {
                                            tokenAnswered(result);
                                        });
    }

    void tokenAnswered(const SsoResult<SsoToken> &result)
    {
        if (m_done)
            return;
        if (result) {
            save(result.value());
            return;
        }
        switch (result.error().code) {
        case SsoErrorCode::SlowDown:
            m_interval += slowDownSeconds;
            schedulePoll();
            return;
        case SsoErrorCode::AuthorizationPending:
            schedulePoll();
            return;
        default:
            if (result.error().isTransient()) {
                schedulePoll();
                return;
            }
            fail(result.error());
        }
    }

    void save(const SsoToken &token)
    {
        SsoCachedToken cached;
        cached.startUrl = m_settings.startUrl;
        cached.region = m_settings.region;
        cached.accessToken = token.accessToken;
        cached.expiresAt = token.expiresAt;
        cached.refreshToken = token.refreshToken;
        cached.registration = m_registration;
        const auto written =
                writeSsoCachedToken(m_cacheDirectory, m_settings.tokenCacheKey(), cached);
        if (!written) {
            fail(SsoError{SsoErrorCode::Other, {}, written.error().message, 0});
            return;
        }
        m_done = true;
        qCInfo(lcSso).noquote() << "signed in to" << m_settings.startUrl << "until"
                                << token.expiresAt.toString(Qt::ISODate);
        Q_EMIT succeeded(token.expiresAt);
    }

    void fail(const SsoError &error)
    {
        m_done = true;
        qCWarning(lcSso).noquote() << "sign-in to" << m_settings.startUrl
                                   << "failed:" << error.awsCode << error.message;
        Q_EMIT failed(error);
    }

    SsoApi &m_api;
    Clock &m_clock;
    QString m_cacheDirectory;
    QProcessEnvironment m_environment;
    SsoSettings m_settings;
    PollDelay m_pollDelay;
    QTimer m_pollTimer;
    QUrl m_oidc;
    SsoClientRegistration m_registration;
    DeviceAuthorization m_authorization;
    QDateTime m_deadline;
    int m_interval = 5;
    bool m_codeShown = false;
    bool m_done = false;
};

} // namespace imsa
