#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QTimer>

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

class DesktopNotifier;

/// Watches the active profile's MFA session and tells when it is about to end and when it has
/// ended: a signal for the tray, a log line always, and, when switched on, a desktop
/// notification, so that the headless app warns as well. Holds no widget; the broker and an
/// injected clock drive it.
///
/// A session "ends" when the broker stops using it (CredentialBroker::minServeSeconds before
/// AWS's expiry): from then on a new MFA code is needed.
class SessionNotifier final : public QObject
{
    Q_OBJECT

public:
    /// How long before the end the warning comes.
    static constexpr int leadSeconds = 10 * 60;

    SessionNotifier(CredentialBroker &broker, Clock &clock, QObject *parent = nullptr);

    /// Also show both events as desktop notifications where a session D-Bus is. Off by
    /// default; the headless app turns them on, the tray off again while it shows its own.
    void setDesktopNotifications(bool enabled);

    bool hasDesktopNotifications() const { return m_desktop != nullptr; }

Q_SIGNALS:
    /// leadSeconds or less before `sessionEnd`: once per session.
    void sessionEndingSoon(const QString &profile, const QDateTime &sessionEnd);
    /// The watched session reached its end. A session forgotten before (logout) or one of a
    /// profile no longer active is not announced.
    void sessionEnded(const QString &profile);

private:
    void check();
    void warn(const QDateTime &now);
    void announceEnd();

    CredentialBroker &m_broker;
    Clock &m_clock;
    QTimer m_timer;
    QString m_profile; ///< whose session is watched
    QDateTime m_end; ///< the watched session's end; invalid: none is watched
    QDateTime m_warnedEnd; ///< the session end already warned about
    DesktopNotifier *m_desktop = nullptr;
};

} // namespace imsa::app
