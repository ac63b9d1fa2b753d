#include "coreapplication.h"

namespace imsa::app {

std::unique_ptr<QCoreApplication> createCoreApplication(int &argc, char **argv)
{
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
