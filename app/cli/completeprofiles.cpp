#include "command.h"
#include "imsa/profileloader.h"

namespace imsa::cli {

/// Internal, for the completion scripts: profile names, one per line, read from the files.
int runCompleteProfiles(const QStringList &, Io &io)
{
    const ProfileSet set = loadProfiles(ConfigPaths::fromEnvironment());
    for (const Profile &profile : set.profiles)
        io.out << profile.name << "\n";
    return ExitOk;
}

} // namespace imsa::cli
