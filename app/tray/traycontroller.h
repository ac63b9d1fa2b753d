#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "imsa/profile.h"
#include "imsa/profilestatus.h"
#include "imsa/stserror.h"

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::tray {

/// What the tray icon shows.
enum class IconState {
    Idle, ///< no active profile
    Active, ///< credentials are served (or being fetched) and nothing needs the user
    Expiring, ///< less than ten minutes of MFA session left, or the session is gone
    NeedsMfa, ///< waiting for an MFA code
    Error ///< the active profile failed and has nothing to serve
};

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
        RenewNow,
        CopyExport,
        CopyEnv,
        ForgetMfa,
        ProfilesWindow,
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

/// A tray message. A click on one that names a profile opens its MFA dialog.
struct Notification
{
    enum class Severity {
        Information,
        Warning,
        Critical
    };

    QString title;
    QString message;
    Severity severity = Severity::Information;
    QString mfaProfile; ///< non-empty: "click to renew"
};

/// The tray's model and controller: turns the broker's state and the clock into menu entries,
/// tooltip, icon state and notifications, and carries out what the user picks. Holds no
/// widget, so tests drive it with a FakeClock and a broker on a fake STS.
///
/// The countdown is to the moment the broker stops using the MFA session
/// (CredentialBroker::minServeSeconds before AWS's expiry): that is when a new code is needed.
class TrayController final : public QObject
{
    Q_OBJECT

public:
    /// Above this many profiles the menu groups them under their base identity.
    static constexpr int groupAbove = 8;
    static constexpr int warnBeforeSessionEndSeconds = 10 * 60;

    TrayController(CredentialBroker &broker, Clock &clock, QObject *parent = nullptr);

    QList<MenuEntry> menuEntries() const;
    QString toolTip() const;
    IconState iconState() const;
    /// The first menu line, e.g. "prod (role Admin) · MFA session ends in 3 h 12 min".
    QString statusText() const;

    /// Helper and key-store problems from the service; new ones become notifications.
    void setWarnings(const QStringList &warnings);

    void activateProfile(const QString &profile);
    void trigger(MenuEntry::Action action);
    void submitMfaCode(const QString &profile, const QString &code);
    void cancelMfa(const QString &profile);
    /// The user clicked the last notification.
    void handleMessageClicked();
    /// The MFA device of a profile, for the dialog; empty when unknown.
    QString mfaSerial(const QString &profile) const;

    /// Everything is recomputed from the broker and the clock; called on every broker signal
    /// and when the profiles changed.
    void refresh();

Q_SIGNALS:
    void changed();
    void notificationRequested(const imsa::tray::Notification &notification);
    void mfaDialogRequested(const QString &profile, const QString &mfaSerial);
    void mfaCodeRejected(const QString &profile, const QString &message);
    void mfaSatisfied(const QString &profile);
    void copyRequested(const QString &text);
    void activeProfileChosen(const QString &profile);
    void profilesWindowRequested();
    void quitRequested();

private:
    struct Snapshot
    {
        QString active;
        Profile profile;
        ProfileStatus status;
        QDateTime sessionEnd; ///< when the broker stops using the MFA session; invalid: none
        QDateTime credentialsEnd; ///< when the credentials stop being served; invalid: none
    };

    Snapshot snapshot() const;
    QStringList statusParts(const Snapshot &now) const;
    QList<MenuEntry> profileEntries() const;
    void checkSessionEnd(const Snapshot &now);
    void scheduleTick(const Snapshot &now);
    void handleRefreshFailed(const QString &profile, const imsa::StsError &error);
    void notify(Notification notification);

    CredentialBroker &m_broker;
    Clock &m_clock;
    QTimer m_tick;
    QStringList m_warnings;
    QSet<QString> m_failing; ///< profiles whose failure streak was already announced
    QDateTime m_warnedSessionEnd; ///< the session end already announced as near
    QDateTime m_watchedSessionEnd; ///< the active session's end, to announce when reached
    QString m_watchedProfile;
    Notification m_lastNotification;
};

} // namespace imsa::tray

Q_DECLARE_METATYPE(imsa::tray::Notification)
