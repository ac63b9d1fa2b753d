#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/result.h"

// The JSON the broker keeps in the key store. Error texts name the problem, never the entry's
// content: a half-readable entry may still hold a secret.
namespace imsa {

namespace detail {

/// The string member `key`, or an empty string when it is absent or not a string.
inline QString jsonString(const QJsonObject &object, QLatin1StringView key)
{
    return object.value(key).toString();
}

inline Result<QJsonObject, QString> parseJsonObject(const QByteArray &json)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return QString(QStringLiteral("not valid JSON (") + parseError.errorString()
                       + QLatin1Char(')'));
    if (!document.isObject())
        return QStringLiteral("not a JSON object");
    return document.object();
}

} // namespace detail

/// An MFA session as stored under "session:<base identity>":
/// {"AccessKeyId","SecretAccessKey","SessionToken","Expiration"}, Expiration in ISO 8601 UTC
/// with second precision, as STS and IMDS write it.
inline QByteArray encodeSessionCredentials(const AwsCredentials &credentials)
{
    const QJsonObject object{
            {QLatin1StringView("AccessKeyId"), credentials.accessKeyId},
            {QLatin1StringView("SecretAccessKey"), credentials.secretAccessKey},
            {QLatin1StringView("SessionToken"), credentials.sessionToken},
            {QLatin1StringView("Expiration"), credentials.expiration.toUTC().toString(Qt::ISODate)},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

/// The inverse of encodeSessionCredentials; accepts fractional seconds in Expiration.
inline Result<AwsCredentials, QString> decodeSessionCredentials(const QByteArray &json)
{
    const auto parsed = detail::parseJsonObject(json);
    if (!parsed)
        return parsed.error();
    const QJsonObject &object = parsed.value();
    AwsCredentials credentials;
    credentials.accessKeyId = detail::jsonString(object, QLatin1StringView("AccessKeyId"));
    credentials.secretAccessKey = detail::jsonString(object, QLatin1StringView("SecretAccessKey"));
    credentials.sessionToken = detail::jsonString(object, QLatin1StringView("SessionToken"));
    const QString expiration = detail::jsonString(object, QLatin1StringView("Expiration"));
    credentials.expiration = QDateTime::fromString(expiration, Qt::ISODateWithMs).toUTC();
    if (credentials.accessKeyId.isEmpty())
        return QStringLiteral("AccessKeyId is missing");
    if (credentials.secretAccessKey.isEmpty())
        return QStringLiteral("SecretAccessKey is missing");
    if (credentials.sessionToken.isEmpty())
        return QStringLiteral("SessionToken is missing");
    if (!credentials.expiration.isValid())
        return QStringLiteral("Expiration is missing or not an ISO 8601 time");
    return credentials;
}

/// Long-lived keys as stored under the key profile's name: {"AccessKeyId","SecretAccessKey"}.
inline QByteArray encodeBaseKeys(const AwsCredentials &keys)
{
    QJsonObject object{{QLatin1StringView("SecretAccessKey"), keys.secretAccessKey}};
    if (!keys.accessKeyId.isEmpty())
        object.insert(QLatin1StringView("AccessKeyId"), keys.accessKeyId);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

/// The inverse of encodeBaseKeys. AccessKeyId may be absent (the profile's file names it);
/// SecretAccessKey may not.
inline Result<AwsCredentials, QString> decodeBaseKeys(const QByteArray &json)
{
    const auto parsed = detail::parseJsonObject(json);
    if (!parsed)
        return parsed.error();
    AwsCredentials keys;
    keys.accessKeyId = detail::jsonString(parsed.value(), QLatin1StringView("AccessKeyId"));
    keys.secretAccessKey = detail::jsonString(parsed.value(), QLatin1StringView("SecretAccessKey"));
    if (keys.secretAccessKey.isEmpty())
        return QStringLiteral("SecretAccessKey is missing");
    return keys;
}

} // namespace imsa
