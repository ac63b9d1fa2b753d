#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <QHash>
#include <QString>
#include <QStringList>

#include "imsa/awsini.h"
#include "imsa/configerror.h"
#include "imsa/detail/rawprofile.h"
#include "imsa/detail/similarity.h"
#include "imsa/detail/ssosettings.h"
#include "imsa/result.h"

// The `[sso-session NAME]` sections of ~/.aws/config and how a profile's `sso_session` takes
// its sign-in settings from one, as botocore's SSOProvider does.
namespace imsa::detail {

/// The keys an sso-session section holds; the first two are required.
inline constexpr std::array<SsoKey, 3> ssoSessionKeys{{
        {"sso_start_url", Setting::SsoStartUrl},
        {"sso_region", Setting::SsoRegion},
        {"sso_registration_scopes", Setting::SsoRegistrationScopes},
}};

struct SsoSessionSection
{
    QString name;
    Place place; ///< where the header is written
    std::map<Setting, RawValue> values;
    std::optional<ConfigError> error; ///< its first problem, reported for each profile using it
};

class SsoSessions
{
public:
    using Settings = std::map<Setting, RawValue>;

    /// The session's name when `header` is "sso-session NAME" (botocore splits the header
    /// like shell words and wants exactly two), else empty.
    static QString sessionName(const QString &header)
    {
        const QLatin1StringView prefix("sso-session");
        if (header.size() <= prefix.size() + 1 || !header.startsWith(prefix)
            || !header[prefix.size()].isSpace())
            return {};
        QString name = header.mid(prefix.size() + 1).trimmed();
        if (name.size() >= 2 && name.startsWith(u'"') && name.endsWith(u'"'))
            name = name.mid(1, name.size() - 2);
        return name;
    }

    void add(const QString &name, const IniSection &section)
    {
        if (const auto first = m_sessions.constFind(name); first != m_sessions.cend()) {
            SsoSessionSection &session = m_sessions[name];
            if (!session.error)
                session.error = errorAt(section.place,
                                        QStringLiteral("sso-session defined twice (first on "
                                                       "line %1)")
                                                .arg(first->place.line));
            return;
        }
        SsoSessionSection session{name, section.place, {}, {}};
        for (const IniEntry &entry : section.entries)
            read(session, entry);
        m_sessions.insert(name, session);
        m_names.append(name);
    }

    /// The IAM Identity Center settings of `profile` with those of the sso-session it names
    /// merged in, or the first problem with them, reported for `profile`.
    Result<Settings, ConfigError> settingsFor(const RawProfile &profile) const
    {
        Settings settings;
        for (const SsoKey &key : ssoKeys) {
            if (const RawValue *value = profile.value(key.setting))
                settings.emplace(key.setting, *value);
        }
        const RawValue *reference = profile.value(Setting::SsoSession);
        if (!reference)
            return settings;
        const auto found = m_sessions.constFind(reference->text);
        if (found == m_sessions.cend()) {
            return errorAt(reference->place,
                           QStringLiteral("names no [sso-session ") + reference->text
                                   + QStringLiteral("] section")
                                   + didYouMean(reference->text, m_names));
        }
        const QString section = QStringLiteral("[sso-session ") + found->name + QLatin1Char(']');
        if (found->error) {
            ConfigError error = *found->error;
            error.profile = profile.name;
            error.message += QStringLiteral(" (in ") + section + QLatin1Char(')');
            return error;
        }
        for (const SsoKey &key : ssoSessionKeys) {
            const auto value = found->values.find(key.setting);
            if (value == found->values.end()) {
                if (key.setting == Setting::SsoRegistrationScopes)
                    continue;
                Place missing = found->place;
                missing.profile = profile.name;
                missing.key = QLatin1StringView(key.name);
                return errorAt(
                        missing,
                        QStringLiteral("not set in ") + section
                                + QStringLiteral(", which this profile's sso_session names"));
            }
            // botocore refuses a profile whose own value differs from its session's.
            if (const RawValue *own = profile.value(key.setting);
                own && own->text != value->second.text) {
                return errorAt(own->place,
                               QStringLiteral("differs from the one in ") + section
                                       + QStringLiteral(" (line %1), which sso_session names")
                                                 .arg(value->second.place.line));
            }
            settings.insert_or_assign(key.setting, value->second);
        }
        return settings;
    }

    /// The sign-in settings of every section a profile could use, whether one does or not: a
    /// user who has only written a session can sign in and pick an account.
    QList<SsoSettings> usable() const
    {
        QList<SsoSettings> sessions;
        for (const QString &name : m_names) {
            const SsoSessionSection &section = *m_sessions.constFind(name);
            const auto text = [&section](Setting setting) {
                const auto value = section.values.find(setting);
                return value == section.values.end() ? QString() : value->second.text;
            };
            if (section.error || text(Setting::SsoStartUrl).isEmpty()
                || text(Setting::SsoRegion).isEmpty())
                continue;
            SsoSettings session;
            session.sessionName = name;
            session.startUrl = text(Setting::SsoStartUrl);
            session.region = text(Setting::SsoRegion);
            session.registrationScopes = registrationScopes(text(Setting::SsoRegistrationScopes));
            sessions.append(session);
        }
        return sessions;
    }

private:
    static void read(SsoSessionSection &session, const IniEntry &entry)
    {
        const auto known = std::find_if(ssoSessionKeys.cbegin(), ssoSessionKeys.cend(),
                                        [&entry](const SsoKey &key) {
                                            return entry.key == QLatin1StringView(key.name);
                                        });
        if (known == ssoSessionKeys.cend())
            return;
        const auto fail = [&session](const ConfigError &problem) {
            if (!session.error)
                session.error = problem;
        };
        if (const auto first = session.values.find(known->setting); first != session.values.end()) {
            fail(errorAt(entry.keyPlace,
                         QStringLiteral("set twice in this sso-session (first on line %1)")
                                 .arg(first->second.place.line)));
            return;
        }
        if (entry.value.isEmpty()) {
            fail(errorAt(entry.keyPlace, QStringLiteral("has no value")));
            return;
        }
        if (const QString problem = checkSetting(known->setting, entry.value); !problem.isEmpty())
            fail(errorAt(entry.valuePlace, problem));
        session.values.emplace(known->setting, RawValue{entry.value, entry.valuePlace});
    }

    QHash<QString, SsoSessionSection> m_sessions;
    QStringList m_names;
};

} // namespace imsa::detail
