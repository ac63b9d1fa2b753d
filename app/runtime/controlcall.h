#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "json.h"

// One request to the running app over its control socket, in plain C++, for the `imsa` launcher.
// The protocol is ipc::... in core/include/imsa/ipcmessage.h: one JSON object per line, each
// request answered by one reply with its id. Only the plain case is handled here; whatever else
// happens (no app, a socket the checks below refuse, an error reply) is left to imsa-cli, which
// knows how to explain it.
namespace imsa::runtime {

/// Sends `command` (no arguments) to the app whose control socket is in `runtimeDir` and returns
/// the reply's result object. Nothing when `runtimeDir` is not a directory of this user's that
/// only this user can enter, when no app answers within `timeoutMs`, or when the reply is not a
/// successful one.
std::optional<JsonValue> askApp(const std::string &runtimeDir, std::string_view command,
                                int timeoutMs);

} // namespace imsa::runtime
