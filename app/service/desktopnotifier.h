#pragma once

#include <QObject>
#include <QSet>
#include <QString>

namespace imsa::app {

/// Shows notifications through org.freedesktop.Notifications on the session D-Bus (Desktop
/// Notifications Specification 1.2), which every Linux desktop serves. Where no session bus is
/// (an SSH login, a server) it shows nothing; callers log what they have to say anyway.
class DesktopNotifier final : public QObject
{
    Q_OBJECT

public:
    static constexpr const char *service = "org.freedesktop.Notifications";
    static constexpr const char *path = "/org/freedesktop/Notifications";

    /// The specification's urgency levels: critical ones stay until dismissed.
    enum class Urgency : uchar {
        Low = 0,
        Normal = 1,
        Critical = 2
    };

    using QObject::QObject;

    /// The action a click on the notification invokes (the specification's "default"; dunst
    /// runs it on a middle click, GNOME and KDE on a click).
    static constexpr const char *defaultAction = "default";

    /// Sends the notification without waiting for the server; without a session bus, nothing.
    /// `actionLabel` non-empty: the notification offers defaultAction under that label, and
    /// defaultActionInvoked() tells when the user took it.
    void show(const QString &summary, const QString &body, Urgency urgency,
              const QString &actionLabel = {});

    /// Whether a notification server is on the session bus or can be started by it.
    static bool hasServer();

Q_SIGNALS:
    /// The user took the action of a notification sent with an action label.
    void defaultActionInvoked();

private Q_SLOTS:
    // A slot by name: QDBusConnection::connect has no overload for functions in Qt 6.4.
    void handleActionInvoked(uint id, const QString &action);

private:
    void listenForActions();

    QSet<uint> m_withAction; ///< ids of the notifications sent with an action
    bool m_listening = false;
};

} // namespace imsa::app
