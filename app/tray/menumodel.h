#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/profile.h"
#include "imsa/profilestatus.h"

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::tray {

/// One line of the tray menu, as data: the menu widget only draws these.
struct MenuEntry
{
    enum class Kind {
        Status, ///< the disabled first line: active profile and countdown
        Section, ///< a heading above the profiles of one base identity
        Profile, ///< a radio item
        Separator,
        Action
    };
    enum class Action {
        None,
        SsoSignIn, ///< the active profile's IAM Identity Center session needs a sign-in
        AccountPicker, ///< the accounts and roles of the IAM Identity Center sign-ins
        RenewNow,
        CopyExport,
        CopyEnv,
        OpenConsole,
        ForgetMfa,
        ProfilesWindow,
        RecentUse, ///< the programs that took each profile's credentials (access log)
        StartAtLogin,
        Quit
    };

    Kind kind = Kind::Action;
    QString text;
    Action action = Action::None;
    QString profile; ///< for Profile entries
    QString hint; ///< a tooltip (the role ARN of a profile)
    bool enabled = true;
    bool checkable = false;
    bool checked = false;

    friend bool operator==(const MenuEntry &, const MenuEntry &) = default;
};

/// The tray menu as data, worked out from the broker and the clock at each call: the status
/// line (active profile, its state and countdown), the profiles with the active one checked,
/// and the actions, enabled where they apply. No widget: ProfileMenu draws it.
///
/// The countdown is to the moment the broker stops using the MFA session
/// (CredentialBroker::minServeSeconds before AWS's expiry): that is when a new code is needed.
class MenuModel
{
    // The menu's words keep the context the translation catalogues file them under.
    Q_DECLARE_TR_FUNCTIONS(imsa::tray::TrayController)

public:
    /// Above this many profiles the menu groups them under their base identity.
    static constexpr int groupAbove = 8;

    /// The active profile as the menu and the icon see it.
    struct Active
    {
        QString name; ///< empty: no active profile
        Profile profile;
        ProfileStatus status;
        QDateTime sessionEnd; ///< when the broker stops using the MFA session; invalid: none
        QDateTime credentialsEnd; ///< when the credentials stop being served; invalid: none
    };

    MenuModel(const CredentialBroker &broker, const Clock &clock);

    /// Whether the files name an IAM Identity Center sign-in: the menu offers the accounts.
    void setHasSsoSignIns(bool has) { m_hasSsoSignIns = has; }

    Active active() const;
    /// The settings of profile `name`; empty when there is none.
    Profile profile(const QString &name) const;
    QList<MenuEntry> entries() const;
    /// The first menu line, e.g. "prod (role Admin) · MFA session ends in 3 h 12 min".
    QString statusText() const;
    /// The parts of the status line, for the tooltip too: "no active profile" alone when none.
    QStringList statusParts(const Active &active) const;

private:
    static QList<Profile> menuProfiles(const QList<Profile> &profiles, const QString &active);
    QList<MenuEntry> profileEntries() const;
    bool needsSsoSignIn(const Active &active) const;

    const CredentialBroker &m_broker;
    const Clock &m_clock;
    bool m_hasSsoSignIns = false;
};

} // namespace imsa::tray
