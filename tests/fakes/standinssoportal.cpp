// The stand-in's portal side (service `sso`): role credentials, the accounts and roles the user
// may use, and logout, each behind the bearer token sso-oidc issued.
#include <algorithm>

#include <QCryptographicHash>
#include <QJsonArray>
#include <QTimeZone>
#include <QUrlQuery>

#include "fakes/standinsso.h"
#include "fakes/standinstsxml.h"

namespace imsa::test {

namespace {

StandInResponse portalError(int status, const QByteArray &type, const char *message)
{
    return standin::jsonResponse(status, {{QStringLiteral("message"), QLatin1StringView(message)}},
                                 type);
}

QString queryValue(const StandInRequest &request, const QString &name)
{
    return QUrlQuery(QString::fromLatin1(request.query())).queryItemValue(name, QUrl::FullyDecoded);
}

struct Page
{
    qsizetype begin = 0;
    qsizetype end = 0;
    QString nextToken; ///< empty on the last page
};

// next_token is opaque to clients; here it names the list it belongs to and where to go on.
std::optional<Page> pageOf(const StandInRequest &request, qsizetype total, const QString &listName)
{
    Page page;
    const QString maxText = queryValue(request, QStringLiteral("max_result"));
    bool ok = true;
    const int size = maxText.isEmpty() ? StandInSso::defaultPageSize : maxText.toInt(&ok);
    if (!ok || size < 1 || size > StandInSso::maxPageSize)
        return std::nullopt;
    const QString token = queryValue(request, QStringLiteral("next_token"));
    if (!token.isEmpty()) {
        const QString decoded = QString::fromLatin1(QByteArray::fromBase64(token.toLatin1()));
        const QString prefix = listName + QLatin1Char(':');
        if (!decoded.startsWith(prefix))
            return std::nullopt;
        page.begin = decoded.mid(prefix.size()).toLongLong(&ok);
        if (!ok || page.begin <= 0 || page.begin >= total)
            return std::nullopt;
    }
    page.end = std::min(total, page.begin + size);
    if (page.end < total)
        page.nextToken = QString::fromLatin1(
                (listName + QLatin1Char(':') + QString::number(page.end)).toLatin1().toBase64());
    return page;
}

} // namespace

std::optional<StandInResponse> StandInSso::checkBearer(const StandInRequest &request,
                                                       const QDateTime &now) const
{
    const auto token =
            m_accessTokens.constFind(QString::fromLatin1(request.header("x-amz-sso_bearer_token")));
    if (token == m_accessTokens.cend() || token->expiresAt <= now)
        return portalError(401, "UnauthorizedException", "Session token not found or invalid");
    return std::nullopt;
}

const StandInSsoAccount *StandInSso::account(const QString &accountId) const
{
    const auto it = std::find_if(m_accounts.cbegin(), m_accounts.cend(),
                                 [&accountId](const StandInSsoAccount &candidate) {
                                     return candidate.accountId == accountId;
                                 });
    return it == m_accounts.cend() ? nullptr : &*it;
}

StandInResponse StandInSso::getRoleCredentials(const StandInRequest &request, const QDateTime &now)
{
    if (auto refusal = checkBearer(request, now))
        return *refusal;
    const QString accountId = queryValue(request, QStringLiteral("account_id"));
    const QString roleName = queryValue(request, QStringLiteral("role_name"));
    if (accountId.isEmpty() || roleName.isEmpty())
        return portalError(400, "InvalidRequestException", "account_id and role_name are required");
    const StandInSsoAccount *known = account(accountId);
    if (!known)
        return portalError(404, "ResourceNotFoundException", "Could not find account");
    // Not in botocore's model, but what the portal answers for a role the user lacks.
    if (!known->roleNames.contains(roleName))
        return portalError(403, "ForbiddenException", "No access");

    const QLatin1StringView upper("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    const QLatin1StringView base64(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    // Whole seconds, as the portal's expiration is, though sent in milliseconds.
    const QDateTime expiration = QDateTime::fromSecsSinceEpoch(
            now.toSecsSinceEpoch() + m_roleCredentialsSeconds, QTimeZone::utc());
    // Identity Center's role per permission set and account: a stable 16-hex-digit suffix.
    const QString suffix = QString::fromLatin1(
            QCryptographicHash::hash((accountId + QLatin1Char('/') + roleName).toUtf8(),
                                     QCryptographicHash::Sha256)
                    .toHex()
                    .left(16));
    const QString reservedRole =
            QStringLiteral("AWSReservedSSO_") + roleName + QLatin1Char('_') + suffix;
    const StandInSsoRoleCredentials issued{
            AwsCredentials{QStringLiteral("ASIA") + standin::randomText(16, upper),
                           standin::randomText(40, base64),
                           QStringLiteral("IQoJb3JpZ2luX2Vj") + standin::randomText(300, base64),
                           expiration},
            QStringLiteral("arn:aws:sts::") + accountId + QStringLiteral(":assumed-role/")
                    + reservedRole + QLatin1Char('/') + m_userName,
            standin::uniqueId(QLatin1StringView("AROA"), accountId + reservedRole)
                    + QLatin1Char(':') + m_userName};
    if (m_roleCredentialsListener)
        m_roleCredentialsListener(issued);
    return standin::jsonResponse(
            200,
            {{QStringLiteral("roleCredentials"),
              QJsonObject{{QStringLiteral("accessKeyId"), issued.credentials.accessKeyId},
                          {QStringLiteral("secretAccessKey"), issued.credentials.secretAccessKey},
                          {QStringLiteral("sessionToken"), issued.credentials.sessionToken},
                          {QStringLiteral("expiration"), expiration.toMSecsSinceEpoch()}}}});
}

StandInResponse StandInSso::listAccounts(const StandInRequest &request, const QDateTime &now)
{
    if (auto refusal = checkBearer(request, now))
        return *refusal;
    const auto page = pageOf(request, m_accounts.size(), QStringLiteral("accounts"));
    if (!page)
        return portalError(400, "InvalidRequestException", "Invalid max_result or next_token");
    QJsonArray accounts;
    for (qsizetype i = page->begin; i < page->end; ++i) {
        const StandInSsoAccount &entry = m_accounts.at(i);
        accounts.append(QJsonObject{{QStringLiteral("accountId"), entry.accountId},
                                    {QStringLiteral("accountName"), entry.accountName},
                                    {QStringLiteral("emailAddress"), entry.emailAddress}});
    }
    QJsonObject output{{QStringLiteral("accountList"), accounts}};
    if (!page->nextToken.isEmpty())
        output.insert(QStringLiteral("nextToken"), page->nextToken);
    return standin::jsonResponse(200, output);
}

StandInResponse StandInSso::listAccountRoles(const StandInRequest &request, const QDateTime &now)
{
    if (auto refusal = checkBearer(request, now))
        return *refusal;
    const QString accountId = queryValue(request, QStringLiteral("account_id"));
    if (accountId.isEmpty())
        return portalError(400, "InvalidRequestException", "account_id is required");
    const StandInSsoAccount *known = account(accountId);
    if (!known)
        return portalError(404, "ResourceNotFoundException", "Could not find account");
    const auto page =
            pageOf(request, known->roleNames.size(), QStringLiteral("roles-") + accountId);
    if (!page)
        return portalError(400, "InvalidRequestException", "Invalid max_result or next_token");
    QJsonArray roles;
    for (qsizetype i = page->begin; i < page->end; ++i) {
        roles.append(QJsonObject{{QStringLiteral("roleName"), known->roleNames.at(i)},
                                 {QStringLiteral("accountId"), accountId}});
    }
    QJsonObject output{{QStringLiteral("roleList"), roles}};
    if (!page->nextToken.isEmpty())
        output.insert(QStringLiteral("nextToken"), page->nextToken);
    return standin::jsonResponse(200, output);
}

StandInResponse StandInSso::logout(const StandInRequest &request, const QDateTime &now)
{
    if (auto refusal = checkBearer(request, now))
        return *refusal;
    m_accessTokens.remove(QString::fromLatin1(request.header("x-amz-sso_bearer_token")));
    // Logout has no output shape: an empty body, as the portal sends.
    return StandInResponse{200, {{"Content-Type", "application/json"}}, {}};
}

} // namespace imsa::test
