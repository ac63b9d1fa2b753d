#pragma once

#include <memory>

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include "service/consoleopener.h"
#include "service/keymanager.h"
#include "traycontroller.h"

namespace imsa::app {
class AccessGuard;
struct PeerProcess;
class Service;
} // namespace imsa::app

namespace imsa::tray {

class AccessRequestDialog;
class AccountPicker;
class MfaDialog;
class ProfilesWindow;
class RecentUseWindow;
class SsoSignInDialog;
class TrayIcon;

/// The tray app around a running service: wires the service to the controller and opens the
/// windows the controller asks for. Lives as long as the service (its child).
class TrayApp final : public QObject
{
    Q_OBJECT

public:
    static constexpr int trayRetryMsecs = 2000;
    static constexpr int trayRetries = 90;

    explicit TrayApp(app::Service &service);
    ~TrayApp() override;

private:
    void showIconWhenTrayAppears();
    void openMfaDialog(const QString &profile, const QString &mfaSerial);
    void openProfilesWindow();
    void openRecentUseWindow();
    void openSsoSignInDialog(const QString &profile);
    void openSignIn(const SsoSettings &signIn, const QString &shown);
    void openAccountPicker();
    void updateAccountMenu();
    void askAboutAccessInDialogs();
    void openAccessRequestDialog(app::AccessGuard &guard, const QString &profile,
                                 const app::PeerProcess &peer);

    app::Service &m_service;
    TrayController m_controller;
    app::KeyManager m_keys; ///< here, not in the window: a move outlives a closed window
    app::ConsoleOpener m_console;
    std::unique_ptr<TrayIcon> m_icon;
    QList<QPointer<MfaDialog>> m_dialogs;
    QList<QPointer<SsoSignInDialog>> m_signInDialogs;
    QPointer<ProfilesWindow> m_window;
    QPointer<AccountPicker> m_picker;
    QPointer<RecentUseWindow> m_recentUse;
    QList<QPointer<AccessRequestDialog>> m_accessDialogs;
    QTimer m_trayRetry;
    int m_retriesLeft = trayRetries;
};

} // namespace imsa::tray
