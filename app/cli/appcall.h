#pragma once

#include <optional>

#include <QJsonObject>

#include "command.h"
#include "controlclient.h"

namespace imsa::cli {

/// Connects to the running app, or prints notRunningMessage() and returns nullopt.
bool connectOrComplain(ControlClient &client, Io &io);

/// Calls a command that needs no human; prints the app's error message on failure.
std::optional<QJsonObject> simpleCall(const QString &command, const QJsonObject &args, Io &io);

} // namespace imsa::cli
