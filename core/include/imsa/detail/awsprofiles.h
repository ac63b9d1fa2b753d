#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/awsini.h"
#include "imsa/detail/rawprofile.h"
#include "imsa/detail/similarity.h"
#include "imsa/detail/ssosessions.h"
#include "imsa/detail/ssosettings.h"
#include "imsa/result.h"

// Profiles from ~/.aws/config and ~/.aws/credentials with AWS CLI semantics: a profile takes
// its settings from itself only; `source_profile` supplies nothing but the access keys.
namespace imsa::detail {

struct AwsKey
{
    const char *name;
    Setting setting;
};

/// The keys imsa reads; every other key belongs to the AWS CLI or an SDK and is ignored.
inline constexpr std::array<AwsKey, 16> awsKeys{{
        {"aws_access_key_id", Setting::AccessKeyId},
        {"aws_secret_access_key", Setting::SecretAccessKey},
        {"mfa_serial", Setting::MfaSerial},
        {"role_arn", Setting::RoleArn},
        {"role_session_name", Setting::RoleSessionName},
        {"duration_seconds", Setting::RoleDurationSeconds},
        {"external_id", Setting::ExternalId},
        {"region", Setting::Region},
        {"source_profile", Setting::Parent},
        {"sso_session", Setting::SsoSession},
        {"sso_start_url", Setting::SsoStartUrl},
        {"sso_region", Setting::SsoRegion},
        {"sso_registration_scopes", Setting::SsoRegistrationScopes},
        {"sso_account_id", Setting::SsoAccountId},
        {"sso_role_name", Setting::SsoRoleName},
        {"access", Setting::Access}, // imsa's own; the AWS tools ignore keys they don't know
}};

/// Keys that make the AWS tools get credentials some other way (a process, the environment,
/// web identity). Such a profile is not imsa's, nor is one whose keys come from it; this also
/// keeps a profile whose credential_process runs imsa from recursing into imsa. IAM Identity
/// Center profiles are imsa's (issue 14).
inline constexpr std::array<const char *, 3> externalCredentialKeys{
        "credential_process", "credential_source", "web_identity_token_file"};

struct AwsRawProfile
{
    RawProfile raw;
    bool externalCredentials = false;
    std::optional<Place> sessionToken; ///< where aws_session_token is set
};

class AwsResolver
{
public:
    /// Config first: a key set in both files takes the credentials file's value, as botocore does.
    void addFile(const IniFile &file, bool isConfig)
    {
        QHash<QString, int> headerLines; // profile name -> line of its header in this file
        for (const IniSection &section : file.sections) {
            if (const QString session = SsoSessions::sessionName(section.header);
                isConfig && !session.isEmpty()) {
                m_sessions.add(session, section);
                continue;
            }
            const QString name = profileName(section.header, isConfig);
            if (name.isEmpty())
                continue;
            AwsRawProfile &profile = profileFor(name, section.place);
            if (const auto first = headerLines.constFind(name); first != headerLines.cend()) {
                Place place = section.place;
                place.profile = name;
                profile.raw.error = errorAt(
                        place,
                        QStringLiteral("profile defined twice (first on line %1)").arg(*first));
                continue;
            }
            headerLines.insert(name, section.place.line);
            readSection(profile, section);
        }
    }

    ParsedProfiles resolve() const
    {
        ParsedProfiles result;
        for (const QString &name : m_order) {
            const AwsRawProfile &profile = *m_profiles.constFind(name);
            const RawProfile &raw = profile.raw;
            const bool usable = raw.value(Setting::RoleArn) || raw.value(Setting::AccessKeyId)
                    || hasSsoCredentials(raw.values);
            if (!usable || profile.externalCredentials)
                continue; // credential_process, SSO token only, region-only: not imsa's business
            if (profile.sessionToken) {
                result.notices.append(errorAt(
                        *profile.sessionToken,
                        QStringLiteral("temporary credentials cannot start an imsa session; "
                                       "the profile is skipped")));
                continue;
            }
            if (raw.error) {
                result.errors.append(*raw.error);
                continue;
            }
            const std::optional<Result<Profile, ConfigError>> resolved = build(profile);
            if (!resolved)
                continue;
            if (resolved->ok())
                result.profiles.append(resolved->value());
            else
                result.errors.append(resolved->error());
        }
        sortByName(result.profiles);
        result.ssoSessions = m_sessions.usable();
        return result;
    }

private:
    static QString profileName(const QString &header, bool isConfig)
    {
        if (!isConfig || header == QLatin1StringView("default"))
            return header;
        // botocore: "profile NAME", the name optionally quoted; other sections (sso-session,
        // services, plugins) are not profiles.
        if (header.size() < 9 || !header.startsWith(QLatin1StringView("profile"))
            || !header[7].isSpace())
            return {};
        QString name = header.mid(8).trimmed();
        if (name.size() >= 2 && name.startsWith(u'"') && name.endsWith(u'"'))
            name = name.mid(1, name.size() - 2);
        return name;
    }

    AwsRawProfile &profileFor(const QString &name, const Place &header)
    {
        auto it = m_profiles.find(name);
        if (it == m_profiles.end()) {
            AwsRawProfile profile;
            profile.raw.name = name;
            profile.raw.place = header;
            profile.raw.place.profile = name;
            it = m_profiles.insert(name, profile);
            m_order.append(name);
        }
        return *it;
    }

    static void readSection(AwsRawProfile &profile, const IniSection &section)
    {
        RawProfile &raw = profile.raw;
        std::map<Setting, int> lines; // first line of each setting in this section
        for (const IniEntry &entry : section.entries) {
            Place keyPlace = entry.keyPlace;
            keyPlace.profile = raw.name;
            if (std::any_of(externalCredentialKeys.cbegin(), externalCredentialKeys.cend(),
                            [&entry](const char *key) {
                                return entry.key == QLatin1StringView(key);
                            })) {
                profile.externalCredentials = true;
                continue;
            }
            if (entry.key == QLatin1StringView("aws_session_token")) {
                profile.sessionToken = keyPlace;
                continue;
            }
            const auto known =
                    std::find_if(awsKeys.cbegin(), awsKeys.cend(), [&entry](const AwsKey &key) {
                        return entry.key == QLatin1StringView(key.name);
                    });
            if (known == awsKeys.cend())
                continue;
            if (const auto first = lines.find(known->setting); first != lines.end()) {
                raw.fail(errorAt(keyPlace,
                                 QStringLiteral("set twice in this profile (first on line %1)")
                                         .arg(first->second)));
                continue;
            }
            lines.emplace(known->setting, keyPlace.line);
            if (entry.value.isEmpty()) {
                raw.fail(errorAt(keyPlace, QStringLiteral("has no value")));
                continue;
            }
            Place valuePlace = entry.valuePlace;
            valuePlace.profile = raw.name;
            if (const QString problem = checkSetting(known->setting, entry.value);
                !problem.isEmpty())
                raw.fail(errorAt(valuePlace, problem));
            raw.values.insert_or_assign(known->setting, RawValue{entry.value, valuePlace});
        }
    }

    /// The profile, an error, or nothing when it depends on credentials imsa cannot use.
    std::optional<Result<Profile, ConfigError>> build(const AwsRawProfile &profile) const
    {
        const RawProfile &raw = profile.raw;
        const RawValue *role = raw.value(Setting::RoleArn);
        const RawValue *source = raw.value(Setting::Parent);
        const AwsRawProfile *keys = &profile;
        if (role && source && source->text != raw.name) {
            const Result<const AwsRawProfile *, ConfigError> found = followSources(profile);
            if (!found.ok())
                return Result<Profile, ConfigError>(found.error());
            keys = found.value();
            if (!keys)
                return std::nullopt;
        } else if (role && !raw.value(Setting::AccessKeyId)
                   && !(source && hasSsoCredentials(raw.values))) {
            return Result<Profile, ConfigError>(
                    errorAt(role->place,
                            QStringLiteral("needs source_profile, or aws_access_key_id in this "
                                           "profile")));
        }
        if (hasSsoCredentials(keys->raw.values))
            return ssoProfile(raw, keys->raw);
        const RawValue *keyId = keys->raw.value(Setting::AccessKeyId);
        if (!keyId) {
            return Result<Profile, ConfigError>(
                    errorAt(source->place,
                            QStringLiteral("profile '") + keys->raw.name
                                    + QStringLiteral("' has no aws_access_key_id")));
        }
        std::map<Setting, RawValue> settings = withoutCredentials(raw.values);
        settings.emplace(Setting::AccessKeyId, *keyId);
        if (const RawValue *secret = keys->raw.value(Setting::SecretAccessKey))
            settings.emplace(Setting::SecretAccessKey, *secret);
        return Result<Profile, ConfigError>(
                makeProfile(raw, ProfileSource::AwsConfig, settings, keys->raw.name));
    }

    /// The settings that say where credentials come from, left out of a profile that takes
    /// them from its source_profile.
    static std::map<Setting, RawValue> withoutCredentials(std::map<Setting, RawValue> settings)
    {
        settings.erase(Setting::AccessKeyId);
        settings.erase(Setting::SecretAccessKey);
        for (const SsoKey &key : ssoKeys)
            settings.erase(key.setting);
        return settings;
    }

    /// `raw` signing in through IAM Identity Center with the settings of `sso` (itself, or the
    /// source_profile whose role credentials sign its AssumeRole).
    Result<Profile, ConfigError> ssoProfile(const RawProfile &raw, const RawProfile &sso) const
    {
        const Result<std::map<Setting, RawValue>, ConfigError> signIn = m_sessions.settingsFor(sso);
        if (!signIn.ok())
            return inheritedError(signIn.error(), raw.name);
        std::map<Setting, RawValue> checked = signIn.value();
        if (const RawValue *keyId = sso.value(Setting::AccessKeyId))
            checked.emplace(Setting::AccessKeyId, *keyId);
        if (const std::optional<ConfigError> problem =
                    ssoProblem(checked, sso.place, QStringLiteral("in this profile")))
            return inheritedError(*problem, raw.name);
        std::map<Setting, RawValue> settings = withoutCredentials(raw.values);
        for (const auto &[setting, value] : signIn.value())
            settings.insert_or_assign(setting, value);
        return makeProfile(raw, ProfileSource::AwsConfig, settings, sso.name);
    }

    /// Follows source_profile from a role profile to the profile holding the keys; nullptr when
    /// that one gets credentials in a way imsa cannot use.
    Result<const AwsRawProfile *, ConfigError> followSources(const AwsRawProfile &start) const
    {
        QList<const AwsRawProfile *> chain{&start};
        const RawValue *startSource = start.raw.value(Setting::Parent);
        for (;;) {
            const AwsRawProfile *current = chain.last();
            const RawValue *source = current->raw.value(Setting::Parent);
            const auto next = m_profiles.constFind(source->text);
            if (next == m_profiles.cend()) {
                ConfigError error = errorAt(source->place,
                                            QStringLiteral("source_profile names unknown profile '")
                                                    + source->text + QLatin1Char('\'')
                                                    + didYouMean(source->text, m_order));
                return inheritedError(error, start.raw.name);
            }
            if (chain.contains(&*next)) {
                QStringList names;
                for (const AwsRawProfile *member : std::as_const(chain))
                    names.append(member->raw.name);
                names.append(next->raw.name);
                return errorAt(startSource->place,
                               QStringLiteral("source_profile cycle: ")
                                       + names.join(QStringLiteral(" -> ")));
            }
            chain.append(&*next);
            const RawValue *nextSource = next->raw.value(Setting::Parent);
            const bool passesOn = next->raw.value(Setting::RoleArn) && nextSource
                    && nextSource->text != next->raw.name;
            if (!passesOn)
                break;
        }
        for (const AwsRawProfile *link : chain.mid(1)) {
            if (link->externalCredentials || link->sessionToken
                || hasOnlySsoSignIn(link->raw.values))
                return static_cast<const AwsRawProfile *>(nullptr);
            if (link->raw.error)
                return inheritedError(*link->raw.error, start.raw.name);
            if (link->raw.value(Setting::RoleArn)) {
                return errorAt(startSource->place,
                               QStringLiteral("profile '") + link->raw.name
                                       + QStringLiteral("' assumes a role itself; imsa assumes one "
                                                        "role per profile (no role chaining)"));
            }
        }
        return chain.last();
    }

    QHash<QString, AwsRawProfile> m_profiles;
    SsoSessions m_sessions;
    QStringList m_order; ///< config file order, then profiles only in the credentials file
};

} // namespace imsa::detail
