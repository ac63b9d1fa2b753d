#pragma once

#include <QString>

#include "imsa/result.h"

// "Start at login", one small interface with one implementation file per OS chosen by CMake.
//
// Linux (autostart_linux.cpp): an XDG autostart entry, $XDG_CONFIG_HOME/autostart/imsa.desktop
// (~/.config when unset), Exec=imsa start. Desktops read it at login (XDG Autostart spec). The
// packages also install a system-wide entry in $XDG_CONFIG_DIRS/autostart (/etc/xdg); the
// user's file of the same name overrides it, so switching off writes one with Hidden=true
// there instead of just removing the user's file.
//
// macOS (a LaunchAgent) and Windows (the Run key) are planned behind this same interface in
// installers/macos/README.md and installers/windows/README.md, section "Autostart".
namespace imsa::app {

/// Whether imsa is set to start when the user logs in.
bool isAutostartEnabled();

/// Adds or removes the login entry; succeeds when it is already as asked.
Result<Done, Failure> setAutostartEnabled(bool enabled);

/// Where the entry lives, for messages.
QString autostartLocation();

} // namespace imsa::app
