#pragma once

#include <functional>

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "imsa/credentials.h"
#include "imsa/result.h"

namespace imsa {

/// What went wrong with an IAM Identity Center call (services `sso-oidc` and `sso`), in terms
/// a user or the broker can act on. The OAuth codes are those of RFC 8628 as sso-oidc sends
/// them (botocore's sso-oidc service-2.json); Other stays last.
enum class SsoErrorCode {
    AuthorizationPending, ///< the user has not approved the device code yet: keep polling
    SlowDown, ///< polling too fast: add 5 s to the interval
    ExpiredToken, ///< the device code, or the refresh token, has expired
    AccessDenied, ///< the user denied the sign-in
    InvalidClient, ///< the client registration is unknown or expired: register again
    InvalidGrant, ///< the device code or refresh token is not (or no longer) valid
    Unauthorized, ///< portal 401: the access token is no longer valid, sign in again
    Forbidden, ///< portal 403: no access to that account or role
    NotFound, ///< portal 404 (ResourceNotFoundException): no such account or role
    InvalidRequest, ///< a malformed call: a bad start URL, account id or role name
    Throttled, ///< 429 / TooManyRequestsException
    ServerError, ///< HTTP 5xx
    Network, ///< could not connect, TLS failure, connection reset
    Timeout, ///< no answer in time
    MalformedResponse, ///< not the JSON the service sends
    Other
};

struct SsoError
{
    SsoErrorCode code = SsoErrorCode::Other;
    QString awsCode; ///< e.g. "authorization_pending"; empty for transport errors
    QString message; ///< the service's message or the transport's description; never holds tokens
    int httpStatus = 0;

    /// Worth trying again without a human.
    bool isTransient() const
    {
        switch (code) {
        case SsoErrorCode::Throttled:
        case SsoErrorCode::ServerError:
        case SsoErrorCode::Network:
        case SsoErrorCode::Timeout:
        case SsoErrorCode::MalformedResponse:
            return true;
        default:
            return false;
        }
    }
};

template <typename T>
using SsoResult = Result<T, SsoError>;

/// A public OIDC client registered with RegisterClient; valid until expiresAt.
struct SsoClientRegistration
{
    QString clientId;
    QString clientSecret; ///< a secret: never logged
    QDateTime expiresAt;

    friend bool operator==(const SsoClientRegistration &, const SsoClientRegistration &) = default;
};

/// StartDeviceAuthorization's answer: what the user sees and what imsa polls with.
struct DeviceAuthorization
{
    QString deviceCode; ///< a secret: never logged
    QString userCode; ///< shown to the user, e.g. "ABCD-EFGH"
    QString verificationUri;
    QString verificationUriComplete; ///< the URI with the user code filled in
    int expiresInSeconds = 0;
    int intervalSeconds = 5;
};

/// CreateToken's answer. refreshToken is empty when the service gives none (legacy profiles).
struct SsoToken
{
    QString accessToken; ///< a bearer credential: never logged
    QString refreshToken; ///< a secret: never logged
    QDateTime expiresAt;

    friend bool operator==(const SsoToken &, const SsoToken &) = default;
};

struct SsoAccount
{
    QString accountId;
    QString accountName;
    QString emailAddress;
};

/// One page of a paginated list; nextToken is empty on the last page.
template <typename T>
struct SsoPage
{
    QList<T> items;
    QString nextToken;
};

/// The IAM Identity Center calls imsa makes. `oidc` is the sso-oidc endpoint, `portal` the sso
/// endpoint (see resolveSsoEndpoints). Every call completes exactly once, asynchronously (never
/// from inside the call), by invoking the callback in the thread of `context`; if `context` is
/// destroyed first the callback is dropped.
class SsoApi
{
public:
    virtual ~SsoApi() = default;

    virtual void registerClient(const QUrl &oidc, const QString &clientName,
                                const QStringList &scopes, QObject *context,
                                std::function<void(SsoResult<SsoClientRegistration>)> done) = 0;
    virtual void
    startDeviceAuthorization(const QUrl &oidc, const SsoClientRegistration &registration,
                             const QString &startUrl, QObject *context,
                             std::function<void(SsoResult<DeviceAuthorization>)> done) = 0;
    /// CreateToken with grant type urn:ietf:params:oauth:grant-type:device_code.
    virtual void createTokenFromDeviceCode(const QUrl &oidc,
                                           const SsoClientRegistration &registration,
                                           const QString &deviceCode, QObject *context,
                                           std::function<void(SsoResult<SsoToken>)> done) = 0;
    /// CreateToken with grant type refresh_token; the answer may carry a new refresh token.
    virtual void refreshToken(const QUrl &oidc, const SsoClientRegistration &registration,
                              const QString &refreshToken, QObject *context,
                              std::function<void(SsoResult<SsoToken>)> done) = 0;
    /// GetRoleCredentials: temporary keys for one account and role.
    virtual void getRoleCredentials(const QUrl &portal, const QString &accessToken,
                                    const QString &accountId, const QString &roleName,
                                    QObject *context,
                                    std::function<void(SsoResult<AwsCredentials>)> done) = 0;
    virtual void listAccounts(const QUrl &portal, const QString &accessToken,
                              const QString &nextToken, QObject *context,
                              std::function<void(SsoResult<SsoPage<SsoAccount>>)> done) = 0;
    /// The role names of one account.
    virtual void listAccountRoles(const QUrl &portal, const QString &accessToken,
                                  const QString &accountId, const QString &nextToken,
                                  QObject *context,
                                  std::function<void(SsoResult<SsoPage<QString>>)> done) = 0;
    /// Ends the portal session of this access token.
    virtual void logout(const QUrl &portal, const QString &accessToken, QObject *context,
                        std::function<void(SsoResult<Done>)> done) = 0;
};

} // namespace imsa
