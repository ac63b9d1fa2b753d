#pragma once

#include <map>
#include <optional>
#include <vector>

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/detail/imsayaml.h"
#include "imsa/detail/rawprofile.h"
#include "imsa/detail/similarity.h"
#include "imsa/detail/ssosettings.h"
#include "imsa/result.h"

// Resolving `extends` in ~/.imsa: a profile inherits every setting it does not set itself,
// over any number of levels. A profile with a problem of its own makes every profile that
// extends it invalid too, reported at the place of the problem.
namespace imsa::detail {

class ImsaResolver
{
public:
    explicit ImsaResolver(const ImsaDocument &document)
        : m_profiles(document.profiles)
        , m_failures(size_t(document.profiles.size()))
        , m_state(size_t(document.profiles.size()), State::New)
        , m_merged(size_t(document.profiles.size()))
    {
        for (qsizetype i = 0; i < m_profiles.size(); ++i) {
            m_index.insert(m_profiles[i].name, i);
            m_names.append(m_profiles[i].name);
        }
    }

    ParsedProfiles resolve()
    {
        ParsedProfiles result;
        for (qsizetype i = 0; i < m_profiles.size(); ++i)
            walk(i);
        for (qsizetype i = 0; i < m_profiles.size(); ++i) {
            const RawProfile &raw = m_profiles[i];
            if (const auto &failure = m_failures[size_t(i)]) {
                result.errors.append(inheritedError(*failure, raw.name));
                continue;
            }
            // Sign-in settings alone (a start URL and region for others to extend) serve
            // nothing: not a profile, and no error either.
            if (isSsoBase(settingsOf(i)))
                continue;
            auto profile = build(i);
            if (profile.ok())
                result.profiles.append(std::move(profile).value());
            else
                result.errors.append(profile.error());
        }
        sortByName(result.profiles);
        return result;
    }

private:
    enum class State {
        New,
        OnPath,
        Done
    };

    std::optional<qsizetype> parentOf(qsizetype i) const
    {
        const RawValue *parent = m_profiles[i].value(Setting::Parent);
        if (!parent)
            return std::nullopt;
        return m_index.value(parent->text, -1);
    }

    /// Follows `extends` from profile `start` until a profile whose fate is known, then gives
    /// every profile on the way the failure of its parent (stored as the origin's own error).
    void walk(qsizetype start)
    {
        QList<qsizetype> path;
        qsizetype current = start;
        while (m_state[size_t(current)] != State::Done) {
            if (m_state[size_t(current)] == State::OnPath) {
                failCycle(path.mid(path.indexOf(current)));
                path.resize(path.indexOf(current));
                break;
            }
            const RawProfile &raw = m_profiles[current];
            const std::optional<qsizetype> parent = parentOf(current);
            if (raw.error || !parent || *parent < 0) {
                if (raw.error)
                    m_failures[size_t(current)] = raw.error;
                else if (parent)
                    m_failures[size_t(current)] = unknownParent(raw);
                m_state[size_t(current)] = State::Done;
                break;
            }
            m_state[size_t(current)] = State::OnPath;
            path.append(current);
            current = *parent;
        }
        for (qsizetype k = path.size() - 1; k >= 0; --k) {
            const qsizetype node = path[k];
            m_failures[size_t(node)] = m_failures[size_t(*parentOf(node))];
            m_state[size_t(node)] = State::Done;
        }
    }

    ConfigError unknownParent(const RawProfile &raw) const
    {
        const RawValue *parent = raw.value(Setting::Parent);
        return errorAt(parent->place,
                       QStringLiteral("extends unknown profile '") + parent->text
                               + QLatin1Char('\'') + didYouMean(parent->text, m_names));
    }

    /// Every member of the cycle is reported with the cycle as seen from itself.
    void failCycle(const QList<qsizetype> &cycle)
    {
        for (qsizetype k = 0; k < cycle.size(); ++k) {
            QStringList names;
            for (qsizetype step = 0; step <= cycle.size(); ++step)
                names.append(m_profiles[cycle[(k + step) % cycle.size()]].name);
            const RawProfile &member = m_profiles[cycle[k]];
            m_failures[size_t(cycle[k])] =
                    errorAt(member.value(Setting::Parent)->place,
                            QStringLiteral("extends cycle: ") + names.join(QStringLiteral(" -> ")));
            m_state[size_t(cycle[k])] = State::Done;
        }
    }

    using Settings = std::map<Setting, RawValue>;

    /// Profile i's settings with everything it inherits, its own first. Each profile's are
    /// merged once, from its parent's: a chain of n profiles costs n merges, not n² lookups.
    /// Only for profiles without a failure, whose chain therefore ends.
    const Settings &settingsOf(qsizetype i)
    {
        QList<qsizetype> unmerged;
        for (std::optional<qsizetype> node = i; node && !m_merged[size_t(*node)];
             node = parentOf(*node))
            unmerged.append(*node);
        for (qsizetype k = unmerged.size() - 1; k >= 0; --k) {
            const qsizetype node = unmerged[k];
            Settings settings;
            if (const std::optional<qsizetype> parent = parentOf(node))
                settings = *m_merged[size_t(*parent)];
            for (const auto &[setting, value] : m_profiles[node].values)
                settings.insert_or_assign(setting, value);
            m_merged[size_t(node)] = std::move(settings);
        }
        return *m_merged[size_t(i)];
    }

    static bool isSsoBase(const Settings &settings)
    {
        return hasOnlySsoSignIn(settings) && !settings.count(Setting::AccessKeyId)
                && !settings.count(Setting::RoleArn);
    }

    /// In ~/.imsa sso_session is only the token cache key: the sign-in settings are all
    /// given here, in the profile or one it extends. A role profile extending an IAM
    /// Identity Center one signs its AssumeRole with that one's role credentials.
    static Result<Profile, ConfigError> ssoProfile(const RawProfile &raw, const Settings &settings)
    {
        if (const std::optional<ConfigError> problem =
                    ssoProblem(settings, raw.place,
                               QStringLiteral("in this profile or any profile it extends"))) {
            ConfigError error = *problem;
            error.profile = raw.name;
            return error;
        }
        const QString keyProfile = settings.count(Setting::RoleArn)
                ? settings.at(Setting::SsoRoleName).place.profile
                : raw.name;
        return makeProfile(raw, ProfileSource::ImsaFile, settings, keyProfile);
    }

    Result<Profile, ConfigError> build(qsizetype i)
    {
        const RawProfile &raw = m_profiles[i];
        const Settings &settings = settingsOf(i);
        const bool roleOnSsoSignIn = hasOnlySsoSignIn(settings) && settings.count(Setting::RoleArn)
                && !settings.count(Setting::AccessKeyId);
        if (hasSsoCredentials(settings) || roleOnSsoSignIn)
            return ssoProfile(raw, settings);
        const auto key = settings.find(Setting::AccessKeyId);
        if (key == settings.end()) {
            Place place = raw.place;
            place.key = QStringLiteral("aws_access_key_id");
            return errorAt(place,
                           QStringLiteral("not set in this profile or any profile it extends"));
        }
        const QString keyProfile = key->second.place.profile;
        const auto secret = settings.find(Setting::SecretAccessKey);
        if (secret != settings.end() && secret->second.place.profile != keyProfile) {
            ConfigError error =
                    errorAt(secret->second.place,
                            QStringLiteral("set in profile '") + secret->second.place.profile
                                    + QStringLiteral("' but aws_access_key_id in '") + keyProfile
                                    + QStringLiteral("'; a key pair belongs in one profile"));
            error.profile = raw.name;
            return error;
        }
        return makeProfile(raw, ProfileSource::ImsaFile, settings, keyProfile);
    }

    const QList<RawProfile> &m_profiles;
    QHash<QString, qsizetype> m_index;
    QStringList m_names;
    std::vector<std::optional<ConfigError>> m_failures;
    std::vector<State> m_state;
    std::vector<std::optional<Settings>> m_merged; ///< by settingsOf()
};

} // namespace imsa::detail
