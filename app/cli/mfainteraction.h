#pragma once

#include <functional>
#include <optional>

#include <QJsonObject>

#include "command.h"
#include "imsa/ipcmessage.h"

namespace imsa::cli {

/// Sends `command` for `profile` to the app and answers the MFA prompts it relays: the code
/// from --mfa-code first, then the terminal, while the tray dialog or the profile's
/// mfa_process may answer first. Gives up after maxWrongCodes rejected codes. `extraArgs` go
/// with the request besides the profile. The app's error is printed unless `handles` (if set)
/// returns true for it: then the caller deals with it.
std::optional<QJsonObject> callWithMfa(const QString &command, const QString &profile,
                                       const QString &givenCode, Io &io,
                                       const QJsonObject &extraArgs = {},
                                       const std::function<bool(const ipc::Error &)> &handles = {});

inline constexpr int maxWrongCodes = 3;

/// The --mfa-code option every credential command takes.
QCommandLineOption mfaCodeOption();

} // namespace imsa::cli
