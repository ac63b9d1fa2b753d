#pragma once

#include <QString>

namespace imsa::app {

/// Where imsa's internal program `name` is, seen from the directory of a program of the same
/// installation (runtime::internalProgramPath()), as a clean path.
QString internalProgramPath(const QString &applicationDir, const QString &name);

/// internalProgramPath() from the running program's directory.
QString internalProgramPath(const QString &name);

} // namespace imsa::app
