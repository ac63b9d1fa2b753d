#include "coreapplication.h"

namespace imsa::app {

void useQtDispatcherInThreads()
{
    // The serving threads pay GLib's wake-ups on every request too (perf under wrk, 2026-12-03:
    // libglib and QEventDispatcherGlib in both serving threads). Qt reads this variable each time
    // a thread starts, so it stays set; a Qt program run as mfa_process inherits it, which
    // changes nothing but its own secondary threads' dispatcher.
    if (!qEnvironmentVariableIsSet("QT_NO_THREADED_GLIB"))
        qputenv("QT_NO_THREADED_GLIB", "1");
}

std::unique_ptr<QCoreApplication> createCoreApplication(int &argc, char **argv)
{
    useQtDispatcherInThreads();
    // Qt's GLib event dispatcher wakes itself through an eventfd two extra times per served
    // request (seen with strace under wrk); the CLI and the headless app need nothing from GLib,
    // so they get Qt's own dispatcher. The variable is read only while the application object
    // is built, and is removed again so that child processes (mfa_process) don't inherit it.
    const bool userChoice = qEnvironmentVariableIsSet("QT_NO_GLIB");
    if (!userChoice)
        qputenv("QT_NO_GLIB", "1");
    auto application = std::make_unique<QCoreApplication>(argc, argv);
    if (!userChoice)
        qunsetenv("QT_NO_GLIB");
    return application;
}

} // namespace imsa::app
