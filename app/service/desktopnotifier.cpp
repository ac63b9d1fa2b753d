#include "desktopnotifier.h"

#include <QDBusConnection>
#include <QDBusError>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
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

void DesktopNotifier::show(const QString &summary, const QString &body, Urgency urgency)
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
    call << QStringLiteral("imsa") << replacesNone << QStringLiteral("dialog-password") << summary
         << body << QStringList() << hints << serverDefaultTimeout;
    auto *watcher = new QDBusPendingCallWatcher(bus.asyncCall(call), this);
    connect(watcher, &QDBusPendingCallWatcher::finished, this,
            [](QDBusPendingCallWatcher *finished) {
                finished->deleteLater();
                // A session without a notification server: the log has the message anyway.
                if (finished->isError())
                    qCInfo(lcApp).noquote()
                            << "desktop notification not shown:" << finished->error().message();
            });
}

} // namespace imsa::app
