#include "runtimepaths.h"

#include <climits>
#include <cstdlib>
#include <unistd.h>

namespace imsa::runtime {

namespace {

std::string environmentValue(const char *name)
{
    const char *value = std::getenv(name);
    return value ? std::string(value) : std::string();
}

bool isExecutable(const std::string &path)
{
    return access(path.c_str(), X_OK) == 0;
}

} // namespace

std::string runtimeDirectory()
{
    std::string explicitDir = environmentValue("IMSA_RUNTIME_DIR");
    if (!explicitDir.empty())
        return explicitDir;
    const std::string xdg = environmentValue("XDG_RUNTIME_DIR");
    if (!xdg.empty())
        return xdg + "/imsa";
    return "/tmp/imsa-" + std::to_string(getuid());
}

std::string controlSocketPath(const std::string &runtimeDir)
{
    return runtimeDir + "/control.sock";
}

std::string internalProgramPath(const std::string &programDir, const std::string &name)
{
    for (const char *between : {"/../libexec/imsa/", "/"}) {
        std::string candidate = programDir;
        candidate.append(between).append(name);
        if (isExecutable(candidate))
            return candidate;
    }
    return "/usr/libexec/imsa/" + name;
}

std::string executableDirectory()
{
    char path[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof path - 1);
    if (length <= 0)
        return {};
    const std::string executable(path, static_cast<std::size_t>(length));
    return executable.substr(0, executable.rfind('/'));
}

} // namespace imsa::runtime
