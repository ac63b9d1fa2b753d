#pragma once

#include <QByteArray>
#include <QDir>
#include <QList>
#include <QProcessEnvironment>
#include <QSet>
#include <QString>
#include <QStringList>

#include "imsa/configerror.h"
#include "imsa/detail/awsprofiles.h"
#include "imsa/detail/configfile.h"
#include "imsa/detail/imsaresolve.h"
#include "imsa/detail/imsayaml.h"
#include "imsa/detail/similarity.h"
#include "imsa/logging.h"
#include "imsa/profile.h"

namespace imsa {

/// The three files profiles come from.
struct ConfigPaths
{
    QString imsaFile; ///< IMSA_CONFIG, else ~/.imsa
    bool imsaFileRequired =
            false; ///< true when IMSA_CONFIG was set: a missing file is then an error
    QString awsConfigFile; ///< AWS_CONFIG_FILE, else ~/.aws/config
    QString awsCredentialsFile; ///< AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/credentials

    /// Empty variables count as unset; a leading `~/` is the HOME of `env`, as the AWS CLI
    /// expands it in AWS_CONFIG_FILE.
    static ConfigPaths
    fromEnvironment(const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
    {
        QString home = env.value(QStringLiteral("HOME"));
        if (home.isEmpty())
            home = QDir::homePath();
        const auto path = [&env, &home](const char *variable, const char *fallback) {
            QString value = env.value(QLatin1StringView(variable));
            if (value.isEmpty())
                value = QStringLiteral("~/") + QLatin1StringView(fallback);
            if (value == QLatin1StringView("~") || value.startsWith(QLatin1StringView("~/")))
                value = home + value.mid(1);
            return value;
        };
        ConfigPaths paths;
        paths.imsaFileRequired = !env.value(QStringLiteral("IMSA_CONFIG")).isEmpty();
        paths.imsaFile = path("IMSA_CONFIG", ".imsa");
        paths.awsConfigFile = path("AWS_CONFIG_FILE", ".aws/config");
        paths.awsCredentialsFile = path("AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials");
        return paths;
    }
};

/// Every profile imsa can serve, and what is wrong with the others.
struct ProfileSet
{
    QList<Profile> profiles; ///< every valid profile, ~/.imsa ones first, each sorted by name
    QList<ConfigError> errors; ///< one per invalid profile or unreadable file
    QList<ConfigError> notices; ///< non-fatal: a hidden AWS profile, a skipped one
    /// Every usable [sso-session] section of ~/.aws/config, used by a profile or not.
    QList<SsoSettings> ssoSessions;

    const Profile *find(const QString &name) const
    {
        for (const Profile &profile : profiles) {
            if (profile.name == name)
                return &profile;
        }
        return nullptr;
    }

    /// Every IAM Identity Center sign-in the files name, once each (by token cache key): the
    /// sso-sessions, then those of SSO profiles (the legacy form has no session), without
    /// account and role.
    QList<SsoSettings> ssoSignIns() const
    {
        QList<SsoSettings> signIns;
        QStringList keys;
        const auto add = [&signIns, &keys](SsoSettings settings) {
            if (keys.contains(settings.tokenCacheKey()))
                return;
            keys.append(settings.tokenCacheKey());
            settings.accountId.clear();
            settings.roleName.clear();
            signIns.append(std::move(settings));
        };
        for (const SsoSettings &session : ssoSessions)
            add(session);
        for (const Profile &profile : profiles) {
            if (profile.usesSso())
                add(profile.sso);
        }
        return signIns;
    }

    /// Up to `max` profile names close to `name` (a typo, a different case, a prefix),
    /// closest first; for "did you mean".
    QStringList similarNames(const QString &name, int max = 3) const
    {
        QStringList names;
        for (const Profile &profile : profiles)
            names.append(profile.name);
        return detail::similarWords(name, names, max);
    }
};

/// Profiles from ~/.imsa, in the YAML format of the original Python imsa
/// (https://github.com/sblask/imsa), which it reads unchanged, plus imsa's own keys.
/// `fileName` only appears in messages.
inline ProfileSet parseImsaYaml(const QByteArray &text, const QString &fileName)
{
    const detail::ImsaDocument document = detail::ImsaYamlReader(fileName).read(text);
    detail::ParsedProfiles parsed = detail::ImsaResolver(document).resolve();
    return ProfileSet{std::move(parsed.profiles),
                      document.fileErrors + parsed.errors,
                      std::move(parsed.notices),
                      {}};
}

/// Profiles from ~/.aws/config and ~/.aws/credentials as the AWS CLI reads them. Only
/// profiles with access keys, IAM Identity Center settings (sso_account_id, sso_role_name) or
/// a role_arn are imsa's; credential_process, SSO-token-only and region-only profiles are
/// skipped silently. A syntax error in either file fails both.
inline ProfileSet parseAwsConfig(const QByteArray &configText, const QString &configName,
                                 const QByteArray &credentialsText, const QString &credentialsName)
{
    const IniFile config = parseIni(configText, configName);
    const IniFile credentials = parseIni(credentialsText, credentialsName);
    ProfileSet set;
    for (const auto &file : {config, credentials}) {
        if (file.syntaxError)
            set.errors.append(*file.syntaxError);
    }
    if (!set.errors.isEmpty())
        return set;
    detail::AwsResolver resolver;
    resolver.addFile(config, true);
    resolver.addFile(credentials, false);
    detail::ParsedProfiles parsed = resolver.resolve();
    return ProfileSet{std::move(parsed.profiles), std::move(parsed.errors),
                      std::move(parsed.notices), std::move(parsed.ssoSessions)};
}

namespace detail {

/// A name defined in ~/.imsa (validly or not) hides the AWS profile of that name, and every
/// AWS profile using that AWS profile's keys: two different key pairs must never share the
/// key-store entry and MFA session that go by the key profile's name.
inline void addAwsProfiles(ProfileSet &set, ProfileSet aws, const QSet<QString> &imsaNames,
                           const QString &imsaFile)
{
    const QString hiddenBy =
            QStringLiteral("hidden by the profile of the same name in ") + imsaFile;
    for (Profile &profile : aws.profiles) {
        const Place place{profile.sourceFile, profile.sourceLine, 1, profile.name, {}, {}};
        if (imsaNames.contains(profile.name)) {
            set.notices.append(errorAt(place, hiddenBy));
        } else if (imsaNames.contains(profile.keyProfile)) {
            set.notices.append(errorAt(place,
                                       QStringLiteral("uses the keys of profile '")
                                               + profile.keyProfile + QStringLiteral("', which is ")
                                               + hiddenBy + QStringLiteral("; skipped")));
        } else {
            set.profiles.append(std::move(profile));
        }
    }
    for (const ConfigError &error : std::as_const(aws.errors)) {
        if (imsaNames.contains(error.profile))
            set.notices.append(errorAt(
                    Place{error.file, error.line, error.column, error.profile, {}, {}}, hiddenBy));
        else
            set.errors.append(error);
    }
    for (const ConfigError &notice : std::as_const(aws.notices)) {
        if (!imsaNames.contains(notice.profile))
            set.notices.append(notice);
    }
    set.ssoSessions += aws.ssoSessions;
}

} // namespace detail

/// Reads all three files. A profile name defined in both ~/.imsa and the AWS files is the
/// ~/.imsa profile: the AWS one is dropped with a notice, and so is every AWS profile that
/// takes its keys from the dropped one (source_profile). A missing ~/.imsa is no error unless
/// IMSA_CONFIG named it; missing AWS files are never errors. A file that cannot be read is
/// an error of its own: nothing is taken from it (nor, for the AWS files, from its partner).
inline ProfileSet loadProfiles(const ConfigPaths &paths)
{
    ProfileSet set;
    const detail::ConfigFileText imsaText =
            detail::readConfigFile(paths.imsaFile, paths.imsaFileRequired);
    if (imsaText.error)
        set.errors.append(*imsaText.error);
    else if (imsaText.exists)
        set = parseImsaYaml(imsaText.text, paths.imsaFile);

    QSet<QString> imsaNames;
    for (const Profile &profile : std::as_const(set.profiles))
        imsaNames.insert(profile.name);
    for (const ConfigError &error : std::as_const(set.errors)) {
        if (!error.profile.isEmpty())
            imsaNames.insert(error.profile);
    }

    const detail::ConfigFileText config = detail::readConfigFile(paths.awsConfigFile, false);
    const detail::ConfigFileText credentials =
            detail::readConfigFile(paths.awsCredentialsFile, false);
    if (config.error || credentials.error) {
        for (const auto &file : {config, credentials}) {
            if (file.error)
                set.errors.append(*file.error);
        }
    } else {
        detail::addAwsProfiles(set,
                               parseAwsConfig(config.text, paths.awsConfigFile, credentials.text,
                                              paths.awsCredentialsFile),
                               imsaNames, paths.imsaFile);
    }
    qCDebug(lcConfig) << "loaded" << set.profiles.size() << "profiles," << set.errors.size()
                      << "errors," << set.notices.size() << "notices";
    return set;
}

} // namespace imsa
