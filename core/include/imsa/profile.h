#pragma once

#include <QString>
#include <QStringList>

#include "imsa/accesspolicy.h"

namespace imsa {

enum class ProfileSource {
    ImsaFile, ///< ~/.imsa (YAML, the original imsa's format plus imsa's additions)
    AwsConfig, ///< ~/.aws/config + ~/.aws/credentials
    /// An account and role a signed-in IAM Identity Center session may use, listed by its portal
    /// and named "ACCOUNT-NAME/ROLE": written in no file.
    IdentityCenter
};

/// Where a profile's long-lived secret key comes from.
enum class SecretLocation {
    File, ///< written in the profile's file (or the AWS credentials file)
    KeyStore ///< absent from the files; fetched from the OS key store under keyProfile
};

/// Where an IAM Identity Center profile signs in and which account and role it serves
/// (`[sso-session NAME]` plus `sso_account_id`/`sso_role_name`, or the legacy form with
/// `sso_start_url`/`sso_region` in the profile itself).
struct SsoSettings
{
    QString sessionName; ///< the sso-session's name; empty for the legacy form
    QString startUrl;
    QString region; ///< sso_region: where sso-oidc and the portal are
    QStringList registrationScopes;
    QString accountId;
    QString roleName;

    /// The token cache key the AWS CLI uses: the session name, or the start URL (legacy).
    QString tokenCacheKey() const { return sessionName.isEmpty() ? startUrl : sessionName; }

    friend bool operator==(const SsoSettings &, const SsoSettings &) = default;
};

/// One profile with every inherited setting resolved (`extends` in ~/.imsa,
/// `source_profile` in ~/.aws/config). A plain value; holds the secret only when it came
/// from a file. No QDebug operator on purpose.
struct Profile
{
    static constexpr int defaultRoleDurationSeconds = 3600;
    static constexpr int defaultMfaSessionDurationSeconds = 43200;

    QString name;
    ProfileSource source = ProfileSource::ImsaFile;
    QString sourceFile;
    int sourceLine = 0; ///< 1-based line where the profile starts, 0 when unknown

    /// The profile whose base keys this one uses (itself for a base profile). Key store
    /// entries are stored under this name.
    QString keyProfile;
    QString accessKeyId;
    QString secretAccessKey; ///< empty when secretLocation is KeyStore
    SecretLocation secretLocation = SecretLocation::File;

    QString mfaSerial;
    QString roleArn;
    QString roleSessionName;
    QString externalId;
    QString region;
    QString stsEndpoint;
    QString stsRegion;
    QString mfaProcess;
    /// `access`: which programs get the credentials from the endpoint (issue #16).
    AccessPolicy access = AccessPolicy::Allow;
    int roleDurationSeconds = defaultRoleDurationSeconds;
    int mfaSessionDurationSeconds = defaultMfaSessionDurationSeconds;
    /// Set for a profile whose credentials come from IAM Identity Center, directly or (with a
    /// role_arn) as the source of an AssumeRole; then there are no base keys.
    SsoSettings sso;

    bool usesSso() const { return !sso.startUrl.isEmpty(); }

    bool hasRole() const { return !roleArn.isEmpty(); }

    bool needsMfa() const { return !mfaSerial.isEmpty(); }

    /// Profiles with the same base identity share one MFA session: same base keys, same device.
    QString baseIdentity() const { return keyProfile + QLatin1Char('|') + mfaSerial; }

    /// "Admin" for arn:aws:iam::123456789012:role/path/Admin; the profile name without a role.
    QString roleName() const
    {
        if (!hasRole())
            return name;
        return roleArn.section(QLatin1Char('/'), -1);
    }

    /// The 12-digit account of the role ARN, empty without a role.
    QString accountId() const { return roleArn.section(QLatin1Char(':'), 4, 4); }

    friend bool operator==(const Profile &, const Profile &) = default;
};

} // namespace imsa
