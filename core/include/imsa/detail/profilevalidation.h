#pragma once

#include <QHostAddress>
#include <QRegularExpression>
#include <QString>
#include <QUrl>

#include "imsa/accesspolicy.h"
#include "imsa/hostcheck.h"

namespace imsa::detail {

/// The settings imsa reads, whatever a file calls them (`mfa_serial_number` in ~/.imsa is
/// `mfa_serial` in ~/.aws/config).
enum class Setting {
    AccessKeyId,
    SecretAccessKey,
    MfaSerial,
    RoleArn,
    RoleSessionName,
    ExternalId,
    Region,
    StsEndpoint,
    StsRegion,
    MfaProcess,
    RoleDurationSeconds,
    MfaSessionDurationSeconds,
    Parent, ///< `extends` in ~/.imsa, `source_profile` in ~/.aws/config
    SsoSession, ///< `[sso-session NAME]` in ~/.aws/config; only the token cache key in ~/.imsa
    SsoStartUrl,
    SsoRegion,
    SsoRegistrationScopes, ///< comma-separated, as in ~/.aws/config
    SsoAccountId,
    SsoRoleName,
    Access ///< who may take the credentials: allow, notify, ask (accesspolicy.h)
};

struct DurationLimits
{
    int minimum;
    int maximum;
};

/// STS limits: AssumeRole DurationSeconds 900..43200, GetSessionToken 900..129600.
inline constexpr DurationLimits roleDurationLimits{900, 43200};
inline constexpr DurationLimits mfaSessionDurationLimits{900, 129600};

inline bool matchesWhole(const QString &text, const char *pattern)
{
    const QRegularExpression expression(
            QRegularExpression::anchoredPattern(QLatin1StringView(pattern)));
    return expression.match(text).hasMatch();
}

/// A duration in seconds, or an error message.
inline QString checkDuration(const QString &text, DurationLimits limits)
{
    if (!matchesWhole(text, "[0-9]{1,9}"))
        return QStringLiteral("must be a whole number of seconds");
    const int seconds = text.toInt();
    if (seconds < limits.minimum || seconds > limits.maximum)
        return QStringLiteral("must be between %1 and %2 seconds")
                .arg(limits.minimum)
                .arg(limits.maximum);
    return {};
}

// The character classes below are the ones IAM and STS document for each parameter; `\w` in
// the AWS documentation means [A-Za-z0-9_].
inline QString checkRegion(const QString &text)
{
    // us-east-1, us-gov-west-1, cn-north-1, eusc-de-east-1 ...
    if (!matchesWhole(text, "[a-z]{2,4}(-[a-z]+)+-[0-9]{1,2}"))
        return QStringLiteral("not an AWS region name (like eu-west-1)");
    return {};
}

inline QString checkMfaSerial(const QString &text)
{
    // An ARN-looking value must be a valid ARN, or a typo in it would pass as a hardware serial.
    if (text.startsWith(QLatin1StringView("arn:"))) {
        if (matchesWhole(text, "arn:aws[-a-z]*:iam::[0-9]{12}:mfa/([!-~]*/)?[A-Za-z0-9_+=,.@-]+"))
            return {};
    } else if (matchesWhole(text, "[A-Za-z0-9_+=/:,.@-]{9,256}")) {
        return {};
    }
    return QStringLiteral("not an MFA device ARN (arn:aws:iam::<12-digit account>:mfa/<name>) "
                          "or hardware serial number (9 to 256 of A-Z a-z 0-9 _+=/:,.@-)");
}

/// A loopback address (127.0.0.0/8, ::1) or the literal name `localhost`. No name is looked
/// up: what a name resolves to can change between this check and the connection.
inline bool isLoopbackHost(const QString &host)
{
    if (host.compare(QLatin1StringView("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    QHostAddress address;
    return address.setAddress(host) && unmapped(address).isLoopback();
}

/// Plain http carries the signed request, the MFA code and the credentials STS answers with in
/// clear text: allowed only where nothing leaves the machine (a local stand-in, LocalStack).
inline QString plainHttpProblem(const QUrl &url)
{
    if (url.scheme() == QLatin1StringView("http") && !isLoopbackHost(url.host()))
        return QStringLiteral("plain http is allowed only to a loopback address (127.0.0.0/8, "
                              "::1, localhost); use https");
    return {};
}

inline QString checkStsEndpoint(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1StringView("https") && scheme != QLatin1StringView("http")))
        return QStringLiteral("must be an http:// or https:// URL with a host");
    return plainHttpProblem(url);
}

/// The start URL is only an identifier sent to sso-oidc (and, for the legacy form, the token
/// cache key); nothing connects to it, so plain http is not refused.
inline QString checkSsoStartUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    const QString scheme = url.scheme();
    if (!url.isValid() || url.host().isEmpty()
        || (scheme != QLatin1StringView("https") && scheme != QLatin1StringView("http")))
        return QStringLiteral("must be an http:// or https:// URL with a host");
    return {};
}

/// What is wrong with a setting's value, or an empty string when it is valid. Messages never
/// quote the value: it may be a secret typed into the wrong key.
inline QString checkSetting(Setting setting, const QString &text)
{
    switch (setting) {
    case Setting::AccessKeyId:
        if (!matchesWhole(text, "[A-Za-z0-9_]{16,128}"))
            return QStringLiteral("not an access key id (16 to 128 of A-Z a-z 0-9 _)");
        return {};
    case Setting::RoleArn:
        if (!matchesWhole(text,
                          "arn:aws[-a-z]*:iam::[0-9]{12}:role/([!-~]*/)?[A-Za-z0-9_+=,.@-]{1,64}"))
            return QStringLiteral(
                    "not an IAM role ARN (arn:aws:iam::<12-digit account>:role/<name>)");
        return {};
    case Setting::MfaSerial:
        return checkMfaSerial(text);
    case Setting::RoleSessionName:
        if (!matchesWhole(text, "[A-Za-z0-9_+=,.@-]{2,64}"))
            return QStringLiteral("must be 2 to 64 of A-Z a-z 0-9 _+=,.@-");
        return {};
    case Setting::ExternalId:
        if (!matchesWhole(text, "[A-Za-z0-9_+=,.@:/-]{2,1224}"))
            return QStringLiteral("must be 2 to 1224 of A-Z a-z 0-9 _+=,.@:/-");
        return {};
    case Setting::Region:
    case Setting::StsRegion:
        return checkRegion(text);
    case Setting::StsEndpoint:
        return checkStsEndpoint(text);
    case Setting::RoleDurationSeconds:
        return checkDuration(text, roleDurationLimits);
    case Setting::MfaSessionDurationSeconds:
        return checkDuration(text, mfaSessionDurationLimits);
    case Setting::SsoStartUrl:
        return checkSsoStartUrl(text);
    case Setting::SsoRegion:
        return checkRegion(text);
    case Setting::SsoAccountId:
        if (!matchesWhole(text, "[0-9]{12}"))
            return QStringLiteral("not an AWS account id (12 digits)");
        return {};
    case Setting::SsoRoleName:
        // IAM role names; Identity Center permission set names are a subset.
        if (!matchesWhole(text, "[A-Za-z0-9_+=,.@-]{1,64}"))
            return QStringLiteral("not a role name (1 to 64 of A-Z a-z 0-9 _+=,.@-)");
        return {};
    case Setting::Access:
        if (!parseAccessPolicy(text))
            return QStringLiteral("must be allow, notify or ask");
        return {};
    case Setting::SecretAccessKey:
    case Setting::MfaProcess:
    case Setting::Parent:
    case Setting::SsoSession:
    case Setting::SsoRegistrationScopes:
        return {};
    }
    return {};
}

/// The role session name used when a profile with a role sets none: "imsa-" and the login
/// name, keeping only the characters STS allows (A-Z a-z 0-9 _+=,.@-), at most 64 in all;
/// just "imsa" when nothing of the login name is left. The name shows up in CloudTrail.
inline QString defaultRoleSessionName(const QString &userName)
{
    QString kept;
    for (const QChar c : userName) {
        const bool allowed = (c.isLetterOrNumber() && c.unicode() < 128)
                || QLatin1StringView("_+=,.@-").contains(c);
        if (allowed)
            kept += c;
    }
    if (kept.isEmpty())
        return QStringLiteral("imsa");
    return QString(QStringLiteral("imsa-") + kept).left(64);
}

/// The login name from the environment (USER, then LOGNAME, then USERNAME on Windows).
inline QString loginUserName()
{
    for (const char *variable : {"USER", "LOGNAME", "USERNAME"}) {
        QString value = qEnvironmentVariable(variable);
        if (!value.isEmpty())
            return value;
    }
    return {};
}

} // namespace imsa::detail
