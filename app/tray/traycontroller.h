#pragma once

#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "imsa/stserror.h"
#include "menumodel.h"

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::app {
class SessionNotifier;
} // namespace imsa::app

namespace imsa::tray {

/// What the tray icon shows.
enum class IconState {
    Idle, ///< no active profile
    Active, ///< credentials are served (or being fetched) and nothing needs the user
    Expiring, ///< less than ten minutes of MFA session left, or the session is gone
    NeedsMfa, ///< waiting for an MFA code
    Error ///< the active profile failed and has nothing to serve
};

/// A tray message. A click on one that names a profile opens its MFA or sign-in dialog.
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
    QString ssoProfile; ///< non-empty: "click to sign in" (IAM Identity Center)
};

/// The tray's controller: keeps the menu (MenuModel), tooltip and icon state current with the
/// broker and the clock, turns events into notifications, and carries out what the user picks.
/// Holds no widget, so tests drive it with a FakeClock and a broker on a fake STS.
class TrayController final : public QObject
{
    Q_OBJECT

public:
    /// Announces the MFA session's end from `sessionNotifier`, which the service shares.
    TrayController(CredentialBroker &broker, Clock &clock, app::SessionNotifier &sessionNotifier,
                   QObject *parent = nullptr);

    QList<MenuEntry> menuEntries() const;
    QString toolTip() const;
    IconState iconState() const;
    /// The first menu line, e.g. "prod (role Admin) · MFA session ends in 3 h 12 min".
    QString statusText() const;

    /// Helper and key-store problems from the service; new ones become notifications.
    void setWarnings(const QStringList &warnings);

    /// Whether the files name an IAM Identity Center sign-in: the menu offers its accounts.
    void setHasSsoSignIns(bool has);

    void activateProfile(const QString &profile);
    void trigger(MenuEntry::Action action);
    void submitMfaCode(const QString &profile, const QString &code);
    void cancelMfa(const QString &profile);
    /// The user clicked the last notification.
    void handleMessageClicked();
    /// Opening the console for `profile` failed: a notification with `message` (what to do).
    void showConsoleFailure(const QString &profile, const QString &message);
    /// The MFA device of a profile, for the dialog; empty when unknown.
    QString mfaSerial(const QString &profile) const;

    /// Everything is recomputed from the broker and the clock; called on every broker signal
    /// and when the profiles changed.
    void refresh();

Q_SIGNALS:
    void changed();
    void notificationRequested(const imsa::tray::Notification &notification);
    void mfaDialogRequested(const QString &profile, const QString &mfaSerial);
    /// Show the IAM Identity Center sign-in of `profile` (it uses SSO).
    void ssoSignInRequested(const QString &profile);
    void mfaCodeRejected(const QString &profile, const QString &message);
    void mfaSatisfied(const QString &profile);
    void copyRequested(const QString &text);
    /// "Open AWS console" for the active profile.
    void consoleRequested(const QString &profile);
    void activeProfileChosen(const QString &profile);
    void profilesWindowRequested();
    /// "Recent use…": the programs that took each profile's credentials.
    void recentUseRequested();
    /// "Accounts and roles…": the picker of the IAM Identity Center accounts.
    void accountPickerRequested();
    void quitRequested();

private:
    void scheduleTick(const MenuModel::Active &state);
    void handleRefreshFailed(const QString &profile, const imsa::StsError &error);
    void notify(const Notification &notification);

    CredentialBroker &m_broker;
    Clock &m_clock;
    app::SessionNotifier &m_sessionNotifier;
    MenuModel m_model;
    QTimer m_tick;
    QStringList m_warnings;
    QSet<QString> m_failing; ///< profiles whose failure streak was already announced
    /// An SSO profile the user just chose: if it turns out to need a sign-in, the dialog opens
    /// rather than a notification.
    QString m_chosenSsoProfile;
    Notification m_lastNotification;
};

} // namespace imsa::tray

Q_DECLARE_METATYPE(imsa::tray::Notification)
