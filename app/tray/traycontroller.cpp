#include "traycontroller.h"

#include <chrono>

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/usertext.h"
#include "platform/autostart.h"
#include "platform/shellquote.h"
#include "service/sessionnotifier.h"

namespace imsa::tray {

namespace {

constexpr qint64 minuteMsecs = 60 * 1000;

/// Milliseconds until a "N min" countdown to `target` shows the next number.
qint64 msecsToNextMinute(const QDateTime &now, const QDateTime &target)
{
    const qint64 left = now.msecsTo(target);
    if (left <= 0)
        return -1;
    const qint64 rest = left % minuteMsecs;
    return rest == 0 ? minuteMsecs : rest;
}

} // namespace

TrayController::TrayController(CredentialBroker &broker, Clock &clock,
                               app::SessionNotifier &sessionNotifier, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_clock(clock)
    , m_sessionNotifier(sessionNotifier)
    , m_model(broker, clock)
{
    m_tick.setSingleShot(true);
    // Minute boundaries of a countdown deserve the precise timer: coarse ones fire up to 5 %
    // early, which would show a minute twice.
    m_tick.setTimerType(Qt::PreciseTimer);
    connect(&m_tick, &QTimer::timeout, this, &TrayController::refresh);
    connect(&m_clock, &Clock::jumped, this, &TrayController::refresh);
    connect(&m_broker, &CredentialBroker::statusChanged, this, [this](const QString &profile) {
        if (!m_broker.status(profile).lastError)
            m_failing.remove(profile);
        refresh();
    });
    connect(&m_broker, &CredentialBroker::credentialsChanged, this, [this](const QString &profile) {
        if (profile == m_chosenSsoProfile)
            m_chosenSsoProfile.clear();
        refresh();
    });
    // `imsa assume` in a terminal switches profiles too; the menu and icon follow at once.
    connect(&m_broker, &CredentialBroker::activeProfileChanged, this, &TrayController::refresh);
    connect(&m_broker, &CredentialBroker::refreshFailed, this,
            &TrayController::handleRefreshFailed);
    connect(&m_broker, &CredentialBroker::mfaRequired, this,
            [this](const QString &profile, const QString &serial) {
                Q_EMIT mfaDialogRequested(profile, serial);
                refresh();
            });
    connect(&m_broker, &CredentialBroker::mfaCodeRejected, this,
            [this](const QString &profile, const StsError &error) {
                Q_EMIT mfaCodeRejected(
                        profile, stsErrorText(error, m_model.profile(profile), TextLanguage::User));
                refresh();
            });
    connect(&m_broker, &CredentialBroker::mfaSatisfied, this, [this](const QString &profile) {
        Q_EMIT mfaSatisfied(profile);
        refresh();
    });
    connect(&m_sessionNotifier, &app::SessionNotifier::sessionEndingSoon, this,
            [this](const QString &profile, const QDateTime &sessionEnd) {
                notify({sessionEndingSoonTitle(TextLanguage::User),
                        tr("The MFA session of %1 ends in %2. Click to renew it now.")
                                .arg(profile,
                                     countdownText(m_clock.now(), sessionEnd, TextLanguage::User)),
                        Notification::Severity::Information,
                        profile,
                        {}});
                refresh();
            });
    connect(&m_sessionNotifier, &app::SessionNotifier::sessionEnded, this,
            [this](const QString &profile) {
                notify({sessionEndedTitle(TextLanguage::User),
                        tr("%1 needs a new MFA code. Click to renew.").arg(profile),
                        Notification::Severity::Warning,
                        profile,
                        {}});
            });
    refresh();
}

QString TrayController::statusText() const
{
    return m_model.statusText();
}

QString TrayController::toolTip() const
{
    return tr("imsa — %1").arg(m_model.statusParts(m_model.active()).join(QStringLiteral(" · ")));
}

IconState TrayController::iconState() const
{
    const MenuModel::Active state = m_model.active();
    if (state.name.isEmpty())
        return IconState::Idle;
    switch (state.status.state) {
    case ProfileState::NeedsMfa:
        return IconState::NeedsMfa;
    case ProfileState::Failed:
        return IconState::Error;
    case ProfileState::Inactive:
        return IconState::Idle;
    case ProfileState::Fetching:
        return IconState::Active;
    case ProfileState::Ready:
        break;
    }
    if (!state.profile.needsMfa())
        return IconState::Active;
    if (!state.sessionEnd.isValid()
        || m_clock.now().secsTo(state.sessionEnd) <= app::SessionNotifier::leadSeconds)
        return IconState::Expiring;
    return IconState::Active;
}

QList<MenuEntry> TrayController::menuEntries() const
{
    return m_model.entries();
}

void TrayController::setWarnings(const QStringList &warnings)
{
    for (const QString &warning : warnings) {
        if (!m_warnings.contains(warning))
            notify({tr("imsa needs your attention"),
                    warning,
                    Notification::Severity::Warning,
                    {},
                    {}});
    }
    m_warnings = warnings;
}

void TrayController::activateProfile(const QString &profile)
{
    if (!m_broker.setActiveProfile(profile))
        return;
    m_chosenSsoProfile = m_model.profile(profile).usesSso() ? profile : QString();
    Q_EMIT activeProfileChosen(profile);
    refresh();
}

void TrayController::setHasSsoSignIns(bool has)
{
    m_model.setHasSsoSignIns(has);
    refresh();
}

void TrayController::trigger(MenuEntry::Action action)
{
    const QString active = m_broker.activeProfile();
    switch (action) {
    case MenuEntry::Action::None:
        return;
    case MenuEntry::Action::SsoSignIn:
        if (!active.isEmpty())
            Q_EMIT ssoSignInRequested(active);
        return;
    case MenuEntry::Action::AccountPicker:
        Q_EMIT accountPickerRequested();
        return;
    case MenuEntry::Action::RenewNow:
        if (!active.isEmpty())
            m_broker.renew(active);
        break;
    case MenuEntry::Action::CopyExport:
        if (!active.isEmpty())
            Q_EMIT copyRequested(
                    QStringLiteral("eval \"$(imsa export %1)\"").arg(cli::shQuoted(active)));
        break;
    case MenuEntry::Action::CopyEnv:
        if (!active.isEmpty())
            Q_EMIT copyRequested(
                    QStringLiteral("eval \"$(imsa env %1)\"").arg(cli::shQuoted(active)));
        break;
    case MenuEntry::Action::OpenConsole:
        if (!active.isEmpty())
            Q_EMIT consoleRequested(active);
        break;
    case MenuEntry::Action::ForgetMfa:
        m_broker.logout();
        break;
    case MenuEntry::Action::ProfilesWindow:
        Q_EMIT profilesWindowRequested();
        break;
    case MenuEntry::Action::RecentUse:
        Q_EMIT recentUseRequested();
        break;
    case MenuEntry::Action::StartAtLogin: {
        const auto done = app::setAutostartEnabled(!app::isAutostartEnabled());
        if (!done)
            notify({tr("Start at login"),
                    done.error().message,
                    Notification::Severity::Warning,
                    {},
                    {}});
        break;
    }
    case MenuEntry::Action::Quit:
        Q_EMIT quitRequested();
        return;
    }
    refresh();
}

void TrayController::submitMfaCode(const QString &profile, const QString &code)
{
    m_broker.submitMfaCode(profile, code);
}

void TrayController::cancelMfa(const QString &profile)
{
    m_broker.cancelMfa(profile);
}

void TrayController::handleMessageClicked()
{
    const QString profile = m_lastNotification.mfaProfile;
    if (!profile.isEmpty())
        Q_EMIT mfaDialogRequested(profile, mfaSerial(profile));
    if (!m_lastNotification.ssoProfile.isEmpty())
        Q_EMIT ssoSignInRequested(m_lastNotification.ssoProfile);
}

void TrayController::showConsoleFailure(const QString &profile, const QString &message)
{
    notify({tr("Could not open the AWS console as %1").arg(profile),
            message,
            Notification::Severity::Warning,
            {},
            {}});
}

QString TrayController::mfaSerial(const QString &profile) const
{
    return m_model.profile(profile).mfaSerial;
}

void TrayController::refresh()
{
    scheduleTick(m_model.active());
    Q_EMIT changed();
}

void TrayController::scheduleTick(const MenuModel::Active &state)
{
    const QDateTime now = m_clock.now();
    // At least once a minute: QTimer runs on a monotonic clock that stands still while the
    // machine sleeps, so after a resume this is what brings the countdown back in line.
    qint64 wait = minuteMsecs;
    for (const QDateTime &target : {state.sessionEnd, state.credentialsEnd}) {
        const qint64 next = target.isValid() ? msecsToNextMinute(now, target) : -1;
        if (next > 0)
            wait = std::min(wait, next);
    }
    m_tick.start(std::chrono::milliseconds(wait));
}

void TrayController::handleRefreshFailed(const QString &profile, const StsError &error)
{
    refresh();
    const bool signInNeeded =
            error.code == StsErrorCode::SignInNeeded && m_model.profile(profile).usesSso();
    if (signInNeeded && profile == m_chosenSsoProfile) {
        // The user picked it from the menu a moment ago: answer the click with the sign-in.
        m_chosenSsoProfile.clear();
        m_failing.insert(profile);
        Q_EMIT ssoSignInRequested(profile);
        return;
    }
    // Transient failures are retried every few seconds, and a missing sign-in stays missing
    // until the user signs in: one message per failure streak.
    if (m_failing.contains(profile))
        return;
    m_failing.insert(profile);
    Notification notification{tr("Could not renew the credentials of %1").arg(profile),
                              stsErrorText(error, m_model.profile(profile), TextLanguage::User),
                              Notification::Severity::Warning,
                              {},
                              {}};
    if (signInNeeded) {
        notification.title = tr("Sign-in needed for %1").arg(profile);
        notification.ssoProfile = profile;
    }
    notify(notification);
}

void TrayController::notify(const Notification &notification)
{
    qCInfo(lcTray).noquote() << "notification:" << notification.title;
    m_lastNotification = notification;
    Q_EMIT notificationRequested(notification);
}

} // namespace imsa::tray
