// The stand-in's sso-oidc side: client registration and the OAuth 2.0 device authorization
// grant (RFC 8628) with refresh tokens, answering as botocore's sso-oidc model describes, and
// the "browser" page that approves a sign-in.
#include <QJsonArray>
#include <QUrlQuery>

#include "fakes/standinsso.h"

namespace imsa::test {

namespace {

const QLatin1StringView deviceCodeGrantType("urn:ietf:params:oauth:grant-type:device_code");
const QLatin1StringView refreshTokenGrantType("refresh_token");
const QLatin1StringView
        tokenAlphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
// RFC 8628 section 6.1: consonants only, so no word and no look-alike characters.
const QLatin1StringView userCodeAlphabet("BCDFGHJKLMNPQRSTVWXZ");
// Qt's coarse timers may fire up to 5% early: a client polling at the interval must not meet
// slow_down for that.
constexpr double pollTolerance = 0.9;

// An OAuth error as sso-oidc sends it: error and error_description in the body, the
// exception's name in x-amzn-ErrorType.
StandInResponse oauthError(int status, const QByteArray &type, const char *error,
                           const char *description)
{
    return standin::jsonResponse(
            status,
            {{QStringLiteral("error"), QLatin1StringView(error)},
             {QStringLiteral("error_description"), QLatin1StringView(description)}},
            type);
}

StandInResponse invalidRequest(const char *description)
{
    return oauthError(400, "InvalidRequestException", "invalid_request", description);
}

StandInResponse page(int status, const char *text)
{
    return StandInResponse{status,
                           {{"Content-Type", "text/html; charset=utf-8"}},
                           QByteArray("<!DOCTYPE html><title>imsa stand-in</title><p>") + text
                                   + "</p>\n"};
}

} // namespace

StandInResponse StandInSso::registerClient(const QJsonObject &input, const QDateTime &now)
{
    if (input.value(QStringLiteral("clientName")).toString().isEmpty()
        || input.value(QStringLiteral("clientType")).toString() != QLatin1StringView("public"))
        return invalidRequest("clientName and clientType public are required");
    const QString clientId = standin::randomText(22, tokenAlphabet);
    Registration registration{standin::randomText(400, tokenAlphabet),
                              now.addSecs(registrationSeconds),
                              !input.value(QStringLiteral("scopes")).toArray().isEmpty()};
    m_registrations.insert(clientId, registration);
    return standin::jsonResponse(
            200,
            {{QStringLiteral("clientId"), clientId},
             {QStringLiteral("clientSecret"), registration.clientSecret},
             {QStringLiteral("clientIdIssuedAt"), now.toSecsSinceEpoch()},
             {QStringLiteral("clientSecretExpiresAt"), registration.expiresAt.toSecsSinceEpoch()}});
}

std::optional<StandInResponse> StandInSso::checkClient(const QJsonObject &input,
                                                       const QDateTime &now) const
{
    const auto registration =
            m_registrations.constFind(input.value(QStringLiteral("clientId")).toString());
    if (registration == m_registrations.cend()
        || registration->clientSecret != input.value(QStringLiteral("clientSecret")).toString()
        || registration->expiresAt <= now)
        return oauthError(401, "InvalidClientException", "invalid_client",
                          "Client authentication failed");
    return std::nullopt;
}

StandInResponse StandInSso::startDeviceAuthorization(const StandInRequest &request,
                                                     const QJsonObject &input, const QDateTime &now)
{
    if (auto refusal = checkClient(input, now))
        return *refusal;
    const QString startUrl = input.value(QStringLiteral("startUrl")).toString();
    if (startUrl.isEmpty() || (!m_startUrl.isEmpty() && startUrl != m_startUrl))
        return invalidRequest("Invalid start URL");
    const QString deviceCode = standin::randomText(100, tokenAlphabet);
    const QString userCode = standin::randomText(4, userCodeAlphabet) + QLatin1Char('-')
            + standin::randomText(4, userCodeAlphabet);
    SignIn signIn;
    signIn.clientId = input.value(QStringLiteral("clientId")).toString();
    signIn.userCode = userCode;
    signIn.expiresAt = now.addSecs(m_deviceCodeSeconds);
    m_signIns.insert(deviceCode, signIn);
    // The browser page is the stand-in itself, on whatever address the client reached it.
    const QString host = QString::fromLatin1(request.header("Host"));
    const QString verificationUri = QStringLiteral("http://")
            + (host.isEmpty() ? url().authority() : host) + QStringLiteral("/device");
    return standin::jsonResponse(
            200,
            {{QStringLiteral("deviceCode"), deviceCode},
             {QStringLiteral("userCode"), userCode},
             {QStringLiteral("verificationUri"), verificationUri},
             {QStringLiteral("verificationUriComplete"),
              QString(verificationUri + QStringLiteral("?user_code=") + userCode)},
             {QStringLiteral("expiresIn"), m_deviceCodeSeconds},
             {QStringLiteral("interval"), m_intervalSeconds}});
}

StandInResponse StandInSso::createToken(const QJsonObject &input, const QDateTime &now)
{
    if (auto refusal = checkClient(input, now))
        return *refusal;
    const QString clientId = input.value(QStringLiteral("clientId")).toString();
    const QString grantType = input.value(QStringLiteral("grantType")).toString();
    if (grantType == deviceCodeGrantType)
        return deviceCodeGrant(clientId, input, now);
    if (grantType == refreshTokenGrantType)
        return refreshTokenGrant(clientId, input, now);
    return oauthError(400, "UnsupportedGrantTypeException", "unsupported_grant_type",
                      "Unsupported grant type");
}

StandInResponse StandInSso::deviceCodeGrant(const QString &clientId, const QJsonObject &input,
                                            const QDateTime &now)
{
    const auto signIn = m_signIns.find(input.value(QStringLiteral("deviceCode")).toString());
    if (signIn == m_signIns.end() || signIn->clientId != clientId
        || signIn->state == SignInState::Used)
        return oauthError(400, "InvalidGrantException", "invalid_grant", "Invalid device code");
    if (signIn->expiresAt <= now)
        return oauthError(400, "ExpiredTokenException", "expired_token",
                          "The device code has expired");
    if (signIn->state == SignInState::Denied)
        return oauthError(400, "AccessDeniedException", "access_denied",
                          "The user denied the authorization request");
    const QDateTime lastPoll = signIn->lastPoll;
    signIn->lastPoll = now;
    if (signIn->state == SignInState::Pending && lastPoll.isValid()
        && lastPoll.msecsTo(now) < qint64(m_intervalSeconds * 1000 * pollTolerance))
        return oauthError(400, "SlowDownException", "slow_down", "Client is polling too fast");
    if (signIn->state == SignInState::Pending && m_approveAfterPolls >= 0
        && signIn->pendingPolls >= m_approveAfterPolls)
        signIn->state = SignInState::Approved;
    if (signIn->state == SignInState::Pending) {
        ++signIn->pendingPolls;
        return oauthError(400, "AuthorizationPendingException", "authorization_pending",
                          "Authorization is pending");
    }
    signIn->state = SignInState::Used;
    return issueTokens(clientId, now);
}

StandInResponse StandInSso::refreshTokenGrant(const QString &clientId, const QJsonObject &input,
                                              const QDateTime &now)
{
    const auto owner =
            m_refreshTokens.constFind(input.value(QStringLiteral("refreshToken")).toString());
    if (owner == m_refreshTokens.cend() || *owner != clientId)
        return oauthError(400, "InvalidGrantException", "invalid_grant", "Invalid refresh token");
    // Rotation: a refresh token works once.
    m_refreshTokens.erase(owner);
    return issueTokens(clientId, now);
}

StandInResponse StandInSso::issueTokens(const QString &clientId, const QDateTime &now)
{
    const QString accessToken = QStringLiteral("aoa") + standin::randomText(300, tokenAlphabet);
    m_accessTokens.insert(accessToken, AccessToken{clientId, now.addSecs(m_accessTokenSeconds)});
    QJsonObject output{{QStringLiteral("accessToken"), accessToken},
                       {QStringLiteral("tokenType"), QStringLiteral("Bearer")},
                       {QStringLiteral("expiresIn"), m_accessTokenSeconds}};
    if (m_registrations.value(clientId).hasScopes) {
        const QString refreshToken =
                QStringLiteral("aor") + standin::randomText(300, tokenAlphabet);
        m_refreshTokens.insert(refreshToken, clientId);
        output.insert(QStringLiteral("refreshToken"), refreshToken);
    }
    return standin::jsonResponse(200, output);
}

StandInResponse StandInSso::browse(const StandInRequest &request)
{
    const QString userCode =
            QUrlQuery(QString::fromLatin1(request.query()))
                    .queryItemValue(QStringLiteral("user_code"), QUrl::FullyDecoded);
    if (approve(userCode))
        return page(200, "Request approved. You can close this window.");
    return page(404, "No sign-in is waiting for this code.");
}

} // namespace imsa::test
