// imsa-helper: the only part of imsa that runs with privileges. It puts 169.254.169.254 on `lo`,
// listens on 169.254.169.254:80 and hands the listening socket to the unprivileged app, and takes
// the address off `lo` again when the app stops. It is installed mode 0750 root:imsa with
// `cap_net_bind_service,cap_net_admin+ep` file capabilities (never setuid) and takes no address,
// port or path from anyone.
//
// Usage (exactly one argument; the environment is ignored and cleared):
//   imsa-helper --fd=N
//       N is an inherited, connected AF_UNIX SOCK_STREAM or SOCK_SEQPACKET socket to the app.
//       When 169.254.169.254 is not on `lo` yet, the helper first tries a TCP connection to
//       169.254.169.254:80 (at most 250 ms): if that is accepted, the machine reaches a real
//       metadata service there (a cloud VM), which the address on `lo` would hide from every
//       program, so the helper refuses (step check-network, EADDRINUSE). Otherwise it ensures
//       169.254.169.254/32 is on `lo`, binds and listens on 169.254.169.254:80, drops all
//       capabilities, and sends one message on N: either "OK\n" with the listening socket
//       attached (SCM_RIGHTS), or "ERR <step> <errno-name>: <strerror>\n" without one, where
//       <step> is one of find-loopback, check-address, check-network, add-address, socket,
//       setsockopt, bind, listen, drop-capabilities.
//   imsa-helper --remove
//       Deletes exactly 169.254.169.254/32 from `lo` (nothing else), unless a socket still
//       listens on 169.254.169.254:80 (someone serves there, e.g. another user's imsa), then
//       drops all capabilities and prints one line on stdout: "OK\n" (removed, or it was not
//       there) or "ERR <step> <errno-name>: <strerror>\n", where <step> is one of
//       check-address, socket, setsockopt, check-listener, find-loopback, remove-address,
//       drop-capabilities.
//   imsa-helper --check
//       Prints whether this process has cap_net_bind_service and cap_net_admin in its
//       effective set (what `imsa doctor` reports).
//
// Exit codes:
//   0  --fd: "OK" and the socket were sent.      --remove: "OK".   --check: both capabilities
//      present.
//   1  --fd: a step failed and "ERR ..." was sent. --remove: "ERR ...". --check: a capability
//      is missing.
//   2  refused before doing anything: wrong arguments, N is not such a socket, or the helper
//      runs setuid/setgid. The reason is on stderr.
//   3  --fd: the status message could not be sent (the app went away); nothing was handed over.

#include <array>
#include <bit>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/capability.h>
#include <netinet/in.h>
#include <string>
#include <string_view>
#include <unistd.h>

#include "capabilities.h"
#include "fdpassing.h"
#include "listener.h"
#include "netlink.h"
#include "probe.h"

namespace imsa::helper {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailed = 1;
constexpr int kExitRefused = 2;
constexpr int kExitUnreported = 3;

// 169.254.169.254, where every AWS SDK looks for instance metadata (bytes in network order).
constexpr in_addr kMetadataAddress{
        std::bit_cast<in_addr_t>(std::array<std::uint8_t, 4>{169, 254, 169, 254})};
constexpr std::uint16_t kMetadataPort = 80;
// The default of 50 (QTcpServer) gave long tails with 512 concurrent clients, and a burst of
// 2,000 fresh connections (parallel builds, `xargs -P`) overflows 1024: a dropped handshake
// costs its client a 1 s retransmission. The kernel caps this at net.core.somaxconn (4096 by
// default since Linux 5.4).
constexpr int kListenBacklog = 4096;
// A real metadata service (AWS, GCP, Azure, OpenStack) accepts within milliseconds; on a laptop
// the connection goes to the default gateway and is dropped, so this bounds the delay it adds.
constexpr std::chrono::milliseconds kProbeTimeout{250};

constexpr std::string_view kFdOption = "--fd=";
constexpr const char *kUsage =
        "usage: imsa-helper --fd=N | imsa-helper --remove | imsa-helper --check";

int refuse(const std::string &reason)
{
    const std::string text = "imsa-helper: " + reason + "\n" + kUsage + "\n";
    std::fputs(text.c_str(), stderr);
    return kExitRefused;
}

int runCheck()
{
    const bool bindService = hasEffectiveCapability(CAP_NET_BIND_SERVICE);
    const bool admin = hasEffectiveCapability(CAP_NET_ADMIN);
    const std::string text = std::string("cap_net_bind_service: ") + (bindService ? "yes" : "no")
            + "\ncap_net_admin: " + (admin ? "yes" : "no") + "\n";
    std::fputs(text.c_str(), stdout);
    return bindService && admin ? kExitOk : kExitFailed;
}

// Digits only: no sign, no spaces, nothing after the number.
Result<int, std::string> parseFd(std::string_view text)
{
    unsigned int value = 0;
    const char *end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (text.empty() || error != std::errc() || stop != end || value > INT_MAX)
        return "--fd needs a descriptor number, got '" + std::string(text) + "'";
    return static_cast<int>(value);
}

std::string errorLine(const Failure &failure)
{
    const char *name = ::strerrorname_np(failure.error);
    return std::string("ERR ") + failure.step + " " + (name != nullptr ? name : "EUNKNOWN") + ": "
            + std::strerror(failure.error) + "\n";
}

Result<UniqueFd, Failure> listenOnMetadataAddress()
{
    const Result<bool, Failure> present = isOnLoopback(kMetadataAddress);
    if (!present)
        return present.error();
    if (!present.value()) {
        // Probed only while the address is not on lo, where the connection would reach lo.
        if (acceptsConnections(kMetadataAddress, kMetadataPort, kProbeTimeout))
            return Failure{"check-network", EADDRINUSE};
        if (const Result<Done, Failure> added = addToLoopback(kMetadataAddress); !added)
            return added.error();
    }
    return openListener(kMetadataAddress, kMetadataPort, kListenBacklog);
}

Result<Done, Failure> removeMetadataAddress()
{
    const Result<bool, Failure> present = isOnLoopback(kMetadataAddress);
    if (!present)
        return present.error();
    if (!present.value())
        return Done{};
    if (const Result<Done, Failure> unused = checkNobodyListens(kMetadataAddress, kMetadataPort);
        !unused)
        return unused.error();
    return removeFromLoopback(kMetadataAddress);
}

int runRemove()
{
    Result<Done, Failure> removed = removeMetadataAddress();
    if (const Result<Done, int> dropped = dropAllCapabilities(); !dropped && removed)
        removed = Failure{"drop-capabilities", dropped.error()};
    const std::string line = removed ? std::string("OK\n") : errorLine(removed.error());
    std::fputs(line.c_str(), stdout);
    return removed ? kExitOk : kExitFailed;
}

int serve(int channel)
{
    Result<UniqueFd, Failure> listener = listenOnMetadataAddress();
    // Nothing after this point needs a privilege, including talking to the app.
    if (const Result<Done, int> dropped = dropAllCapabilities(); !dropped)
        listener = Failure{"drop-capabilities", dropped.error()};

    if (!listener) {
        const bool sent = sendStatus(channel, errorLine(listener.error()), -1).ok();
        return sent ? kExitFailed : kExitUnreported;
    }
    const bool sent = sendStatus(channel, "OK\n", listener.value().get()).ok();
    return sent ? kExitOk : kExitUnreported;
}

int run(int argc, char **argv)
{
    // The design relies on file capabilities; a setuid/setgid install would hand root's
    // identity to anyone in the imsa group.
    if (::getuid() != ::geteuid() || ::getgid() != ::getegid())
        return refuse("refusing to run setuid or setgid; install with file capabilities instead "
                      "(setcap cap_net_bind_service,cap_net_admin+ep)");
    if (argc != 2)
        return refuse("expected exactly one argument");

    const std::string_view argument = argv[1];
    if (argument == "--check")
        return runCheck();
    if (argument == "--remove")
        return runRemove();
    if (!argument.starts_with(kFdOption))
        return refuse("unknown argument '" + std::string(argument) + "'");

    const Result<int, std::string> fd = parseFd(argument.substr(kFdOption.size()));
    if (!fd)
        return refuse(fd.error());
    if (const Result<Done, std::string> usable = checkStatusChannel(fd.value()); !usable)
        return refuse(std::string(argument) + ": " + usable.error());
    return serve(fd.value());
}

} // namespace
} // namespace imsa::helper

// An exception that escapes ends the helper (std::terminate): failing closed is what it should do.
int main(int argc, char **argv) // NOLINT(bugprone-exception-escape)
{
    // Nothing from the caller's environment may steer a privileged process; nothing here
    // reads it, and clearing it keeps it so for libc as well.
    ::clearenv();
    return imsa::helper::run(argc, argv);
}
