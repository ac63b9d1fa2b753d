#pragma once

#include <memory>

#include <QCoreApplication>

namespace imsa::app {

/// The QCoreApplication of the CLI and the headless app, with Qt's own event dispatcher.
std::unique_ptr<QCoreApplication> createCoreApplication(int &argc, char **argv);

} // namespace imsa::app
