#include "trayicon.h"

#include <QCursor>

#include "traycontroller.h"

namespace imsa::tray {

namespace {

constexpr int messageMsecs = 10'000;
constexpr int doubleTriggerMsecs = 400;

} // namespace

TrayIcon::TrayIcon(TrayController &controller, QObject *parent)
    : QObject(parent)
    , m_controller(controller)
{
    m_icon.setContextMenu(&m_menu);
    connect(&m_controller, &TrayController::changed, this, &TrayIcon::render);
    connect(&m_controller, &TrayController::notificationRequested, this,
            &TrayIcon::showNotification);
    connect(&m_menu, &ProfileMenu::profileChosen, &m_controller, &TrayController::activateProfile);
    connect(&m_menu, &ProfileMenu::actionChosen, &m_controller, &TrayController::trigger);
    connect(&m_menu, &QMenu::aboutToShow, this, &TrayIcon::render);
    connect(&m_icon, &QSystemTrayIcon::activated, this, &TrayIcon::handleActivated);
    connect(&m_icon, &QSystemTrayIcon::messageClicked, &m_controller,
            &TrayController::handleMessageClicked);
    connect(&m_desktop, &app::DesktopNotifier::defaultActionInvoked, &m_controller,
            &TrayController::handleMessageClicked);
    render();
}

void TrayIcon::show()
{
    m_icon.show();
}

QIcon TrayIcon::icon(IconState state)
{
    switch (state) {
    case IconState::Idle:
        return QIcon(QStringLiteral(":/icons/idle.svg"));
    case IconState::Active:
        return QIcon(QStringLiteral(":/icons/active.svg"));
    case IconState::Expiring:
        return QIcon(QStringLiteral(":/icons/expiring.svg"));
    case IconState::NeedsMfa:
        return QIcon(QStringLiteral(":/icons/needs-mfa.svg"));
    case IconState::Error:
        return QIcon(QStringLiteral(":/icons/error.svg"));
    }
    return {};
}

void TrayIcon::render()
{
    m_icon.setIcon(icon(m_controller.iconState()));
    m_icon.setToolTip(m_controller.toolTip());
    m_menu.setEntries(m_controller.menuEntries());
}

void TrayIcon::showNotification(const Notification &notification)
{
    // Qt sends a StatusNotifierItem's messages to the notification server without an action
    // (except for critical ones), so "click to renew" did nothing there: imsa sends those itself,
    // with "Renew now".
    if (!notification.mfaProfile.isEmpty() && app::DesktopNotifier::hasServer()) {
        const auto urgency = notification.severity == Notification::Severity::Information
                ? app::DesktopNotifier::Urgency::Normal
                : app::DesktopNotifier::Urgency::Critical;
        m_desktop.show(notification.title, notification.message, urgency, tr("Renew now"));
        return;
    }
    QSystemTrayIcon::MessageIcon icon = QSystemTrayIcon::Information;
    if (notification.severity == Notification::Severity::Warning)
        icon = QSystemTrayIcon::Warning;
    else if (notification.severity == Notification::Severity::Critical)
        icon = QSystemTrayIcon::Critical;
    m_icon.showMessage(notification.title, notification.message, icon, messageMsecs);
}

void TrayIcon::handleActivated(QSystemTrayIcon::ActivationReason reason)
{
    if (reason != QSystemTrayIcon::Trigger)
        return;
    // A double click arrives as a Trigger followed by more activations (QTBUG-69698; KeePassXC
    // waits 150 ms for the same reason): only the first one opens the menu, or the second
    // would close it again.
    if (m_lastTrigger.isValid() && m_lastTrigger.elapsed() < doubleTriggerMsecs)
        return;
    m_lastTrigger.start();
    m_menu.popup(QCursor::pos());
}

} // namespace imsa::tray
