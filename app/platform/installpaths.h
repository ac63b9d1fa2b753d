#pragma once

#include <QString>

namespace imsa::app {

/// Where imsa's internal programs (imsa-helper, imsa-service, imsa-tray) are, seen from the
/// directory of a program of the same installation: <dir>/../libexec/imsa/<name> when installed
/// (`dir` is /usr/bin for the CLI and /usr/libexec/imsa for the apps, which both resolve to
/// /usr/libexec/imsa), else <dir>/<name> (the build tree puts every program in one folder),
/// else /usr/libexec/imsa/<name>.
QString internalProgramPath(const QString &applicationDir, const QString &name);

/// internalProgramPath() from the running program's directory.
QString internalProgramPath(const QString &name);

} // namespace imsa::app
