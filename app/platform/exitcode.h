#pragma once

namespace imsa::app {

/// The exit statuses of imsa's programs, shared by the CLI and the app it runs in the
/// foreground: systemd and scripts see the same numbers from both.
enum ExitCode : int {
    ExitOk = 0,
    ExitFailure = 1,
    ExitUsage = 2
};

} // namespace imsa::app
