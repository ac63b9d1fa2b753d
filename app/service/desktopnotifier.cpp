#include "desktopnotifier.h"

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QFileInfo>
#include <QStringList>
#include <QVariantMap>

#include "imsa/logging.h"

namespace imsa::app {

namespace {

/// The server removes the notification when it sees fit.
constexpr qint32 serverDefaultTimeout = -1;

/// A bus the session already has. Without one libdbus would "autolaunch" a bus through X11
/// (an SSH login with X forwarding) that outlives imsa.
bool sessionHasBus()
{
    return qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS")
            || QFileInfo::exists(qEnvironmentVariable("XDG_RUNTIME_DIR") + QStringLiteral("/bus"));
}

} // namespace

bool DesktopNotifier::hasServer()
{
    if (!sessionHasBus())
        return false;
    const QDBusConnectionInterface *bus = QDBusConnection::sessionBus().interface();
    if (!bus)
        return false;
    const QString name = QLatin1StringView(service);
    // xfce4-notifyd and others are started by the bus at the first notification.
    return bus->isServiceRegistered(name).value()
            || bus->activatableServiceNames().value().contains(name);
}

void DesktopNotifier::show(const QString &summary, const QString &body, Urgency urgency,
                           const QString &actionLabel)
{
    if (!sessionHasBus()) {
        qCDebug(lcApp) << "no session D-Bus for a desktop notification";
        return;
    }
    // Connected at the first notification, not at start: most runs never show one.
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        qCDebug(lcApp).noquote() << "no session D-Bus for a desktop notification:"
                                 << bus.lastError().message();
        return;
    }
    QDBusMessage call =
            QDBusMessage::createMethodCall(QLatin1StringView(service), QLatin1StringView(path),
                                           QLatin1StringView(service), QStringLiteral("Notify"));
    const QVariantMap hints{
            {QStringLiteral("urgency"), QVariant::fromValue(static_cast<uchar>(urgency))}};
    const uint replacesNone = 0;
    QStringList actions;
    if (!actionLabel.isEmpty()) {
        listenForActions();
        actions << QLatin1StringView(defaultAction) << actionLabel;
    }
    call << QStringLiteral("imsa") << replacesNone << QStringLiteral("dialog-password") << summary
         << body << actions << hints << serverDefaultTimeout;
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    const bool withAction = !actions.isEmpty();
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [this, withAction](QDBusPendingCallWatcher *finished) {
                finished->deleteLater();
                // A session without a notification server: the log has the message anyway.
                if (finished->isError()) {
                    qCInfo(lcApp).noquote()
                            << "desktop notification not shown:" << finished->error().message();
                    return;
                }
                if (withAction)
                    m_withAction.insert(QDBusPendingReply<uint>(*finished).value());
            });
}

void DesktopNotifier::listenForActions()
{
    if (m_listening)
        return;
    m_listening = QDBusConnection::sessionBus().connect(
            QLatin1StringView(service), QLatin1StringView(path), QLatin1StringView(service),
            QStringLiteral("ActionInvoked"), this, SLOT(handleActionInvoked(uint, QString)));
}

void DesktopNotifier::handleActionInvoked(uint id, const QString &action)
{
    // The server tells every client of every action: only ours count.
    if (m_withAction.contains(id) && action == QLatin1StringView(defaultAction))
        Q_EMIT defaultActionInvoked();
}

} // namespace imsa::app
