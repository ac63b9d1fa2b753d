#pragma once

#include <functional>

#include "cli/command.h"
#include "service/listenaddress.h"

namespace imsa::app {

class Service;

/// Builds the graphical face (the tray) once the service runs; empty in headless mode.
using UiFactory = std::function<void(Service &service)>;

struct StartOptions
{
    ListenAddress listen{QHostAddress(QString(instanceMetadataAddress)), instanceMetadataPort};
    bool imdsv2Only = false;
    QString logFile;
    UiFactory uiFactory;
};

/// `imsa start`: launches the app detached, or runs it here with --foreground.
int runStart(const QStringList &arguments, cli::Io &io, const UiFactory &uiFactory);

} // namespace imsa::app
