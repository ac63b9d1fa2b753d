#pragma once

#include <memory>

#include <QCoreApplication>

#include "startoptions.h"

namespace imsa::app {

/// A QApplication when this run is going to show the tray (`start --foreground` in a graphical
/// session without --headless), else a QCoreApplication: the CLI and the headless app connect
/// to no display and load no platform plugin. With the tray built (IMSA_BUILD_TRAY) the one
/// binary still links Qt Widgets and Gui, so the dynamic loader maps them for every command.
std::unique_ptr<QCoreApplication> createApplication(int &argc, char **argv);

/// The QCoreApplication of the CLI and the headless app, with Qt's own event dispatcher.
std::unique_ptr<QCoreApplication> createCoreApplication(int &argc, char **argv);

/// Builds the tray for a running service; does nothing where no tray can be shown.
UiFactory trayFactory();

} // namespace imsa::app
