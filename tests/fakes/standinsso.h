#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "fakes/standinhttp.h"
#include "imsa/credentials.h"

namespace imsa::test {

/// An account of the stand-in's organisation and the roles (permission sets) the user has in it.
struct StandInSsoAccount
{
    QString accountId; ///< 12 digits
    QString accountName;
    QString emailAddress;
    QStringList roleNames;
};

enum class StandInSsoFault {
    None,
    ServerError, ///< HTTP 500 InternalServerException
    TooManyRequests, ///< HTTP 429 TooManyRequestsException
    Hang, ///< never answer
};

/// One sso-oidc or portal request as the stand-in saw it. Holds no token or secret.
struct StandInSsoCall
{
    QString operation; ///< RegisterClient, StartDeviceAuthorization, CreateToken, ...
    int status = 0; ///< 0: left hanging
    QString errorCode; ///< the x-amzn-ErrorType, empty on success
};

/// Role credentials the portal handed out, with the identity STS must give them.
struct StandInSsoRoleCredentials
{
    AwsCredentials credentials;
    QString assumedRoleArn; ///< arn:aws:sts::A:assumed-role/AWSReservedSSO_<ROLE>_<hex>/<user>
    QString assumedRoleId; ///< AROA...:<user>
};

/// A local stand-in for IAM Identity Center's two APIs over real HTTP on 127.0.0.1, in the
/// rest-json shapes of botocore's `sso-oidc` and `sso` service models, so that imsa, the AWS
/// CLI and boto3 can all sign in and get role credentials from it. Test code only.
///
/// sso-oidc (OAuth 2.0 device authorization, RFC 8628): POST /client/register,
/// POST /device_authorization, POST /token. Its errors carry `error`/`error_description` and
/// the x-amzn-ErrorType header botocore maps to the exception.
/// Portal: GET /federation/credentials, GET /assignment/accounts, GET /assignment/roles,
/// POST /logout, bearer token in x-amz-sso_bearer_token; errors carry `message`.
/// The "browser": GET /device?user_code=CODE (the verificationUriComplete) approves.
/// Control routes: POST /_sso/approve and /_sso/deny with JSON {"userCode": "..."}, and
/// POST /_sso/fault with JSON {"kind": "server-error|too-many-requests|hang|none", "count": N}.
class StandInSso : public QObject
{
public:
    /// Registrations last 90 days, as AWS's do.
    static constexpr int registrationSeconds = 90 * 24 * 3600;
    static constexpr int defaultDeviceCodeSeconds = 600;
    static constexpr int defaultIntervalSeconds = 1;
    static constexpr int defaultAccessTokenSeconds = 8 * 3600;
    static constexpr int defaultRoleCredentialsSeconds = 3600;
    /// Page size when the caller gives no max_result, and the largest it may ask for.
    static constexpr int defaultPageSize = 20;
    static constexpr int maxPageSize = 100;

    explicit StandInSso(QObject *parent = nullptr);

    /// Three accounts (111111111111 dev, 222222222222 staging, 333333333333 prod) with
    /// AdministratorAccess and/or ReadOnlyAccess.
    static QList<StandInSsoAccount> defaultOrganisation();
    /// `count` accounts 100000000000+i named account-NNN, each with ReadOnlyAccess and, for
    /// every other one, AdministratorAccess: enough to page through.
    static QList<StandInSsoAccount> generatedOrganisation(int count);
    void setOrganisation(const QList<StandInSsoAccount> &accounts);

    /// The signed-in user's name, the session name in role ARNs; "alice" by default.
    void setUserName(const QString &userName);
    /// Empty (the default): any start URL is accepted; else only this one.
    void setStartUrl(const QString &startUrl);

    void setTimeSource(std::function<QDateTime()> now);
    void setDeviceCodeLifetime(int seconds);
    /// The polling interval StartDeviceAuthorization announces and CreateToken enforces.
    void setPollInterval(int seconds);
    void setAccessTokenLifetime(int seconds);
    void setRoleCredentialsLifetime(int seconds);
    /// -1 (the default): only the browser route or approve() approves a sign-in. N >= 0: a
    /// sign-in also approves itself once N polls were answered authorization_pending.
    void setApproveAfterPolls(int polls);

    /// Whether the sign-in with this user code was waiting and is now approved / denied.
    bool approve(const QString &userCode);
    bool deny(const QString &userCode);
    /// User codes of sign-ins neither approved, denied, expired nor used.
    QStringList pendingUserCodes() const;

    /// Called for every set of role credentials GetRoleCredentials issues (StandInSts uses
    /// it to accept them).
    void
    setRoleCredentialsListener(std::function<void(const StandInSsoRoleCredentials &)> listener);

    /// The next `count` sso-oidc or portal requests meet `fault`.
    void injectFault(StandInSsoFault fault, int count);
    /// "server-error", "too-many-requests", "hang", "none".
    static std::optional<StandInSsoFault> faultFromName(const QString &name);

    /// Whether `path` is one of the stand-in's routes (for a server that shares its port).
    static bool serves(const QByteArray &path);
    std::optional<StandInResponse> handle(const StandInRequest &request);

    /// Serve on a port of its own.
    bool listen(const QHostAddress &address = QHostAddress(QHostAddress::LocalHost),
                quint16 port = 0);
    /// http://ADDRESS:PORT/ after listen().
    QUrl url() const;

    int callCount(const QString &operation) const;

    const QList<StandInSsoCall> &calls() const { return m_calls; }

    void clearCalls() { m_calls.clear(); }

    /// {"counts": {operation: n}, "calls": [...]}
    QJsonObject callsJson() const;

private:
    struct Registration
    {
        QString clientSecret;
        QDateTime expiresAt;
        bool hasScopes = false; ///< AWS gives refresh tokens only to clients with scopes
    };

    enum class SignInState {
        Pending,
        Approved,
        Denied,
        Used,
    };

    struct SignIn
    {
        QString clientId;
        QString userCode;
        QDateTime expiresAt;
        SignInState state = SignInState::Pending;
        QDateTime lastPoll;
        int pendingPolls = 0;
    };

    struct AccessToken
    {
        QString clientId;
        QDateTime expiresAt;
    };

    // standinssooidc.cpp
    StandInResponse registerClient(const QJsonObject &input, const QDateTime &now);
    StandInResponse startDeviceAuthorization(const StandInRequest &request,
                                             const QJsonObject &input, const QDateTime &now);
    StandInResponse createToken(const QJsonObject &input, const QDateTime &now);
    StandInResponse deviceCodeGrant(const QString &clientId, const QJsonObject &input,
                                    const QDateTime &now);
    StandInResponse refreshTokenGrant(const QString &clientId, const QJsonObject &input,
                                      const QDateTime &now);
    StandInResponse issueTokens(const QString &clientId, const QDateTime &now);
    std::optional<StandInResponse> checkClient(const QJsonObject &input,
                                               const QDateTime &now) const;
    StandInResponse browse(const StandInRequest &request);

    // standinssoportal.cpp
    StandInResponse getRoleCredentials(const StandInRequest &request, const QDateTime &now);
    StandInResponse listAccounts(const StandInRequest &request, const QDateTime &now);
    StandInResponse listAccountRoles(const StandInRequest &request, const QDateTime &now);
    StandInResponse logout(const StandInRequest &request, const QDateTime &now);
    /// The portal's 401 when the bearer token is unknown, expired or logged out.
    std::optional<StandInResponse> checkBearer(const StandInRequest &request,
                                               const QDateTime &now) const;
    const StandInSsoAccount *account(const QString &accountId) const;

    StandInResponse dispatch(const QString &operation, const StandInRequest &request,
                             const QDateTime &now);
    StandInResponse control(const StandInRequest &request);

    StandInHttpServer m_http;
    std::function<QDateTime()> m_now;
    std::function<void(const StandInSsoRoleCredentials &)> m_roleCredentialsListener;
    QList<StandInSsoAccount> m_accounts;
    QString m_userName = QStringLiteral("alice");
    QString m_startUrl;
    int m_deviceCodeSeconds = defaultDeviceCodeSeconds;
    int m_intervalSeconds = defaultIntervalSeconds;
    int m_accessTokenSeconds = defaultAccessTokenSeconds;
    int m_roleCredentialsSeconds = defaultRoleCredentialsSeconds;
    int m_approveAfterPolls = -1;
    QHash<QString, Registration> m_registrations; ///< by clientId
    QHash<QString, SignIn> m_signIns; ///< by deviceCode
    QHash<QString, AccessToken> m_accessTokens; ///< by the token
    QHash<QString, QString> m_refreshTokens; ///< token → clientId; removed once used
    StandInSsoFault m_fault = StandInSsoFault::None;
    int m_faultCount = 0;
    QList<StandInSsoCall> m_calls;
};

namespace standin {

/// Random text from `alphabet`, for ids, codes and secrets.
QString randomText(int length, QLatin1StringView alphabet);

/// A JSON reply as the rest-json services send it.
StandInResponse jsonResponse(int status, const QJsonObject &body, const QByteArray &errorType = {});

} // namespace standin

} // namespace imsa::test
