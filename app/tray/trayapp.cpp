#include "trayapp.h"

#include <algorithm>

#include <QClipboard>
#include <QCoreApplication>
#include <QCursor>
#include <QGuiApplication>
#include <QScreen>
#include <QSystemTrayIcon>

#include "accessrequestdialog.h"
#include "accountpicker.h"
#include "accountpickerfeed.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "mfadialog.h"
#include "platform/statedir.h"
#include "profileswindow.h"
#include "recentusewindow.h"
#include "service/accessguard.h"
#include "service/accessquestionnotifier.h"
#include "service/profilestore.h"
#include "service/service.h"
#include "service/sessionnotifier.h"
#include "service/ssosignins.h"
#include "ssosignindialog.h"
#include "trayhostprobe.h"
#include "trayicon.h"

namespace imsa::tray {

namespace {

void bringToFront(QWidget *window)
{
    // Window managers place new windows themselves; without one (or for one that leaves it to
    // the program) a dialog opened from a terminal command belongs in the middle of the screen.
    if (!window->isVisible()) {
        if (!window->testAttribute(Qt::WA_Resized))
            window->adjustSize();
        if (const QScreen *screen = QGuiApplication::screenAt(QCursor::pos()))
            window->move(screen->availableGeometry().center() - window->rect().center());
    }
    window->show();
    window->raise();
    window->activateWindow();
}

} // namespace

TrayApp::TrayApp(app::Service &service)
    : QObject(&service)
    , m_service(service)
    , m_controller(service.broker(), service.clock(), service.sessionNotifier())
    , m_keys(service.keyStore(), service.broker())
    , m_console(service.broker(), service.network(), service.runtimeDir())
{
    connect(&service.profileStore(), &app::ProfileStore::changed, this,
            &TrayApp::updateAccountMenu);
    connect(&service, &app::Service::warningsChanged, &m_controller, [this] {
        m_controller.setWarnings(m_service.warnings());
    });
    connect(&m_controller, &TrayController::activeProfileChosen, &service,
            &app::Service::rememberActiveProfile);
    connect(&m_controller, &TrayController::mfaDialogRequested, this, &TrayApp::openMfaDialog);
    connect(&m_controller, &TrayController::ssoSignInRequested, this,
            &TrayApp::openSsoSignInDialog);
    connect(&m_controller, &TrayController::profilesWindowRequested, this,
            &TrayApp::openProfilesWindow);
    connect(&m_controller, &TrayController::accountPickerRequested, this,
            &TrayApp::openAccountPicker);
    connect(&m_controller, &TrayController::recentUseRequested, this,
            &TrayApp::openRecentUseWindow);
    connect(&m_controller, &TrayController::copyRequested, this, [](const QString &text) {
        QGuiApplication::clipboard()->setText(text);
    });
    connect(&m_controller, &TrayController::consoleRequested, &m_console,
            &app::ConsoleOpener::open);
    connect(&m_console, &app::ConsoleOpener::failed, &m_controller,
            &TrayController::showConsoleFailure);
    connect(&m_controller, &TrayController::quitRequested, qApp, &QCoreApplication::quit,
            Qt::QueuedConnection);
    askAboutAccessInDialogs();

    m_trayRetry.setSingleShot(true);
    m_trayRetry.setInterval(trayRetryMsecs);
    connect(&m_trayRetry, &QTimer::timeout, this, &TrayApp::showIconWhenTrayAppears);
    showIconWhenTrayAppears();
    m_controller.setWarnings(service.warnings());
    updateAccountMenu();

    // A profile restored at start that needs a code asked before this existed.
    const QString active = service.broker().activeProfile();
    if (service.broker().status(active).state == ProfileState::NeedsMfa)
        openMfaDialog(active, m_controller.mfaSerial(active));
}

TrayApp::~TrayApp()
{
    for (const QPointer<MfaDialog> &dialog : std::as_const(m_dialogs))
        delete dialog.data();
    for (const QPointer<SsoSignInDialog> &dialog : std::as_const(m_signInDialogs))
        delete dialog.data();
    delete m_window.data();
    delete m_picker.data();
    delete m_recentUse.data();
    for (const QPointer<AccessRequestDialog> &dialog : std::as_const(m_accessDialogs))
        delete dialog.data();
}

void TrayApp::askAboutAccessInDialogs()
{
    app::AccessGuard *guard = m_service.accessGuard();
    if (!guard)
        return;
    m_service.accessQuestions().setEnabled(false);
    // Queued: the guard asks from the metadata endpoint's serving threads.
    connect(guard, &app::AccessGuard::approvalRequested, this,
            [this, guard](const QString &profile, const app::PeerProcess &peer) {
                openAccessRequestDialog(*guard, profile, peer);
            });
}

void TrayApp::openAccessRequestDialog(app::AccessGuard &guard, const QString &profile,
                                      const app::PeerProcess &peer)
{
    // The guard asks once per profile and program while a question is open; this keeps a
    // second question about the same pair (after an answer failed to save) from stacking up.
    m_accessDialogs.removeIf([](const QPointer<AccessRequestDialog> &dialog) {
        return dialog.isNull();
    });
    for (const QPointer<AccessRequestDialog> &dialog : std::as_const(m_accessDialogs)) {
        if (dialog->profile() == profile && dialog->program() == peer.program) {
            bringToFront(dialog);
            return;
        }
    }
    auto *dialog = new AccessRequestDialog(guard, profile, peer);
    m_accessDialogs.append(dialog);
    bringToFront(dialog);
}

void TrayApp::showIconWhenTrayAppears()
{
    // Qt is asked only once a host is there (see findTrayHosts()). One probe per tick (a
    // blocking D-Bus call and an X connection) answers both that and the log line.
    const TrayHosts hosts = findTrayHosts();
    if (hosts.any() && QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = std::make_unique<TrayIcon>(m_controller);
        m_icon->show();
        // The icon's messages now tell of the session's end (through the same desktop
        // notifications where the tray is a StatusNotifierItem): one of each is enough.
        m_service.sessionNotifier().setDesktopNotifications(false);
        qCInfo(lcTray) << "tray icon shown";
        return;
    }
    // Started at login, imsa may well come up before the panel that hosts tray icons; an
    // icon shown then never appears. So wait for the tray, as KeePassXC does, for a while.
    if (m_retriesLeft-- > 0) {
        if (m_retriesLeft == trayRetries - 1)
            qCInfo(lcTray).noquote() << QStringLiteral("no tray host yet (%1); waiting for one")
                                                .arg(missingTrayHost(hosts));
        m_trayRetry.start();
        return;
    }
    // Said once: the app goes on serving without its icon.
    qCWarning(lcTray).noquote()
            << QStringLiteral("no tray host appeared (%1); running without an icon: MFA dialogs "
                              "still open, `imsa status` shows the state, `imsa doctor` says "
                              "what to install")
                       .arg(missingTrayHost(hosts));
}

void TrayApp::openMfaDialog(const QString &profile, const QString &mfaSerial)
{
    // One code serves every profile of a base identity: a dialog already asking for one of
    // them is the answer to this request too.
    const QList<Profile> profiles = m_service.broker().profiles();
    const auto identityOf = [&profiles](const QString &name) {
        for (const Profile &candidate : profiles) {
            if (candidate.name == name)
                return candidate.baseIdentity();
        }
        return name;
    };
    m_dialogs.removeIf([](const QPointer<MfaDialog> &dialog) {
        return dialog.isNull();
    });
    for (const QPointer<MfaDialog> &dialog : std::as_const(m_dialogs)) {
        if (identityOf(dialog->profile()) == identityOf(profile)) {
            bringToFront(dialog);
            return;
        }
    }
    auto *dialog = new MfaDialog(m_controller, profile, mfaSerial);
    m_dialogs.append(dialog);
    bringToFront(dialog);
}

void TrayApp::openSsoSignInDialog(const QString &profile)
{
    const Profile *found = m_service.profileStore().profiles().find(profile);
    if (found && found->usesSso())
        openSignIn(found->sso, profile);
}

void TrayApp::openSignIn(const SsoSettings &signIn, const QString &shown)
{
    // One sign-in serves every profile of a session: a window still waiting for it is the
    // answer; one that shows how an earlier attempt ended makes way for a new attempt.
    const QString key = signIn.tokenCacheKey();
    m_signInDialogs.removeIf([](const QPointer<SsoSignInDialog> &dialog) {
        return dialog.isNull();
    });
    for (const QPointer<SsoSignInDialog> &dialog : std::as_const(m_signInDialogs)) {
        if (dialog->tokenCacheKey() != key)
            continue;
        if (dialog->isWaiting()) {
            bringToFront(dialog);
            return;
        }
        dialog->close();
    }
    SsoSignIn *attempt = m_service.ssoSignIns().signIn(signIn);
    auto *dialog = new SsoSignInDialog(*attempt, m_service.clock(), shown, m_service.runtimeDir());
    m_signInDialogs.append(dialog);
    bringToFront(dialog);
}

void TrayApp::openAccountPicker()
{
    if (!m_picker) {
        m_picker = new AccountPicker;
        auto *feed = new AccountPickerFeed(m_service, m_controller, *m_picker);
        connect(feed, &AccountPickerFeed::signInRequested, this, [this](const SsoSettings &signIn) {
            openSignIn(signIn, signIn.tokenCacheKey());
        });
    }
    m_picker->present();
}

void TrayApp::updateAccountMenu()
{
    m_controller.setHasSsoSignIns(!m_service.profileStore().profiles().ssoSignIns().isEmpty());
}

void TrayApp::openProfilesWindow()
{
    if (!m_window) {
        app::AccessGuard *guard = m_service.accessGuard();
        m_window = new ProfilesWindow(m_service.profileStore(), m_keys,
                                      guard ? &guard->approvals() : nullptr);
        connect(m_window, &ProfilesWindow::consoleRequested, &m_console, &app::ConsoleOpener::open);
    }
    bringToFront(m_window);
}

void TrayApp::openRecentUseWindow()
{
    if (!m_recentUse)
        m_recentUse = new RecentUseWindow(app::accessLogPath());
    bringToFront(m_recentUse);
}

} // namespace imsa::tray
