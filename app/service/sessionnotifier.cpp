#include "sessionnotifier.h"

#include <algorithm>
#include <chrono>

#include "desktopnotifier.h"
#include "imsa/clock.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/usertext.h"

namespace imsa::app {

namespace {

/// QTimer counts in int milliseconds (24 days); AWS sessions last at most 36 h, and looking
/// again once a day costs nothing.
constexpr qint64 maxWaitMsecs = 24 * 3600 * 1000;

} // namespace

SessionNotifier::SessionNotifier(CredentialBroker &broker, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_clock(clock)
{
    m_timer.setSingleShot(true);
    // A coarse timer may fire 5 % off: minutes late, for a wait of hours.
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &SessionNotifier::check);
    // QTimer's clock stands still while the machine sleeps: after a resume (or a test moving
    // the clock) the timer is wrong, and this is what sets it again.
    connect(&m_clock, &Clock::jumped, this, &SessionNotifier::check);
    connect(&m_broker, &CredentialBroker::statusChanged, this, &SessionNotifier::check);
    connect(&m_broker, &CredentialBroker::credentialsChanged, this, &SessionNotifier::check);
    connect(&m_broker, &CredentialBroker::activeProfileChanged, this, &SessionNotifier::check);
    check();
}

void SessionNotifier::setDesktopNotifications(bool enabled)
{
    if (enabled == hasDesktopNotifications())
        return;
    if (enabled) {
        m_desktop = new DesktopNotifier(this);
    } else {
        delete m_desktop;
        m_desktop = nullptr;
    }
}

void SessionNotifier::check()
{
    const QDateTime now = m_clock.now();
    if (m_end.isValid() && now >= m_end) {
        announceEnd();
        m_end = {};
    }
    const QString active = m_broker.activeProfile();
    const QDateTime expiration = m_broker.status(active).mfaSessionExpiration;
    const QDateTime end = expiration.isValid()
            ? expiration.addSecs(-CredentialBroker::minServeSeconds)
            : QDateTime();
    // A session that goes away before its end was forgotten on purpose (logout), and one of
    // another profile is not the user's concern: neither is announced.
    if (!end.isValid() || end <= now) {
        m_end = {};
        m_timer.stop();
        return;
    }
    m_profile = active;
    m_end = end;
    const QDateTime warnAt = end.addSecs(-leadSeconds);
    if (now >= warnAt && m_warnedEnd != end) {
        m_warnedEnd = end;
        warn(now);
    }
    const QDateTime next = m_warnedEnd == end ? end : warnAt;
    m_timer.start(std::chrono::milliseconds(std::min(now.msecsTo(next), maxWaitMsecs)));
}

void SessionNotifier::warn(const QDateTime &now)
{
    // The log and a desktop without the tray get English: the tray shows its own, translated.
    const QString left = countdownText(now, m_end, TextLanguage::English);
    qCWarning(lcApp).noquote() << QStringLiteral("the MFA session of %1 ends in %2, at %3")
                                          .arg(m_profile, left, m_end.toString(Qt::ISODate));
    if (m_desktop)
        m_desktop->show(sessionEndingSoonTitle(TextLanguage::English),
                        QStringLiteral("The MFA session of %1 ends in %2 (%3). Then imsa "
                                       "needs a new MFA code.")
                                .arg(m_profile, left,
                                     m_end.toLocalTime().toString(QStringLiteral("HH:mm"))),
                        DesktopNotifier::Urgency::Normal);
    Q_EMIT sessionEndingSoon(m_profile, m_end);
}

void SessionNotifier::announceEnd()
{
    const QString message =
            QStringLiteral("the MFA session of %1 ended; a new MFA code is needed").arg(m_profile);
    qCWarning(lcApp).noquote() << message;
    if (m_desktop)
        m_desktop->show(sessionEndedTitle(TextLanguage::English),
                        QStringLiteral("%1 needs a new MFA code.").arg(m_profile),
                        DesktopNotifier::Urgency::Critical);
    Q_EMIT sessionEnded(m_profile);
}

} // namespace imsa::app
