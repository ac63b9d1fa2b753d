#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include "imsa/logging.h"
#include "service/service.h"
#include "tray/trayapp.h"
#include "ui.h"

// The build with the tray (IMSA_BUILD_TRAY=ON): `start --foreground` in a graphical session
// shows the tray; everything else stays a QCoreApplication (see ui.h).
namespace imsa::app {

namespace {

bool wantsTray(int argc, char **argv)
{
    if (argc < 2 || qstrcmp(argv[1], "start") != 0)
        return false;
    bool foreground = false;
    for (int i = 2; i < argc; ++i) {
        if (qstrcmp(argv[i], "--headless") == 0)
            return false;
        if (qstrcmp(argv[i], "--foreground") == 0)
            foreground = true;
    }
    return foreground
            && (qEnvironmentVariableIsSet("DISPLAY")
                || qEnvironmentVariableIsSet("WAYLAND_DISPLAY"));
}

/// imsa's own strings from the embedded catalogue of the system locale, and Qt's (standard
/// buttons, context menus) from the system's Qt translations when installed.
void installTranslations(QApplication &application)
{
    auto *own = new QTranslator(&application);
    if (own->load(QLocale(), QStringLiteral("imsa"), QStringLiteral("_"), QStringLiteral(":/i18n")))
        QApplication::installTranslator(own);
    auto *qt = new QTranslator(&application);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QApplication::installTranslator(qt);
}

} // namespace

std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv)
{
    if (!wantsTray(argc, argv))
        return createCoreApplication(argc, argv);
    auto application = std::make_unique<QApplication>(argc, argv);
    // Closing the MFA dialog or the profiles window must not end the app.
    QApplication::setQuitOnLastWindowClosed(false);
    installTranslations(*application);
    return application;
}

UiFactory trayFactory()
{
    return [](Service &service) {
        // `start --foreground` without a display got a QCoreApplication: stay headless.
        if (!qobject_cast<QApplication *>(QCoreApplication::instance())) {
            qCInfo(lcTray) << "no graphical session: running without the tray";
            return;
        }
        new tray::TrayApp(service);
        service.setMfaDialogAvailable(true);
    };
}

} // namespace imsa::app
