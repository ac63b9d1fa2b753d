#pragma once

#include <optional>

#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QSaveFile>
#include <QTimeZone>

#include "imsa/result.h"
#include "imsa/ssoapi.h"

// The AWS CLI's IAM Identity Center token cache, ~/.aws/sso/cache/<sha1>.json, read and written
// exactly as botocore does (utils.SSOTokenLoader, tokens.SSOTokenProvider, and awscli's
// SSOTokenFetcher), so that one sign-in serves imsa, the AWS CLI and boto3.
namespace imsa {

/// One cache file. The registration is empty (no clientId) for the legacy profile form,
/// whose tokens have no refresh token either.
struct SsoCachedToken
{
    QString startUrl;
    QString region;
    QString accessToken; ///< a bearer credential: never logged
    QDateTime expiresAt;
    QString refreshToken; ///< a secret: never logged; empty when there is none
    SsoClientRegistration registration; ///< expiresAt is the file's registrationExpiresAt
};

/// Where the AWS CLI keeps its tokens: $HOME/.aws/sso/cache (botocore's
/// SSOTokenProvider._SSO_TOKEN_CACHE_DIR).
inline QString ssoTokenCacheDirectory(const QProcessEnvironment &env)
{
    const QString home = env.value(QStringLiteral("HOME"), QDir::homePath());
    return QDir(home).filePath(QStringLiteral(".aws/sso/cache"));
}

/// The file name for a cache key (the sso-session's name, or the start URL of the legacy
/// form): the SHA-1 of its UTF-8 bytes in lowercase hex, as SSOTokenLoader._generate_cache_key.
inline QString ssoTokenCacheFileName(const QString &cacheKey)
{
    return QString::fromLatin1(
                   QCryptographicHash::hash(cacheKey.toUtf8(), QCryptographicHash::Sha1).toHex())
            + QStringLiteral(".json");
}

namespace detail {

/// The members imsa reads and writes; any other member of a file is kept as it is.
inline const QStringList ssoCacheMembers = {
        QStringLiteral("startUrl"),     QStringLiteral("region"),
        QStringLiteral("accessToken"),  QStringLiteral("expiresAt"),
        QStringLiteral("refreshToken"), QStringLiteral("clientId"),
        QStringLiteral("clientSecret"), QStringLiteral("registrationExpiresAt")};

/// A time as the AWS tools write it, in UTC: awscli/botocore write "2026-12-02T18:00:00Z"
/// (older versions "...UTC"), other SDKs add fractions of a second or "+00:00". botocore reads
/// them with dateutil, which also takes a space for the 'T' and any numeric offset.
inline QDateTime parseSsoCacheTime(const QString &text)
{
    static const QRegularExpression pattern(
            QRegularExpression::anchoredPattern(
                    QStringLiteral("(\\d{4}-\\d{2}-\\d{2})[T ](\\d{2}:\\d{2}:\\d{2})(\\.\\d{1,9})?"
                                   " ?(Z|UTC|GMT|[+-]\\d{2}:?\\d{2})")),
            QRegularExpression::CaseInsensitiveOption);
    const QRegularExpressionMatch match = pattern.match(text.trimmed());
    if (!match.hasMatch())
        return {};
    const QDate date = QDate::fromString(match.captured(1), Qt::ISODate);
    const QTime time = QTime::fromString(match.captured(2), Qt::ISODate);
    if (!date.isValid() || !time.isValid())
        return {};
    // Milliseconds are all QDateTime keeps; the digits after them are dropped, not rounded.
    const int milliseconds =
            match.captured(3).mid(1).leftJustified(3, QLatin1Char('0')).left(3).toInt();
    QDateTime result(date, time.addMSecs(milliseconds), Qt::UTC);
    const QString zone = match.captured(4);
    if (zone.startsWith(QLatin1Char('+')) || zone.startsWith(QLatin1Char('-'))) {
        const QString digits = QString(zone).remove(QLatin1Char(':'));
        const int hours = digits.mid(1, 2).toInt();
        const int minutes = digits.mid(3, 2).toInt();
        if (hours > 23 || minutes > 59)
            return {};
        const int offset =
                (hours * 3600 + minutes * 60) * (zone.startsWith(QLatin1Char('-')) ? -1 : 1);
        result = result.addSecs(-offset);
    }
    return result;
}

/// botocore's _serialize_utc_timestamp: "%Y-%m-%dT%H:%M:%SZ" in UTC, whole seconds.
inline QString formatSsoCacheTime(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss")) + QLatin1Char('Z');
}

inline QString ssoCacheFieldProblem(const QString &fileName, QLatin1StringView member,
                                    const QString &problem)
{
    return QStringLiteral("%1: '%2' %3").arg(QDir::toNativeSeparators(fileName), member, problem);
}

} // namespace detail

/// One cache file's contents. Errors name the file and the member, never a value: every
/// string in the file may be a secret.
inline Result<SsoCachedToken, Failure> parseSsoCachedToken(const QByteArray &json,
                                                           const QString &fileName)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Failure{QStringLiteral("%1: not a JSON object (%2 at byte %3)")
                               .arg(QDir::toNativeSeparators(fileName),
                                    parseError.error != QJsonParseError::NoError
                                            ? parseError.errorString()
                                            : QStringLiteral("another JSON value"))
                               .arg(parseError.offset)};
    const QJsonObject object = document.object();

    SsoCachedToken token;
    QString registrationExpiresAt;
    QString expiresAt;
    const std::pair<QLatin1StringView, QString *> strings[] = {
            {QLatin1StringView("startUrl"), &token.startUrl},
            {QLatin1StringView("region"), &token.region},
            {QLatin1StringView("accessToken"), &token.accessToken},
            {QLatin1StringView("expiresAt"), &expiresAt},
            {QLatin1StringView("refreshToken"), &token.refreshToken},
            {QLatin1StringView("clientId"), &token.registration.clientId},
            {QLatin1StringView("clientSecret"), &token.registration.clientSecret},
            {QLatin1StringView("registrationExpiresAt"), &registrationExpiresAt}};
    for (const auto &[member, target] : strings) {
        const QJsonValue value = object.value(member);
        if (value.isUndefined() || value.isNull())
            continue;
        if (!value.isString())
            return Failure{detail::ssoCacheFieldProblem(fileName, member,
                                                        QStringLiteral("is not a string"))};
        *target = value.toString();
    }
    // The two members SSOTokenLoader insists on.
    if (token.accessToken.isEmpty())
        return Failure{detail::ssoCacheFieldProblem(fileName, QLatin1StringView("accessToken"),
                                                    QStringLiteral("is missing"))};
    if (expiresAt.isEmpty())
        return Failure{detail::ssoCacheFieldProblem(fileName, QLatin1StringView("expiresAt"),
                                                    QStringLiteral("is missing"))};
    token.expiresAt = detail::parseSsoCacheTime(expiresAt);
    if (!token.expiresAt.isValid())
        return Failure{detail::ssoCacheFieldProblem(
                fileName, QLatin1StringView("expiresAt"),
                QStringLiteral("is not a UTC time like 2026-12-02T18:00:00Z"))};
    if (!registrationExpiresAt.isEmpty()) {
        token.registration.expiresAt = detail::parseSsoCacheTime(registrationExpiresAt);
        if (!token.registration.expiresAt.isValid())
            return Failure{detail::ssoCacheFieldProblem(
                    fileName, QLatin1StringView("registrationExpiresAt"),
                    QStringLiteral("is not a UTC time like 2026-12-02T18:00:00Z"))};
    }
    return token;
}

namespace detail {

/// `base` (a file's members) with imsa's members set from `token`; members `token` has no
/// value for are removed, so a stale refresh token or registration does not outlive the
/// sign-in that replaced it.
inline QJsonObject mergeSsoCachedToken(QJsonObject base, const SsoCachedToken &token)
{
    for (const QString &member : ssoCacheMembers)
        base.remove(member);
    base.insert(QStringLiteral("startUrl"), token.startUrl);
    base.insert(QStringLiteral("region"), token.region);
    base.insert(QStringLiteral("accessToken"), token.accessToken);
    base.insert(QStringLiteral("expiresAt"), formatSsoCacheTime(token.expiresAt));
    if (!token.refreshToken.isEmpty())
        base.insert(QStringLiteral("refreshToken"), token.refreshToken);
    if (!token.registration.clientId.isEmpty()) {
        base.insert(QStringLiteral("clientId"), token.registration.clientId);
        base.insert(QStringLiteral("clientSecret"), token.registration.clientSecret);
        base.insert(QStringLiteral("registrationExpiresAt"),
                    formatSsoCacheTime(token.registration.expiresAt));
    }
    return base;
}

} // namespace detail

/// The file's JSON, with botocore's member names and time format.
inline QByteArray serializeSsoCachedToken(const SsoCachedToken &token)
{
    return QJsonDocument(detail::mergeSsoCachedToken({}, token)).toJson(QJsonDocument::Compact);
}

/// The cached token for `cacheKey`, or nullopt when there is none. An empty file counts as
/// none: botocore treats unreadable JSON as a missing entry, and a writer may have just
/// created it.
inline Result<std::optional<SsoCachedToken>, Failure> readSsoCachedToken(const QString &directory,
                                                                         const QString &cacheKey)
{
    const QString path = QDir(directory).filePath(ssoTokenCacheFileName(cacheKey));
    QFile file(path);
    if (!file.exists())
        return std::optional<SsoCachedToken>();
    if (!file.open(QIODevice::ReadOnly))
        return Failure{QStringLiteral("%1: cannot read: %2")
                               .arg(QDir::toNativeSeparators(path), file.errorString())};
    const QByteArray json = file.readAll();
    if (json.trimmed().isEmpty())
        return std::optional<SsoCachedToken>();
    auto token = parseSsoCachedToken(json, path);
    if (!token)
        return token.error();
    return std::optional<SsoCachedToken>(std::move(token).value());
}

/// Writes `token` for `cacheKey`: the directory is made 0700 if missing, the file is 0600 from
/// its first byte and replaced atomically, and members the AWS CLI wrote that imsa does not
/// know are kept.
inline Result<Done, Failure> writeSsoCachedToken(const QString &directory, const QString &cacheKey,
                                                 const SsoCachedToken &token)
{
    const QFileDevice::Permissions ownerOnly = QFileDevice::ReadOwner | QFileDevice::WriteOwner;
    const QDir cache(directory);
    if (!cache.exists()) {
        const QFileInfo info(QDir::cleanPath(cache.absolutePath()));
        // Parents as botocore's os.makedirs leaves them; the cache itself for our user only.
        if (!QDir().mkpath(info.absolutePath())
            || !QDir().mkdir(info.absoluteFilePath(), ownerOnly | QFileDevice::ExeOwner))
            return Failure{QStringLiteral("%1: cannot create the directory")
                                   .arg(QDir::toNativeSeparators(directory))};
    }
    const QString path = cache.filePath(ssoTokenCacheFileName(cacheKey));
    const QString nativePath = QDir::toNativeSeparators(path);

    QJsonObject existing;
    if (QFile current(path); current.open(QIODevice::ReadOnly))
        existing = QJsonDocument::fromJson(current.readAll()).object();

    // On Linux QSaveFile writes to an unnamed O_TMPFILE; where that is not available it makes a
    // named temporary file, 0600 only when the target exists (0666 minus the umask otherwise,
    // open to anyone who grabs a descriptor before the chmod below): make sure the target
    // exists, created 0600 in one step.
    if (QFile target(path); !target.exists())
        target.open(QIODevice::WriteOnly | QIODevice::NewOnly, ownerOnly);

    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Failure{QStringLiteral("%1: cannot write: %2").arg(nativePath, file.errorString())};
    // The target may have been made wider by someone else; its mode is copied otherwise.
    file.setPermissions(ownerOnly);
    file.write(QJsonDocument(detail::mergeSsoCachedToken(existing, token))
                       .toJson(QJsonDocument::Compact));
    if (!file.commit())
        return Failure{QStringLiteral("%1: cannot write: %2").arg(nativePath, file.errorString())};
    return Done{};
}

/// Removes the cached token for `cacheKey` (imsa logout, like `aws sso logout`); no file is fine.
inline Result<Done, Failure> removeSsoCachedToken(const QString &directory, const QString &cacheKey)
{
    QFile file(QDir(directory).filePath(ssoTokenCacheFileName(cacheKey)));
    if (file.exists() && !file.remove())
        return Failure{QStringLiteral("%1: cannot remove: %2")
                               .arg(QDir::toNativeSeparators(file.fileName()), file.errorString())};
    return Done{};
}

} // namespace imsa
