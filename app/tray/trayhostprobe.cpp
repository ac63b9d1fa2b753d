#include "trayhostprobe.h"

#include <cstdlib>
#include <xcb/xcb.h>

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusVariant>
#include <QGuiApplication>

namespace imsa::tray {

namespace {

constexpr int dbusTimeoutMsecs = 3000;

/// What Qt checks before it shows the icon as a StatusNotifierItem.
bool hasStatusNotifierHost()
{
    QDBusMessage ask = QDBusMessage::createMethodCall(
            QStringLiteral("org.kde.StatusNotifierWatcher"),
            QStringLiteral("/StatusNotifierWatcher"),
            QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    ask << QStringLiteral("org.kde.StatusNotifierWatcher")
        << QStringLiteral("IsStatusNotifierHostRegistered");
    const QDBusMessage reply =
            QDBusConnection::sessionBus().call(ask, QDBus::Block, dbusTimeoutMsecs);
    return reply.type() == QDBusMessage::ReplyMessage && !reply.arguments().isEmpty()
            && reply.arguments().constFirst().value<QDBusVariant>().variant().toBool();
}

/// Whether an X client owns the selection an XEmbed tray takes, as Qt's X11 platform checks it
/// (for the default screen); nullopt without an X display.
std::optional<bool> hasXEmbedTray()
{
    int screen = 0;
    xcb_connection_t *connection = xcb_connect(nullptr, &screen);
    if (xcb_connection_has_error(connection)) {
        xcb_disconnect(connection);
        return std::nullopt;
    }
    const QByteArray name = "_NET_SYSTEM_TRAY_S" + QByteArray::number(screen);
    xcb_intern_atom_reply_t *atom = xcb_intern_atom_reply(
            connection, xcb_intern_atom(connection, 0, uint16_t(name.size()), name.constData()),
            nullptr);
    bool owned = false;
    if (atom) {
        xcb_get_selection_owner_reply_t *owner = xcb_get_selection_owner_reply(
                connection, xcb_get_selection_owner(connection, atom->atom), nullptr);
        owned = owner && owner->owner != XCB_NONE;
        std::free(owner);
        std::free(atom);
    }
    xcb_disconnect(connection);
    return owned;
}

QString yesNo(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

} // namespace

TrayHosts findTrayHosts()
{
    TrayHosts hosts;
    hosts.platform = QGuiApplication::platformName();
    hosts.statusNotifierHost = hasStatusNotifierHost();
    // Only Qt's X11 platform embeds icons; on Wayland an X tray (in Xwayland) is of no use.
    if (hosts.platform == QLatin1StringView("xcb"))
        hosts.xembedTray = hasXEmbedTray();
    return hosts;
}

QString missingTrayHost(const TrayHosts &hosts)
{
    return hosts.xembedTray ? QStringLiteral("no StatusNotifierItem host and no XEmbed tray")
                            : QStringLiteral("no StatusNotifierItem host, the only kind %1 has")
                                      .arg(hosts.platform);
}

QString describeTrayHosts(const TrayHosts &hosts)
{
    QString xembed = QStringLiteral("none");
    if (hosts.xembedTray)
        xembed = yesNo(*hosts.xembedTray);
    return QStringLiteral("sni %1\nxembed %2\nplatform %3\n")
            .arg(yesNo(hosts.statusNotifierHost), xembed, hosts.platform);
}

} // namespace imsa::tray
