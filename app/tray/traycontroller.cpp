#include "traycontroller.h"

#include <chrono>
#include <optional>

#include <QHash>

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/usertext.h"
#include "platform/autostart.h"
#include "platform/shellquote.h"
#include "statustext.h"

namespace imsa::tray {

namespace {

constexpr qint64 minuteMsecs = 60 * 1000;

/// A copy: the broker hands out its profile list by value.
std::optional<Profile> findProfile(const QList<Profile> &profiles, const QString &name)
{
    for (const Profile &profile : profiles) {
        if (profile.name == name)
            return profile;
    }
    return std::nullopt;
}

MenuEntry makeEntry(MenuEntry::Kind kind, const QString &text = {},
                    MenuEntry::Action action = MenuEntry::Action::None)
{
    MenuEntry entry;
    entry.kind = kind;
    entry.text = text;
    entry.action = action;
    return entry;
}

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

TrayController::TrayController(CredentialBroker &broker, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_clock(clock)
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
    connect(&m_broker, &CredentialBroker::credentialsChanged, this, &TrayController::refresh);
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
                const Profile settings =
                        findProfile(m_broker.profiles(), profile).value_or(Profile{});
                Q_EMIT mfaCodeRejected(profile, stsErrorText(error, settings, TextLanguage::User));
                refresh();
            });
    connect(&m_broker, &CredentialBroker::mfaSatisfied, this, [this](const QString &profile) {
        Q_EMIT mfaSatisfied(profile);
        refresh();
    });
    refresh();
}

TrayController::Snapshot TrayController::snapshot() const
{
    Snapshot snapshot;
    snapshot.active = m_broker.activeProfile();
    if (snapshot.active.isEmpty())
        return snapshot;
    snapshot.profile = findProfile(m_broker.profiles(), snapshot.active).value_or(Profile{});
    snapshot.status = m_broker.status(snapshot.active);
    if (snapshot.status.mfaSessionExpiration.isValid())
        snapshot.sessionEnd =
                snapshot.status.mfaSessionExpiration.addSecs(-CredentialBroker::minServeSeconds);
    if (snapshot.status.credentialsExpiration.isValid())
        snapshot.credentialsEnd =
                snapshot.status.credentialsExpiration.addSecs(-CredentialBroker::minServeSeconds);
    return snapshot;
}

QStringList TrayController::statusParts(const Snapshot &state) const
{
    if (state.active.isEmpty())
        return {tr("no active profile")};
    const QDateTime now = m_clock.now();
    QStringList parts{StatusText::profileLabel(state.profile)};
    const Profile &profile = state.profile;
    switch (state.status.state) {
    case ProfileState::Inactive:
        parts << tr("inactive");
        break;
    case ProfileState::NeedsMfa:
        parts << tr("MFA code needed");
        break;
    case ProfileState::Fetching:
        parts << tr("getting credentials…");
        break;
    case ProfileState::Failed:
        parts << (state.status.lastError
                          ? stsErrorText(*state.status.lastError, profile, TextLanguage::User)
                          : tr("failed"));
        break;
    case ProfileState::Ready:
        // Without MFA, or with a role on a live session, the broker renews on its own; a base
        // profile with MFA serves the session itself, which only a new code extends.
        if (!profile.needsMfa() || (profile.hasRole() && state.sessionEnd.isValid()))
            parts << tr("credentials renew automatically");
        if (state.status.lastError)
            parts << tr("renewal failed, retrying");
        if (state.sessionEnd.isValid())
            parts << tr("MFA session ends in %1")
                             .arg(countdownText(now, state.sessionEnd, TextLanguage::User));
        else if (profile.needsMfa() && state.credentialsEnd.isValid())
            parts << tr("MFA session ended, credentials valid for %1")
                             .arg(countdownText(now, state.credentialsEnd, TextLanguage::User));
        break;
    }
    return parts;
}

QString TrayController::statusText() const
{
    const Snapshot state = snapshot();
    if (state.active.isEmpty())
        return tr("No active profile");
    return statusParts(state).join(QStringLiteral(" · "));
}

QString TrayController::toolTip() const
{
    return tr("imsa — %1").arg(statusParts(snapshot()).join(QStringLiteral(" · ")));
}

IconState TrayController::iconState() const
{
    const Snapshot state = snapshot();
    if (state.active.isEmpty())
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
        || m_clock.now().secsTo(state.sessionEnd) <= warnBeforeSessionEndSeconds)
        return IconState::Expiring;
    return IconState::Active;
}

QList<MenuEntry> TrayController::profileEntries() const
{
    using Kind = MenuEntry::Kind;
    const QList<Profile> profiles = m_broker.profiles();
    const QString active = m_broker.activeProfile();
    const auto entryFor = [&active](const Profile &profile) {
        MenuEntry entry = makeEntry(Kind::Profile, profile.name);
        entry.profile = profile.name;
        entry.hint = profile.roleArn;
        entry.checkable = true;
        entry.checked = profile.name == active;
        return entry;
    };
    QList<MenuEntry> entries;
    if (profiles.isEmpty()) {
        MenuEntry none =
                makeEntry(Kind::Action, tr("No profiles: add them to ~/.imsa or ~/.aws/config"));
        none.enabled = false;
        return {none};
    }
    if (profiles.size() <= groupAbove) {
        for (const Profile &profile : profiles)
            entries.append(entryFor(profile));
        return entries;
    }
    // Many profiles: one section per base identity (same keys, same MFA device), in the order
    // the identities first appear, so the profiles one MFA code unlocks stand together.
    QStringList identities;
    QHash<QString, QList<const Profile *>> members;
    QHash<QString, int> keyProfileUses;
    for (const Profile &profile : profiles) {
        const QString identity = profile.baseIdentity();
        if (!members.contains(identity)) {
            identities.append(identity);
            ++keyProfileUses[profile.keyProfile];
        }
        members[identity].append(&profile);
    }
    for (const QString &identity : std::as_const(identities)) {
        const Profile &first = *members.value(identity).constFirst();
        QString heading = first.keyProfile;
        if (keyProfileUses.value(first.keyProfile) > 1 && first.needsMfa())
            heading = tr("%1 (MFA %2)")
                              .arg(first.keyProfile, first.mfaSerial.section(QLatin1Char('/'), -1));
        entries.append(makeEntry(Kind::Section, heading));
        for (const Profile *profile : members.value(identity))
            entries.append(entryFor(*profile));
    }
    return entries;
}

QList<MenuEntry> TrayController::menuEntries() const
{
    using Kind = MenuEntry::Kind;
    using Action = MenuEntry::Action;
    const bool hasActive = !m_broker.activeProfile().isEmpty();
    const auto action = [](const QString &text, Action id, bool enabled) {
        MenuEntry entry = makeEntry(Kind::Action, text, id);
        entry.enabled = enabled;
        return entry;
    };
    const MenuEntry separator = makeEntry(Kind::Separator);

    QList<MenuEntry> entries;
    MenuEntry status = makeEntry(Kind::Status, statusText());
    status.enabled = false;
    entries << status << separator << profileEntries() << separator;
    entries << action(tr("Renew now"), Action::RenewNow, hasActive)
            << action(tr("Copy export command"), Action::CopyExport, hasActive)
            << action(tr("Copy env command"), Action::CopyEnv, hasActive)
            << action(tr("Forget MFA session"), Action::ForgetMfa, !m_broker.profiles().isEmpty())
            << separator << action(tr("Profiles and keys…"), Action::ProfilesWindow, true);
    MenuEntry login = action(tr("Start at login"), Action::StartAtLogin, true);
    login.checkable = true;
    login.checked = app::isAutostartEnabled();
    entries << login << separator << action(tr("Quit"), Action::Quit, true);
    return entries;
}

void TrayController::setWarnings(const QStringList &warnings)
{
    for (const QString &warning : warnings) {
        if (!m_warnings.contains(warning))
            notify({tr("imsa needs your attention"), warning, Notification::Severity::Warning, {}});
    }
    m_warnings = warnings;
}

void TrayController::activateProfile(const QString &profile)
{
    if (!m_broker.setActiveProfile(profile))
        return;
    Q_EMIT activeProfileChosen(profile);
    refresh();
}

void TrayController::trigger(MenuEntry::Action action)
{
    const QString active = m_broker.activeProfile();
    switch (action) {
    case MenuEntry::Action::None:
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
    case MenuEntry::Action::ForgetMfa:
        m_broker.logout();
        break;
    case MenuEntry::Action::ProfilesWindow:
        Q_EMIT profilesWindowRequested();
        break;
    case MenuEntry::Action::StartAtLogin: {
        const auto done = app::setAutostartEnabled(!app::isAutostartEnabled());
        if (!done)
            notify({tr("Start at login"),
                    done.error().message,
                    Notification::Severity::Warning,
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
}

QString TrayController::mfaSerial(const QString &profile) const
{
    return findProfile(m_broker.profiles(), profile).value_or(Profile{}).mfaSerial;
}

void TrayController::refresh()
{
    const Snapshot state = snapshot();
    checkSessionEnd(state);
    scheduleTick(state);
    Q_EMIT changed();
}

void TrayController::checkSessionEnd(const Snapshot &state)
{
    const QDateTime now = m_clock.now();
    if (m_watchedSessionEnd.isValid() && now >= m_watchedSessionEnd) {
        notify({tr("MFA session ended"),
                tr("%1 needs a new MFA code. Click to renew.").arg(m_watchedProfile),
                Notification::Severity::Warning, m_watchedProfile});
        m_watchedSessionEnd = {};
    }
    // A session that goes away before its end was forgotten on purpose (logout), and one of
    // another profile is not the user's concern: neither is announced.
    if (!state.sessionEnd.isValid() || state.sessionEnd <= now) {
        m_watchedSessionEnd = {};
        return;
    }
    m_watchedProfile = state.active;
    m_watchedSessionEnd = state.sessionEnd;
    if (now.secsTo(state.sessionEnd) <= warnBeforeSessionEndSeconds
        && m_warnedSessionEnd != state.sessionEnd) {
        m_warnedSessionEnd = state.sessionEnd;
        notify({tr("MFA session ends soon"),
                tr("The MFA session of %1 ends in %2. Click to renew it now.")
                        .arg(state.active,
                             countdownText(now, state.sessionEnd, TextLanguage::User)),
                Notification::Severity::Information, state.active});
    }
}

void TrayController::scheduleTick(const Snapshot &state)
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
    if (state.sessionEnd.isValid()) {
        const qint64 warnIn =
                now.msecsTo(state.sessionEnd) - qint64(warnBeforeSessionEndSeconds) * 1000;
        if (warnIn > 0)
            wait = std::min(wait, warnIn);
    }
    m_tick.start(std::chrono::milliseconds(wait));
}

void TrayController::handleRefreshFailed(const QString &profile, const StsError &error)
{
    refresh();
    // Transient failures are retried every few seconds: one message per failure streak.
    if (m_failing.contains(profile))
        return;
    m_failing.insert(profile);
    const Profile settings = findProfile(m_broker.profiles(), profile).value_or(Profile{});
    notify({tr("Could not renew the credentials of %1").arg(profile),
            stsErrorText(error, settings, TextLanguage::User),
            Notification::Severity::Warning,
            {}});
}

void TrayController::notify(Notification notification)
{
    qCInfo(lcTray).noquote() << "notification:" << notification.title;
    m_lastNotification = notification;
    Q_EMIT notificationRequested(notification);
}

} // namespace imsa::tray
