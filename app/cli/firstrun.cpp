#include "firstrun.h"

using namespace Qt::StringLiterals;

namespace imsa::cli {

QString exampleImsaFile()
{
    return uR"(# ~/.imsa: profiles for imsa, in YAML (the format of the Python imsa).
# Every top-level key is a profile. `man imsa` lists every key.

# A base profile: your IAM user's access key and MFA device. Without
# aws_secret_access_key the secret is kept in the desktop keychain instead
# (tray menu: Profiles and keys...).
base:
  aws_access_key_id: AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
  mfa_serial_number: arn:aws:iam::123456789012:mfa/jane
  region: eu-west-1

# A role, assumed with the keys and MFA session of the profile it extends.
prod:
  extends: base
  role_arn: arn:aws:iam::123456789012:role/Admin
  # role_session_name: jane        # default: imsa-<your login name>
  # role_duration_seconds: 3600    # 900 to 43200
)"_s;
}

QString firstRunHelp(const ConfigPaths &paths)
{
    return uR"(imsa has no usable profile yet. It reads profiles from %1 (YAML) and
%2 (with keys in %3).

To start, save this as %1 with your own values, then run: chmod 600 %1

%4
Or, in %2:

  [profile prod]
  role_arn = arn:aws:iam::123456789012:role/Admin
  source_profile = base
  mfa_serial = arn:aws:iam::123456789012:mfa/jane

with the keys in %3:

  [base]
  aws_access_key_id = AKIAIOSFODNN7EXAMPLE
  aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY

Then: imsa assume prod

With IAM Identity Center (AWS SSO), %2 needs only your start URL:

  [sso-session my-sso]
  sso_start_url = https://my-company.awsapps.com/start
  sso_region = eu-west-1

Then: imsa login my-sso, and imsa assume ACCOUNT-NAME/ROLE (imsa sso list shows them)
)"_s.arg(paths.imsaFile, paths.awsConfigFile, paths.awsCredentialsFile, exampleImsaFile());
}

} // namespace imsa::cli
