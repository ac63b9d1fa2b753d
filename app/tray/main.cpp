#include <vector>

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTranslator>

#include "platform/coreapplication.h"
#include "platform/processhardening.h"
#include "seatlesswayland.h"
#include "service/runservice.h"
#include "service/service.h"
#include "trayapp.h"
#include "trayhostprobe.h"

// imsa-tray: the app with its tray icon, the only program that loads Qt Widgets. `imsa start`
// runs it in a graphical session; it is not meant to be run by hand.

namespace {

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

int main(int argc, char *argv[])
{
    using namespace imsa;
    // Hardening does not survive the exec from `imsa start --foreground`: it is done again here.
    app::hardenProcess();
    // Desktops know imsa by WM_CLASS "imsa" (the desktop entry, window rules), not by this
    // program's file name, which Qt's X11 platform takes as the instance name unless given
    // -name; QGuiApplication consumes the option, so arguments() never shows it.
    static char nameOption[] = "-name";
    static char nameValue[] = "imsa";
    std::vector<char *> arguments(argv, argv + argc);
    arguments.insert(arguments.begin() + 1, {nameOption, nameValue});
    int count = int(arguments.size());
    arguments.push_back(nullptr);
    tray::avoidSeatlessWaylandInputMethod();
    // The tray's own thread keeps the dispatcher QApplication chooses; the
    // metadata server's threads need nothing from GLib.
    app::useQtDispatcherInThreads();
    QApplication application(count, arguments.data());
    QApplication::setApplicationName(QStringLiteral("imsa"));
    // On Wayland the windows' app_id, which compositors match with imsa.desktop for the icon
    // and the task switcher (X11 has WM_CLASS from -name above).
    QGuiApplication::setDesktopFileName(QStringLiteral("imsa"));
    // Closing the MFA dialog or the profiles window must not end the app.
    QApplication::setQuitOnLastWindowClosed(false);
    installTranslations(application);
    // Only the X11 platform takes -name out of the arguments; on Wayland it is still there, and
    // the service's parser would refuse it.
    QStringList serviceArguments = QApplication::arguments();
    if (serviceArguments.size() > 2 && serviceArguments.at(1) == QLatin1StringView(nameOption))
        serviceArguments.remove(1, 2);
    // `imsa doctor` asks here, the one program that talks to the display and to D-Bus as the
    // tray does.
    if (serviceArguments.size() == 2 && serviceArguments.at(1) == u"--probe-tray-host") {
        QTextStream(stdout) << tray::describeTrayHosts(tray::findTrayHosts());
        return 0;
    }
    return app::runService(serviceArguments, [](app::Service &service) {
        new tray::TrayApp(service);
        service.setMfaDialogAvailable(true);
    });
}
