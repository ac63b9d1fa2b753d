#pragma once

#include <QString>

#include "imsa/result.h"

namespace imsa::app {

/// The per-user directory that holds the control socket, the instance lock and the state file
/// (runtime::runtimeDirectory()). Created 0700 when missing; refused when it belongs to another
/// user or others can enter it, because whoever can reach the socket can ask for credentials.
Result<QString, Failure> ensureRuntimeDir();

/// The control socket's full path inside the runtime directory.
QString controlSocketPath(const QString &runtimeDir);

/// The running app's lock file (a QLockFile, which names the holder's pid).
QString instanceLockPath(const QString &runtimeDir);

} // namespace imsa::app
