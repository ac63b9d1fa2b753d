#pragma once

#include <initializer_list>
#include <utility>

#include <QByteArray>
#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>
#include <QString>
#include <QSysInfo>

#include "imsa/credentials.h"
#include "imsa/detail/jsonstring.h"

// The JSON bodies of the IMDS and container routes. Credential documents are written by hand
// because clients and tests expect AWS's key order, which QJsonObject (sorted) cannot keep.
namespace imsa::detail {

/// AWS's time format on these routes: UTC, second precision, `Z` (2026-11-25T10:00:00Z).
inline QString imdsTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

/// A flat JSON object of strings in the order given; members with an empty value are left
/// out (an AccountId that is not known is absent, not "").
inline QByteArray jsonObject(std::initializer_list<std::pair<QLatin1StringView, QString>> members)
{
    QByteArray out = "{";
    for (const auto &[key, value] : members) {
        if (!value.isEmpty())
            appendJsonMember(out, key, jsonString(value));
    }
    out += '}';
    return out;
}

/// The body of `.../security-credentials/<role>`, with AccountId appended for the
/// `-extended` route (pass an empty accountId for the classic one).
inline QByteArray imdsCredentialsJson(const AwsCredentials &credentials,
                                      const QDateTime &lastUpdated, const QString &accountId)
{
    return jsonObject({
            {QLatin1StringView("Code"), QStringLiteral("Success")},
            {QLatin1StringView("LastUpdated"), imdsTime(lastUpdated)},
            {QLatin1StringView("Type"), QStringLiteral("AWS-HMAC")},
            {QLatin1StringView("AccessKeyId"), credentials.accessKeyId},
            {QLatin1StringView("SecretAccessKey"), credentials.secretAccessKey},
            {QLatin1StringView("Token"), credentials.sessionToken},
            {QLatin1StringView("Expiration"), imdsTime(credentials.expiration)},
            {QLatin1StringView("AccountId"), accountId},
    });
}

/// The body of the container route, in the order the ECS agent writes it.
inline QByteArray containerCredentialsJson(const AwsCredentials &credentials,
                                           const QDateTime &lastUpdated, const QString &accountId)
{
    return jsonObject({
            {QLatin1StringView("AccessKeyId"), credentials.accessKeyId},
            {QLatin1StringView("SecretAccessKey"), credentials.secretAccessKey},
            {QLatin1StringView("Token"), credentials.sessionToken},
            {QLatin1StringView("Expiration"), imdsTime(credentials.expiration)},
            {QLatin1StringView("AccountId"), accountId},
            {QLatin1StringView("Code"), QStringLiteral("Success")},
            {QLatin1StringView("Type"), QStringLiteral("AWS-HMAC")},
            {QLatin1StringView("LastUpdated"), imdsTime(lastUpdated)},
    });
}

/// "i-" and 17 hex digits like a real instance id, the same for a profile every time so that
/// tools caching per instance see one instance per profile.
inline QString instanceIdFor(const QString &profile, const QString &accountId)
{
    const QByteArray hash = QCryptographicHash::hash(QString(accountId + u'/' + profile).toUtf8(),
                                                     QCryptographicHash::Sha256);
    return QStringLiteral("i-") + QString::fromLatin1(hash.toHex().left(17));
}

/// The architecture name EC2 uses for this build (i386 | x86_64 | arm64).
inline QString ec2Architecture()
{
    QString build = QSysInfo::buildCpuArchitecture();
    if (build == QLatin1StringView("i386") || build == QLatin1StringView("arm64"))
        return build;
    return QStringLiteral("x86_64");
}

/// `/latest/dynamic/instance-identity/document`: the fields and types of the real document
/// (AWS EC2 User Guide, "Instance identity documents", version 2017-09-30), sorted and
/// indented as EC2 prints it. Region, account and zone are real; the rest describes no
/// actual instance, and says so where a value is free text.
inline QByteArray instanceIdentityDocument(const QString &profile, const QString &accountId,
                                           const QString &region, const QDateTime &pendingTime)
{
    const QJsonObject document{
            {QStringLiteral("accountId"), accountId},
            {QStringLiteral("architecture"), ec2Architecture()},
            {QStringLiteral("availabilityZone"), QString(region + u'a')},
            {QStringLiteral("billingProducts"), QJsonValue::Null},
            {QStringLiteral("devpayProductCodes"), QJsonValue::Null},
            {QStringLiteral("marketplaceProductCodes"), QJsonValue::Null},
            {QStringLiteral("imageId"), QStringLiteral("ami-00000000000000000")},
            {QStringLiteral("instanceId"), instanceIdFor(profile, accountId)},
            {QStringLiteral("instanceType"), QStringLiteral("imsa.local")},
            {QStringLiteral("kernelId"), QJsonValue::Null},
            {QStringLiteral("pendingTime"), imdsTime(pendingTime)},
            {QStringLiteral("privateIp"), QStringLiteral("127.0.0.1")},
            {QStringLiteral("ramdiskId"), QJsonValue::Null},
            {QStringLiteral("region"), region},
            {QStringLiteral("version"), QStringLiteral("2017-09-30")},
    };
    return QJsonDocument(document).toJson(QJsonDocument::Indented);
}

} // namespace imsa::detail
