#pragma once

#include <QString>

namespace imsa::app {

/// $XDG_STATE_HOME/imsa, else ~/.local/state/imsa (Qt 6.4 has no StateLocation). Created 0700.
/// Holds the log, the remembered active profile and, without a keychain, the key store file.
QString stateDir();

/// stateDir()/imsa.log: where the app started in the background logs.
QString defaultLogFile();

} // namespace imsa::app
