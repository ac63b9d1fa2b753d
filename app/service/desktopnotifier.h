#pragma once

#include <QObject>
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

    /// Sends the notification without waiting for the server; without a session bus, nothing.
    void show(const QString &summary, const QString &body, Urgency urgency);
};

} // namespace imsa::app
