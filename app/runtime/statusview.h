#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "json.h"

// What `imsa status` prints from the app's `status` reply (ipc::commands::status), in plain C++:
// the `imsa` launcher prints it without loading Qt, and imsa-cli prints it through the same
// function when it asks the app itself.
namespace imsa::runtime {

/// The Unix time of an ISO 8601 date and time with seconds and an offset ("Z" or "+hh:mm"), as
/// the app writes them: "2026-12-03T18:00:00Z". Fractions of a second are dropped.
std::optional<std::int64_t> parseIsoTime(std::string_view text);

/// "3 h 12 min left", "42 min left", or "expired" once `until` has come: the English of
/// core's remainingText() (usertext.h), minutes rounded up.
std::string remainingText(std::int64_t now, std::int64_t until);

/// The lines `imsa status` prints for the `status` reply `status` at `now` (Unix seconds).
std::string renderStatus(const JsonValue &status, std::int64_t now);

} // namespace imsa::runtime
