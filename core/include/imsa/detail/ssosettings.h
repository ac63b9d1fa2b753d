#pragma once

#include <algorithm>
#include <array>
#include <map>
#include <optional>

#include <QString>

#include "imsa/configerror.h"
#include "imsa/detail/rawprofile.h"

// The IAM Identity Center settings of a profile, the same keys in ~/.imsa and ~/.aws/config.
namespace imsa::detail {

struct SsoKey
{
    const char *name;
    Setting setting;
};

/// Required ones first, in the order they are reported when missing.
inline constexpr std::array<SsoKey, 6> ssoKeys{{
        {"sso_start_url", Setting::SsoStartUrl},
        {"sso_region", Setting::SsoRegion},
        {"sso_account_id", Setting::SsoAccountId},
        {"sso_role_name", Setting::SsoRoleName},
        {"sso_session", Setting::SsoSession},
        {"sso_registration_scopes", Setting::SsoRegistrationScopes},
}};
inline constexpr size_t requiredSsoKeys = 4;

/// botocore's rule (SSOProvider._load_sso_config): sso_account_id or sso_role_name makes a
/// profile get its credentials from IAM Identity Center.
inline bool hasSsoCredentials(const std::map<Setting, RawValue> &settings)
{
    return settings.count(Setting::SsoAccountId) || settings.count(Setting::SsoRoleName);
}

/// Sign-in settings without an account and role: a profile only for a bearer token
/// (botocore's SSOTokenProvider), or in ~/.imsa a base for other profiles to extend.
inline bool hasOnlySsoSignIn(const std::map<Setting, RawValue> &settings)
{
    if (hasSsoCredentials(settings))
        return false;
    return std::any_of(ssoKeys.cbegin(), ssoKeys.cend(), [&settings](const SsoKey &key) {
        return settings.count(key.setting);
    });
}

/// What is wrong with the settings of a profile that gets its credentials from IAM Identity
/// Center (sso-session values already merged in), reported for `profile` written at `place`.
/// `notSet` ends the message of a missing key ("in this profile", ...).
inline std::optional<ConfigError> ssoProblem(const std::map<Setting, RawValue> &settings,
                                             const Place &place, const QString &notSet)
{
    // botocore would take the access keys and ignore the SSO settings; a profile that means
    // two things is a mistake, so imsa refuses it instead of guessing.
    if (const auto keys = settings.find(Setting::AccessKeyId); keys != settings.end()) {
        ConfigError error = errorAt(keys->second.place,
                                    QStringLiteral("access keys and IAM Identity Center settings "
                                                   "(sso_account_id, sso_role_name) in one "
                                                   "profile; keep one of them"));
        error.profile = place.profile;
        return error;
    }
    for (size_t i = 0; i < requiredSsoKeys; ++i) {
        if (settings.count(ssoKeys[i].setting))
            continue;
        Place missing = place;
        missing.key = QLatin1StringView(ssoKeys[i].name);
        return errorAt(missing,
                       QStringLiteral("not set ") + notSet
                               + QStringLiteral("; an IAM Identity Center profile needs "
                                                "sso_start_url, sso_region, sso_account_id and "
                                                "sso_role_name"));
    }
    return std::nullopt;
}

} // namespace imsa::detail
