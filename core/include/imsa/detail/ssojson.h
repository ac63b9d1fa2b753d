#pragma once

#include <algorithm>
#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include "imsa/ssoapi.h"

// The JSON of the sso-oidc and sso services, as botocore's service-2.json models them
// (botocore/data/sso-oidc/2019-06-10 and sso/2019-06-10): request bodies, answers, errors.
namespace imsa::detail {

/// Larger than any answer of these services (a page of accounts is a few kilobytes).
inline constexpr qint64 maxSsoDocumentBytes = 1024 * 1024;

inline const QString deviceCodeGrant =
        QStringLiteral("urn:ietf:params:oauth:grant-type:device_code");
inline const QString refreshTokenGrant = QStringLiteral("refresh_token");

inline QByteArray ssoJsonBody(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

inline SsoError malformedSsoResponse(const QString &what)
{
    return SsoError{SsoErrorCode::MalformedResponse, {}, what, 0};
}

/// The body as a JSON object; `operation` names the call in the error.
inline Result<QJsonObject, SsoError> ssoJsonObject(const QByteArray &body,
                                                   QLatin1StringView operation)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return malformedSsoResponse(operation + QStringLiteral(" answer is not a JSON object"));
    return document.object();
}

/// A required string member; the error names the member, never its value.
inline std::optional<QString> requiredString(const QJsonObject &object, QLatin1StringView member)
{
    const QJsonValue value = object.value(member);
    if (!value.isString() || value.toString().isEmpty())
        return std::nullopt;
    return value.toString();
}

inline SsoError missingMember(QLatin1StringView operation, QLatin1StringView member)
{
    return malformedSsoResponse(operation + QStringLiteral(" answer has no valid '") + member
                                + QStringLiteral("'"));
}

/// A whole number of seconds (or milliseconds) as JSON sends them: a double holding an
/// integer. Negative numbers are not in any of these answers.
inline std::optional<qint64> requiredCount(const QJsonObject &object, QLatin1StringView member)
{
    const QJsonValue value = object.value(member);
    if (!value.isDouble())
        return std::nullopt;
    const double number = value.toDouble();
    if (number < 0 || number > 9.0e15 || number != double(qint64(number)))
        return std::nullopt;
    return qint64(number);
}

inline Result<SsoClientRegistration, SsoError> parseRegisterClient(const QByteArray &body)
{
    const QLatin1StringView operation("RegisterClient");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    const auto clientId = requiredString(object.value(), QLatin1StringView("clientId"));
    if (!clientId)
        return missingMember(operation, QLatin1StringView("clientId"));
    const auto secret = requiredString(object.value(), QLatin1StringView("clientSecret"));
    if (!secret)
        return missingMember(operation, QLatin1StringView("clientSecret"));
    const auto expiresAt =
            requiredCount(object.value(), QLatin1StringView("clientSecretExpiresAt"));
    if (!expiresAt)
        return missingMember(operation, QLatin1StringView("clientSecretExpiresAt"));
    return SsoClientRegistration{*clientId, *secret,
                                 QDateTime::fromSecsSinceEpoch(*expiresAt, Qt::UTC)};
}

inline Result<DeviceAuthorization, SsoError> parseStartDeviceAuthorization(const QByteArray &body)
{
    const QLatin1StringView operation("StartDeviceAuthorization");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    DeviceAuthorization authorization;
    const std::pair<QLatin1StringView, QString *> strings[] = {
            {QLatin1StringView("deviceCode"), &authorization.deviceCode},
            {QLatin1StringView("userCode"), &authorization.userCode},
            {QLatin1StringView("verificationUri"), &authorization.verificationUri},
            {QLatin1StringView("verificationUriComplete"), &authorization.verificationUriComplete}};
    for (const auto &[member, target] : strings) {
        const auto value = requiredString(object.value(), member);
        if (!value)
            return missingMember(operation, member);
        *target = *value;
    }
    const auto expiresIn = requiredCount(object.value(), QLatin1StringView("expiresIn"));
    if (!expiresIn || *expiresIn > 86400)
        return missingMember(operation, QLatin1StringView("expiresIn"));
    authorization.expiresInSeconds = int(*expiresIn);
    // Optional: RFC 8628 section 3.2 and botocore's SSOTokenFetcher default to 5 seconds.
    if (object->contains(QLatin1StringView("interval"))) {
        const auto interval = requiredCount(object.value(), QLatin1StringView("interval"));
        if (!interval || *interval > 3600)
            return missingMember(operation, QLatin1StringView("interval"));
        authorization.intervalSeconds = int(std::max<qint64>(*interval, 1));
    }
    return authorization;
}

/// CreateToken's answer; expiresIn counts from `now`, as botocore does.
inline Result<SsoToken, SsoError> parseCreateToken(const QByteArray &body, const QDateTime &now)
{
    const QLatin1StringView operation("CreateToken");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    const auto accessToken = requiredString(object.value(), QLatin1StringView("accessToken"));
    if (!accessToken)
        return missingMember(operation, QLatin1StringView("accessToken"));
    const auto expiresIn = requiredCount(object.value(), QLatin1StringView("expiresIn"));
    if (!expiresIn || *expiresIn > 366 * 86400)
        return missingMember(operation, QLatin1StringView("expiresIn"));
    return SsoToken{*accessToken, object->value(QLatin1StringView("refreshToken")).toString(),
                    now.toUTC().addSecs(*expiresIn)};
}

inline Result<AwsCredentials, SsoError> parseGetRoleCredentials(const QByteArray &body)
{
    const QLatin1StringView operation("GetRoleCredentials");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    const QJsonObject credentials = object->value(QLatin1StringView("roleCredentials")).toObject();
    AwsCredentials result;
    const std::pair<QLatin1StringView, QString *> strings[] = {
            {QLatin1StringView("accessKeyId"), &result.accessKeyId},
            {QLatin1StringView("secretAccessKey"), &result.secretAccessKey},
            {QLatin1StringView("sessionToken"), &result.sessionToken}};
    for (const auto &[member, target] : strings) {
        const auto value = requiredString(credentials, member);
        if (!value)
            return missingMember(operation, member);
        *target = *value;
    }
    // Epoch milliseconds, unlike the seconds everywhere else (botocore SSOCredentialFetcher).
    const auto expiration = requiredCount(credentials, QLatin1StringView("expiration"));
    if (!expiration)
        return missingMember(operation, QLatin1StringView("expiration"));
    result.expiration = QDateTime::fromMSecsSinceEpoch(*expiration, Qt::UTC);
    return result;
}

/// nextToken of a page; absent or null on the last one.
inline Result<QString, SsoError> parseNextToken(const QJsonObject &object,
                                                QLatin1StringView operation)
{
    const QJsonValue next = object.value(QLatin1StringView("nextToken"));
    if (next.isUndefined() || next.isNull())
        return QString();
    if (!next.isString())
        return missingMember(operation, QLatin1StringView("nextToken"));
    return next.toString();
}

inline Result<SsoPage<SsoAccount>, SsoError> parseListAccounts(const QByteArray &body)
{
    const QLatin1StringView operation("ListAccounts");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    SsoPage<SsoAccount> page;
    const QJsonValue list = object->value(QLatin1StringView("accountList"));
    if (!list.isArray() && !list.isUndefined())
        return missingMember(operation, QLatin1StringView("accountList"));
    for (const QJsonValue entry : list.toArray()) {
        const QJsonObject account = entry.toObject();
        const auto accountId = requiredString(account, QLatin1StringView("accountId"));
        if (!accountId)
            return missingMember(operation, QLatin1StringView("accountList[].accountId"));
        page.items.append(SsoAccount{*accountId,
                                     account.value(QLatin1StringView("accountName")).toString(),
                                     account.value(QLatin1StringView("emailAddress")).toString()});
    }
    auto next = parseNextToken(object.value(), operation);
    if (!next)
        return next.error();
    page.nextToken = next.value();
    return page;
}

inline Result<SsoPage<QString>, SsoError> parseListAccountRoles(const QByteArray &body)
{
    const QLatin1StringView operation("ListAccountRoles");
    const auto object = ssoJsonObject(body, operation);
    if (!object)
        return object.error();
    SsoPage<QString> page;
    const QJsonValue list = object->value(QLatin1StringView("roleList"));
    if (!list.isArray() && !list.isUndefined())
        return missingMember(operation, QLatin1StringView("roleList"));
    for (const QJsonValue entry : list.toArray()) {
        const auto roleName = requiredString(entry.toObject(), QLatin1StringView("roleName"));
        if (!roleName)
            return missingMember(operation, QLatin1StringView("roleList[].roleName"));
        page.items.append(*roleName);
    }
    auto next = parseNextToken(object.value(), operation);
    if (!next)
        return next.error();
    page.nextToken = next.value();
    return page;
}

} // namespace imsa::detail
