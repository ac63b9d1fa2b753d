#pragma once

#include <optional>

#include <QString>

namespace imsa::tray {

/// Which tray hosts this graphical session offers. Needs the QApplication.
struct TrayHosts
{
    /// org.kde.StatusNotifierWatcher with a host registered: Qt shows the icon as an item.
    bool statusNotifierHost = false;
    /// An owner of _NET_SYSTEM_TRAY_S0; nullopt off X11, where XEmbed does not exist.
    std::optional<bool> xembedTray;
    QString platform; ///< Qt's platform: "xcb", "wayland"

    bool any() const { return statusNotifierHost || xembedTray.value_or(false); }
};

/// Asks D-Bus and the X server itself, not Qt: Qt 6.4 asks D-Bus once per process and keeps
/// the answer (isDBusTrayAvailable() in its Unix platform theme), so a panel that starts after
/// imsa would never be used if Qt had been asked before it came.
TrayHosts findTrayHosts();

/// What is missing when Qt finds no tray: "no StatusNotifierItem host and no XEmbed tray".
QString missingTrayHost(const TrayHosts &hosts);

/// `imsa-tray --probe-tray-host`, for `imsa doctor`: "sni yes|no", "xembed yes|no|none",
/// "platform NAME", one a line.
QString describeTrayHosts(const TrayHosts &hosts);

} // namespace imsa::tray
