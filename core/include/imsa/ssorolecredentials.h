#pragma once

#include <functional>
#include <utility>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QString>

#include "imsa/clock.h"
#include "imsa/logging.h"
#include "imsa/ssoapi.h"
#include "imsa/ssocredentialsource.h"
#include "imsa/ssoendpoint.h"
#include "imsa/ssotokencache.h"

namespace imsa {

namespace detail {

/// The broker's terms for a portal or token failure: what the user can do about it decides.
inline StsError brokerErrorFor(const SsoError &error)
{
    const auto as = [&error](StsErrorCode code) {
        return StsError{code, error.awsCode, error.message, error.httpStatus};
    };
    switch (error.code) {
    case SsoErrorCode::Unauthorized:
    case SsoErrorCode::InvalidGrant:
    case SsoErrorCode::InvalidClient:
    case SsoErrorCode::ExpiredToken:
        return as(StsErrorCode::SignInNeeded);
    case SsoErrorCode::Forbidden:
    case SsoErrorCode::NotFound:
    case SsoErrorCode::AccessDenied:
        return as(StsErrorCode::AccessDenied);
    case SsoErrorCode::InvalidRequest:
        return as(StsErrorCode::InvalidRequest);
    case SsoErrorCode::Throttled:
        return as(StsErrorCode::Throttled);
    case SsoErrorCode::ServerError:
        return as(StsErrorCode::ServerError);
    case SsoErrorCode::Network:
        return as(StsErrorCode::Network);
    case SsoErrorCode::Timeout:
        return as(StsErrorCode::Timeout);
    case SsoErrorCode::MalformedResponse:
        return as(StsErrorCode::MalformedResponse);
    case SsoErrorCode::AuthorizationPending:
    case SsoErrorCode::SlowDown:
    case SsoErrorCode::Other:
        break;
    }
    return as(StsErrorCode::Other);
}

} // namespace detail

/// The app's SsoCredentialSource. The sign-in tokens live in the AWS CLI's token cache, so a
/// sign-in by `aws sso login` serves imsa and imsa's serves the AWS CLI; the file is read on
/// every call, which also picks up a sign-in made elsewhere. A token within 15 minutes of its
/// end is refreshed with its refresh token first (botocore's window), once per session even
/// when several profiles ask at the same time: the refresh token may rotate, and a second
/// refresh with the old one would fail.
class SsoRoleCredentials : public QObject, public SsoCredentialSource
{
public:
    /// The access token is refreshed when it has less than this left, and only when the broker
    /// comes for role credentials: about every 40 min for 1-h credentials renewed 20 min before
    /// their end. Longer than that gap, so the token in the cache shared with the AWS CLI never
    /// runs out between two visits (botocore's own window is 15 min; with it the cached token
    /// was expired a quarter of the time, tst_ssoday measured).
    static constexpr int refreshWindowSeconds = 45 * 60;

    /// `cacheDirectory` is the AWS CLI's (ssoTokenCacheDirectory); `environment` gives the
    /// endpoint overrides. `api` and `clock` must outlive this.
    SsoRoleCredentials(SsoApi &api, Clock &clock, QString cacheDirectory,
                       const QProcessEnvironment &environment, QObject *parent = nullptr)
        : QObject(parent)
        , m_api(api)
        , m_clock(clock)
        , m_cacheDirectory(std::move(cacheDirectory))
        , m_environment(environment)
    { }

    void roleCredentials(const SsoSettings &settings, QObject *context,
                         std::function<void(StsResult<AwsCredentials>)> done) override
    {
        const auto endpoints = resolveSsoEndpoints(settings.region, m_environment);
        if (!endpoints) {
            deliverLater(context, std::move(done),
                         StsError{StsErrorCode::InvalidRequest, {}, endpoints.error().message, 0});
            return;
        }
        accessToken(settings, context,
                    [this, settings, portal = endpoints->portal, context,
                     done = std::move(done)](StsResult<QString> token) mutable {
                        if (!token) {
                            done(token.error());
                            return;
                        }
                        m_api.getRoleCredentials(
                                portal, token.value(), settings.accountId, settings.roleName,
                                context, [done = std::move(done)](SsoResult<AwsCredentials> keys) {
                                    done(keys ? StsResult<AwsCredentials>(keys.value())
                                              : StsResult<AwsCredentials>(
                                                      detail::brokerErrorFor(keys.error())));
                                });
                    });
    }

    /// A valid access token of `settings`' session, refreshed first when due; SignInNeeded when
    /// there is none. Same completion rules as roleCredentials.
    void accessToken(const SsoSettings &settings, QObject *context,
                     std::function<void(StsResult<QString>)> done)
    {
        const QString key = settings.tokenCacheKey();
        const auto cached = readSsoCachedToken(m_cacheDirectory, key);
        if (!cached) {
            deliverLater(context, std::move(done),
                         StsError{StsErrorCode::Other, {}, cached.error().message, 0});
            return;
        }
        const QDateTime now = m_clock.now();
        if (!cached.value() || !isUsable(*cached.value(), now)) {
            deliverLater(context, std::move(done), signInNeeded(settings));
            return;
        }
        const qint64 left = now.secsTo(cached.value()->expiresAt);
        if (left > 0 && (left > refreshWindowSeconds || !canRefresh(*cached.value(), now))) {
            deliverLater(context, std::move(done), cached.value()->accessToken);
            return;
        }
        QList<Waiter> &waiters = m_refreshing[key];
        waiters.append(Waiter{context, std::move(done)});
        if (waiters.size() == 1)
            refresh(settings, *cached.value());
    }

    /// Whether `settings`' session has a token that works now or can be refreshed: signed in.
    bool isSignedIn(const SsoSettings &settings) const
    {
        const auto cached = readSsoCachedToken(m_cacheDirectory, settings.tokenCacheKey());
        return cached && cached.value() && isUsable(*cached.value(), m_clock.now());
    }

private:
    struct Waiter
    {
        QPointer<QObject> context;
        std::function<void(StsResult<QString>)> done;
    };

    static bool canRefresh(const SsoCachedToken &token, const QDateTime &now)
    {
        return !token.refreshToken.isEmpty() && !token.registration.clientId.isEmpty()
                && token.registration.expiresAt > now;
    }

    /// Still good for a sign-in's work: the access token has not ended, or can be refreshed.
    static bool isUsable(const SsoCachedToken &token, const QDateTime &now)
    {
        return now.secsTo(token.expiresAt) > 0 || canRefresh(token, now);
    }

    static StsError signInNeeded(const SsoSettings &settings)
    {
        return StsError{StsErrorCode::SignInNeeded,
                        {},
                        QStringLiteral("no valid sign-in for %1").arg(settings.startUrl),
                        0};
    }

    /// Calls `done(result)` from the event loop, unless `context` is gone by then.
    template <typename Callback, typename Value>
    static void deliverLater(QObject *context, Callback done, Value result)
    {
        QMetaObject::invokeMethod(
                context,
                [done = std::move(done), result = std::move(result)] {
                    done(result);
                },
                Qt::QueuedConnection);
    }

    void refresh(const SsoSettings &settings, const SsoCachedToken &cached)
    {
        const auto endpoints = resolveSsoEndpoints(settings.region, m_environment);
        if (!endpoints) {
            finishRefresh(settings.tokenCacheKey(),
                          StsError{StsErrorCode::InvalidRequest, {}, endpoints.error().message, 0});
            return;
        }
        qCInfo(lcSso).noquote() << "refreshing the sign-in of" << settings.startUrl;
        m_api.refreshToken(
                endpoints->oidc, cached.registration, cached.refreshToken, this,
                [this, settings, cached](const SsoResult<SsoToken> &result) {
                    const QString key = settings.tokenCacheKey();
                    const QDateTime now = m_clock.now();
                    if (!result) {
                        qCWarning(lcSso).noquote()
                                << "refreshing the sign-in of" << settings.startUrl
                                << "failed:" << result.error().awsCode << result.error().message;
                        // Until it ends, the token in hand still works; botocore does the same.
                        if (now.secsTo(cached.expiresAt) > 0)
                            finishRefresh(key, cached.accessToken);
                        else
                            finishRefresh(key,
                                          result.error().isTransient()
                                                  ? detail::brokerErrorFor(result.error())
                                                  : signInNeeded(settings));
                        return;
                    }
                    SsoCachedToken renewed = cached;
                    renewed.accessToken = result->accessToken;
                    renewed.expiresAt = result->expiresAt;
                    if (!result->refreshToken.isEmpty())
                        renewed.refreshToken = result->refreshToken;
                    const auto written = writeSsoCachedToken(m_cacheDirectory, key, renewed);
                    if (!written)
                        qCWarning(lcSso).noquote() << written.error().message;
                    finishRefresh(key, renewed.accessToken);
                });
    }

    void finishRefresh(const QString &key, const StsResult<QString> &result)
    {
        const QList<Waiter> waiters = m_refreshing.take(key);
        for (const Waiter &waiter : waiters) {
            if (waiter.context)
                deliverLater(waiter.context.data(), waiter.done, result);
        }
    }

    SsoApi &m_api;
    Clock &m_clock;
    QString m_cacheDirectory;
    QProcessEnvironment m_environment;
    QHash<QString, QList<Waiter>> m_refreshing;
};

} // namespace imsa
