#pragma once

#include <string>

// Where imsa's programs find each other and the running app, in plain C++: the `imsa` launcher
// links no Qt, and the Qt programs take the same rules from here (platform/runtimedir.h,
// platform/installpaths.h), so each rule is written once.
namespace imsa::runtime {

/// The per-user directory that holds the control socket, the instance lock and the app's state
/// file: $IMSA_RUNTIME_DIR, else $XDG_RUNTIME_DIR/imsa, else /tmp/imsa-<uid>. Not created here.
std::string runtimeDirectory();

/// The app's control socket inside the runtime directory.
std::string controlSocketPath(const std::string &runtimeDir);

/// Where the internal program `name` (imsa-cli, imsa-service, imsa-tray, imsa-helper) is, seen
/// from `programDir`, the directory of a program of the same installation:
/// <dir>/../libexec/imsa/<name> when installed (`dir` is /usr/bin for `imsa` and
/// /usr/libexec/imsa for the others, which both resolve to /usr/libexec/imsa), else
/// <dir>/<name> (the build tree puts every program in one folder), else
/// /usr/libexec/imsa/<name>.
std::string internalProgramPath(const std::string &programDir, const std::string &name);

/// The directory of the running executable (/proc/self/exe); empty when it cannot be read.
std::string executableDirectory();

} // namespace imsa::runtime
