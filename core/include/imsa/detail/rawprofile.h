#pragma once

#include <algorithm>
#include <map>
#include <optional>

#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/configerror.h"
#include "imsa/detail/profilevalidation.h"
#include "imsa/profile.h"

namespace imsa::detail {

/// A place in a file: a ConfigError without a message. `profile` is the profile the text is
/// written in and `key` the key as spelled there.
using Place = ConfigError;

inline ConfigError errorAt(const Place &place, const QString &message)
{
    ConfigError error = place;
    error.message = message;
    return error;
}

struct RawValue
{
    QString text;
    Place place;
};

/// One profile as written, before inheritance: its own settings and its first own problem.
struct RawProfile
{
    QString name;
    Place place; ///< where the name is written
    std::map<Setting, RawValue> values;
    std::optional<ConfigError> error;

    const RawValue *value(Setting setting) const
    {
        const auto it = values.find(setting);
        return it == values.end() ? nullptr : &it->second;
    }

    /// Keeps the first problem only: one error per invalid profile.
    void fail(const ConfigError &problem)
    {
        if (!error)
            error = problem;
    }
};

/// What a parser produces; profileloader.h turns it into a ProfileSet.
struct ParsedProfiles
{
    QList<Profile> profiles;
    QList<ConfigError> errors;
    QList<ConfigError> notices;
    QList<SsoSettings> ssoSessions; ///< every usable [sso-session] section, in file order
};

/// The error `origin` has, reported for `profile` that depends on it: same place (the bad value
/// is in origin), the message says where it came from.
inline ConfigError inheritedError(const ConfigError &originError, const QString &profile)
{
    ConfigError error = originError;
    if (originError.profile != profile) {
        error.message +=
                QStringLiteral(" (inherited from '") + originError.profile + QStringLiteral("')");
        error.profile = profile;
    }
    return error;
}

/// The same split as the AWS CLI's `sso login`: commas, surrounding blanks dropped.
inline QStringList registrationScopes(const QString &text)
{
    QStringList scopes;
    for (const QString &scope : text.split(QLatin1Char(','))) {
        if (!scope.trimmed().isEmpty())
            scopes.append(scope.trimmed());
    }
    return scopes;
}

/// A Profile from settings that have already been checked and merged along the profile's chain.
/// `keyProfile` supplies the access key, or the IAM Identity Center sign-in; the secret is in
/// the file when the settings have one.
inline Profile makeProfile(const RawProfile &raw, ProfileSource source,
                           const std::map<Setting, RawValue> &settings, const QString &keyProfile)
{
    const auto text = [&settings](Setting setting) {
        const auto it = settings.find(setting);
        return it == settings.end() ? QString() : it->second.text;
    };
    Profile profile;
    profile.name = raw.name;
    profile.source = source;
    profile.sourceFile = raw.place.file;
    profile.sourceLine = raw.place.line;
    profile.keyProfile = keyProfile;
    profile.accessKeyId = text(Setting::AccessKeyId);
    profile.secretAccessKey = text(Setting::SecretAccessKey);
    profile.secretLocation =
            profile.secretAccessKey.isEmpty() ? SecretLocation::KeyStore : SecretLocation::File;
    profile.mfaSerial = text(Setting::MfaSerial);
    profile.roleArn = text(Setting::RoleArn);
    profile.roleSessionName = text(Setting::RoleSessionName);
    if (profile.hasRole() && profile.roleSessionName.isEmpty())
        profile.roleSessionName = defaultRoleSessionName(loginUserName());
    profile.externalId = text(Setting::ExternalId);
    profile.region = text(Setting::Region);
    profile.stsEndpoint = text(Setting::StsEndpoint);
    profile.stsRegion = text(Setting::StsRegion);
    profile.mfaProcess = text(Setting::MfaProcess);
    profile.access = parseAccessPolicy(text(Setting::Access)).value_or(AccessPolicy::Allow);
    if (const QString seconds = text(Setting::RoleDurationSeconds); !seconds.isEmpty())
        profile.roleDurationSeconds = seconds.toInt();
    if (const QString seconds = text(Setting::MfaSessionDurationSeconds); !seconds.isEmpty())
        profile.mfaSessionDurationSeconds = seconds.toInt();
    if (!text(Setting::SsoAccountId).isEmpty()) {
        profile.sso.sessionName = text(Setting::SsoSession);
        profile.sso.startUrl = text(Setting::SsoStartUrl);
        profile.sso.region = text(Setting::SsoRegion);
        profile.sso.registrationScopes = registrationScopes(text(Setting::SsoRegistrationScopes));
        profile.sso.accountId = text(Setting::SsoAccountId);
        profile.sso.roleName = text(Setting::SsoRoleName);
    }
    return profile;
}

inline void sortByName(QList<Profile> &profiles)
{
    std::sort(profiles.begin(), profiles.end(), [](const Profile &a, const Profile &b) {
        return a.name < b.name;
    });
}

} // namespace imsa::detail
