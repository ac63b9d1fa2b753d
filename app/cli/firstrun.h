#pragma once

#include <QString>

#include "imsa/profileloader.h"

namespace imsa::cli {

/// A commented example ~/.imsa: a base profile with keys and MFA device, and a role that
/// extends it. Valid as it stands, with AWS's documented example values.
QString exampleImsaFile();

/// What to do when no profile is usable: which files imsa reads (the real paths from `paths`),
/// the example ~/.imsa, the ~/.aws/config alternative and the next command. For `imsa profiles`,
/// `imsa start` and `imsa doctor`.
QString firstRunHelp(const ConfigPaths &paths);

/// Whether the files give imsa anything to serve: a profile, or an IAM Identity Center sign-in
/// whose accounts become profiles.
inline bool hasAnythingToServe(const ProfileSet &set)
{
    return !set.profiles.isEmpty() || !set.ssoSignIns().isEmpty();
}

} // namespace imsa::cli
