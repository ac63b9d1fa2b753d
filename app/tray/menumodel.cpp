#include "menumodel.h"

#include <QHash>

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"
#include "imsa/usertext.h"
#include "platform/autostart.h"
#include "statustext.h"

namespace imsa::tray {

namespace {

MenuEntry makeEntry(MenuEntry::Kind kind, const QString &text = {},
                    MenuEntry::Action action = MenuEntry::Action::None)
{
    MenuEntry entry;
    entry.kind = kind;
    entry.text = text;
    entry.action = action;
    return entry;
}

} // namespace

MenuModel::MenuModel(const CredentialBroker &broker, const Clock &clock)
    : m_broker(broker)
    , m_clock(clock)
{ }

Profile MenuModel::profile(const QString &name) const
{
    const QList<Profile> profiles = m_broker.profiles();
    for (const Profile &candidate : profiles) {
        if (candidate.name == name)
            return candidate;
    }
    return {};
}

/// The accounts and roles IAM Identity Center lists can be hundreds: beyond a short menu they
/// are for the picker, and only the active one stays in the menu.
QList<Profile> MenuModel::menuProfiles(const QList<Profile> &profiles, const QString &active)
{
    if (profiles.size() <= groupAbove)
        return profiles;
    QList<Profile> shown;
    for (const Profile &profile : profiles) {
        if (profile.source != ProfileSource::IdentityCenter || profile.name == active)
            shown.append(profile);
    }
    return shown;
}

MenuModel::Active MenuModel::active() const
{
    Active state;
    state.name = m_broker.activeProfile();
    if (state.name.isEmpty())
        return state;
    state.profile = profile(state.name);
    state.status = m_broker.status(state.name);
    if (state.status.mfaSessionExpiration.isValid())
        state.sessionEnd =
                state.status.mfaSessionExpiration.addSecs(-CredentialBroker::minServeSeconds);
    if (state.status.credentialsExpiration.isValid())
        state.credentialsEnd =
                state.status.credentialsExpiration.addSecs(-CredentialBroker::minServeSeconds);
    return state;
}

QStringList MenuModel::statusParts(const Active &state) const
{
    if (state.name.isEmpty())
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

QString MenuModel::statusText() const
{
    const Active state = active();
    if (state.name.isEmpty())
        return tr("No active profile");
    return statusParts(state).join(QStringLiteral(" · "));
}

QList<MenuEntry> MenuModel::profileEntries() const
{
    using Kind = MenuEntry::Kind;
    const QString active = m_broker.activeProfile();
    const QList<Profile> profiles = menuProfiles(m_broker.profiles(), active);
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

/// Only a sign-in the broker asked for: for a Ready profile a new one changes nothing, and for
/// another failure (a role that was removed, no network) it would not help; the status line
/// says what would.
bool MenuModel::needsSsoSignIn(const Active &state) const
{
    return state.profile.usesSso() && state.status.state == ProfileState::Failed
            && state.status.lastError && state.status.lastError->code == StsErrorCode::SignInNeeded;
}

QList<MenuEntry> MenuModel::entries() const
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
    if (needsSsoSignIn(active()))
        entries << action(tr("Sign in to IAM Identity Center…"), Action::SsoSignIn, true);
    if (m_hasSsoSignIns)
        entries << action(tr("Accounts and roles…"), Action::AccountPicker, true);
    entries << action(tr("Renew now"), Action::RenewNow, hasActive)
            << action(tr("Copy export command"), Action::CopyExport, hasActive)
            << action(tr("Copy env command"), Action::CopyEnv, hasActive)
            // AWS signs in only role credentials: no console for a profile without a role.
            << action(tr("Open AWS console"), Action::OpenConsole,
                      hasActive && profile(m_broker.activeProfile()).hasRole())
            << action(tr("Forget MFA session"), Action::ForgetMfa, !m_broker.profiles().isEmpty())
            << separator << action(tr("Profiles and keys…"), Action::ProfilesWindow, true)
            << action(tr("Recent use…"), Action::RecentUse, true);
    MenuEntry login = action(tr("Start at login"), Action::StartAtLogin, true);
    login.checkable = true;
    login.checked = app::isAutostartEnabled();
    entries << login << separator << action(tr("Quit"), Action::Quit, true);
    return entries;
}

} // namespace imsa::tray
