#pragma once

#include <QString>

namespace imsa::app {

/// $XDG_STATE_HOME/imsa, else ~/.local/state/imsa (Qt 6.4 has no StateLocation); a relative
/// XDG_STATE_HOME is ignored, as the XDG base directory spec says. Not created.
QString stateDirPath();

/// stateDirPath(), created 0700. Holds the log, the remembered active profile and, without a
/// keychain, the key store file.
QString stateDir();

/// Where the keys are kept without a keychain: stateDirPath()/keystore.json.
QString keyStoreFilePath();

/// stateDirPath()/access.log: which program took which profile's credentials (accesslog.h);
/// the app writes it, `imsa log` reads it. The one before it is this path plus ".1".
QString accessLogPath();

/// stateDir()/imsa.log: where the app started in the background logs.
QString defaultLogFile();

} // namespace imsa::app
