#pragma once

#include <functional>

#include <QStringList>

namespace imsa::app {

class Service;

/// Builds the graphical face (the tray) once the service runs; empty for the headless app.
using UiFactory = std::function<void(Service &service)>;

/// The app's main loop, shared by imsa-service and imsa-tray: parses the options `imsa start`
/// passes on (`--listen ADDR:PORT`, `--log-file FILE`, `--imdsv2-only`,
/// `--threads N`), runs the service until
/// it is stopped (control socket, SIGTERM, SIGINT) and returns the exit code: 0 also when
/// another instance already runs, 1 when the service could not start, 2 for bad options.
/// Errors go to stderr, prefixed "imsa start: " since that is the command the user ran.
int runService(const QStringList &arguments, const UiFactory &uiFactory);

} // namespace imsa::app
