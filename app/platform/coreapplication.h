#pragma once

#include <memory>

#include <QCoreApplication>

namespace imsa::app {

/// The QCoreApplication of the CLI and the headless app, with Qt's own event dispatcher (in
/// every thread: see useQtDispatcherInThreads()).
std::unique_ptr<QCoreApplication> createCoreApplication(int &argc, char **argv);

/// Gives every thread started from now on Qt's own event dispatcher instead of GLib's, the
/// metadata server's serving threads above all. Call before the application object exists,
/// while the process has one thread: it sets an environment variable.
void useQtDispatcherInThreads();

} // namespace imsa::app
