#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

// The running app's state for `imsa prompt`: a few lines in the runtime directory that the app
// replaces on every change and removes when it stops, so that a shell prompt can show it with
// one file read instead of a control-socket round trip. Written by the service
// (service/appstatefile.cpp), read by `imsa prompt` (prompt.h).
namespace imsa::runtime {

/// The words for a profile's state, shared by this file and the control socket's `status`.
namespace states {
inline constexpr std::string_view inactive = "inactive";
inline constexpr std::string_view needsMfa = "needs-mfa";
inline constexpr std::string_view fetching = "fetching";
inline constexpr std::string_view ready = "ready";
inline constexpr std::string_view failed = "failed";
} // namespace states

struct AppState
{
    long pid = 0;
    std::string profile; ///< the active profile; empty when none is
    std::string state; ///< one of `states`
    /// When the user has to act next (Unix seconds): the end of the MFA session, or of the
    /// credentials when no session renews them. Absent when nothing ends on its own.
    std::optional<std::int64_t> actBy;

    friend bool operator==(const AppState &, const AppState &) = default;
};

/// The state file inside `runtimeDir`.
std::string appStatePath(const std::string &runtimeDir);

/// The file's text: `key=value` lines. Line breaks and other control characters in the profile
/// name become '?', so that one value stays one line and a prompt never prints a terminal
/// escape sequence.
std::string formatAppState(const AppState &state);

/// The state in `text`, or nothing when it has no valid pid. Unknown keys are skipped, so that
/// an older `imsa` reads a newer app's file.
std::optional<AppState> parseAppState(std::string_view text);

/// The state of the app running for this user: nothing when no state file is there, when it is
/// not this user's own private file, or when the process it names is gone (an app that crashed
/// cannot remove its file).
std::optional<AppState> readRunningAppState(const std::string &runtimeDir);

} // namespace imsa::runtime
