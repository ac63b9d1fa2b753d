#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QSystemTrayIcon>

#include "profilemenu.h"
#include "service/desktopnotifier.h"
#include "traycontroller.h"

namespace imsa::tray {

/// The icon in the system tray: renders the controller's state (icon, tooltip, menu,
/// messages) and passes clicks back. Left-click opens the same menu as right-click.
class TrayIcon final : public QObject
{
    Q_OBJECT

public:
    explicit TrayIcon(TrayController &controller, QObject *parent = nullptr);

    void show();
    static QIcon icon(IconState state);

private:
    void render();
    void showNotification(const imsa::tray::Notification &notification);
    void handleActivated(QSystemTrayIcon::ActivationReason reason);

    TrayController &m_controller;
    ProfileMenu m_menu;
    QSystemTrayIcon m_icon;
    app::DesktopNotifier m_desktop;
    QElapsedTimer m_lastTrigger;
};

} // namespace imsa::tray
