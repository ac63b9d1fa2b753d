#include "doctorchecks.h"

using namespace Qt::StringLiterals;

// The doctor's look at the desktop: whether the tray icon has somewhere to appear.
namespace imsa::cli {

namespace {

/// What gives a desktop a StatusNotifierItem host, by desktop, with Debian's package names.
QString statusNotifierHostFix()
{
    return u"GNOME: install gnome-shell-extension-appindicator and enable it (gnome-extensions "
           "enable appindicatorsupport@rgcjonas.gmail.com, then log out and in); Xfce: add the "
           "Status Tray plugin to the panel (xfce4-panel); KDE Plasma: add the System Tray widget; "
           "sway and other wlroots desktops: a bar with a tray (waybar with its tray module)"_s;
}

} // namespace

CheckResult checkTrayHost(const std::optional<TrayHostProbe> &probe)
{
    CheckResult result{CheckStatus::Ok, u"tray"_s, {}, {}};
    if (!probe) {
        result.status = CheckStatus::Skip;
        result.found = u"no graphical session (neither DISPLAY nor WAYLAND_DISPLAY): imsa start "
                       "runs without a tray icon"_s;
        return result;
    }
    if (!probe->error.isEmpty()) {
        result.status = CheckStatus::Warn;
        result.found = u"cannot ask the session for a tray host: %1"_s.arg(probe->error);
        result.fix = u"run imsa doctor in the desktop session imsa runs in"_s;
        return result;
    }
    if (probe->statusNotifierHost) {
        result.found =
                u"a StatusNotifierItem host shows the icon (org.kde.StatusNotifierWatcher)"_s;
        return result;
    }
    if (probe->xembedTray.value_or(false)) {
        result.found = u"an XEmbed tray shows the icon (_NET_SYSTEM_TRAY_S0)"_s;
        return result;
    }
    // The app still serves and opens its MFA dialog; only the icon, its menu and its messages
    // are missing.
    result.status = CheckStatus::Warn;
    if (probe->xembedTray) {
        result.found = u"no tray host: no StatusNotifierItem host (org.kde.StatusNotifierWatcher "
                       "with a host registered) and no XEmbed tray (no owner of "
                       "_NET_SYSTEM_TRAY_S0); imsa serves without its icon"_s;
        result.fix =
                statusNotifierHostFix() + u"; any X11 desktop: a standalone tray such as trayer"_s;
    } else {
        result.found = u"no tray host: no StatusNotifierItem host (org.kde.StatusNotifierWatcher "
                       "with a host registered), the only kind Wayland has; imsa serves without "
                       "its icon"_s;
        result.fix = statusNotifierHostFix();
    }
    return result;
}

} // namespace imsa::cli
