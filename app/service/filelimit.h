#pragma once

#include <QtGlobal>

namespace imsa::app {

/// Raises the soft RLIMIT_NOFILE to the hard limit and returns the soft limit in effect
/// afterwards. The usual soft limit of 1024 is what a flood of idle local connections exhausts;
/// the hard limit is what the administrator allows.
qint64 raiseOpenFileLimit();

/// The soft RLIMIT_NOFILE in effect (INT_MAX when unlimited).
qint64 openFileLimit();

/// Descriptors kept for everything but metadata clients: the control socket and its clients,
/// the key store, the log, STS connections, imsa-helper, mfa_process, file watches, D-Bus and
/// the tray. An idle app uses about 20.
inline constexpr qint64 reservedDescriptors = 128;

/// How many metadata connections (all servers together) fit under `fileLimit` with
/// reservedDescriptors to spare; at least 1.
int connectionBudget(qint64 fileLimit);

} // namespace imsa::app
