#pragma once

namespace imsa::app {

/// Called first thing in main(), for every face of the program (the app holds credentials and
/// the MFA session; the CLI prints them). Afterwards:
/// - every file and directory this process (or a child) creates is private to the user, 0600
///   and 0700, whatever umask the caller had: the mode is right from creation, not fixed later;
/// - no core dump is written, and no child can allow one again (soft and hard limit 0);
/// - on Linux the process is not dumpable, unless `tracing` allows it: other processes of the
///   user can't ptrace it or read its memory or its /proc entries (its executable among them).
///   systemd's unit sets UMask= and LimitCORE= too, but the tray autostart entry and a shell
///   start imsa without it.
enum class Tracing : bool {
    Refused,
    Allowed
};
void hardenProcess(Tracing tracing = Tracing::Refused);

} // namespace imsa::app
