#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "appstate.h"

// `imsa prompt`: the active profile and how long until the user must act, short enough for a
// shell prompt, from the app's state file. Plain C++ so that the `imsa` launcher answers it
// without loading Qt.
namespace imsa::runtime {

/// What --format starts from: "prod 42m", "prod mfa?", "prod".
inline constexpr std::string_view defaultPromptFormat = "%p %t";

/// The short word for `state` at `now` (Unix seconds): "42m" or "3h05m" until actBy, "mfa?"
/// when a code is needed (or actBy has passed), "..." while fetching, "err" after a failure,
/// empty when nothing is due.
std::string promptTimeText(const AppState &state, std::int64_t now);

/// `format` with %p (profile), %t (promptTimeText), %s (state word), %r (seconds until actBy,
/// empty when none) and %% replaced, and leading and trailing spaces removed. Empty when no
/// profile is active.
std::string renderPrompt(const AppState &state, std::string_view format, std::int64_t now);

/// Runs `imsa prompt ARGUMENTS` (ARGUMENTS without the command name): fills `out` (the prompt
/// and a newline, or nothing when imsa is not running or no profile is active) or `err`, and
/// returns the exit status: 0, or 2 for a usage error.
int runPrompt(const std::vector<std::string> &arguments, std::string &out, std::string &err);

} // namespace imsa::runtime
