#include <cerrno>
#include <csignal>

#include <QDeadlineTimer>
#include <QThread>

#include "appcall.h"

namespace imsa::cli {

namespace {

constexpr int stopTimeoutMs = 5000;

/// Asks the app to stop: over the control socket, else (the socket is gone) with SIGTERM, on
/// which the app quits as cleanly. Returns its pid, or nullopt after printing why not.
std::optional<qint64> requestStop(Io &io)
{
    ControlClient client;
    if (client.connectToApp()) {
        const auto reply = client.call(ipc::commands::stop);
        if (!reply) {
            io.err << "imsa stop: " << reply.error().message << "\n";
            return std::nullopt;
        }
        return reply->value(ipc::keys::pid).toInteger();
    }
    const std::optional<qint64> pid = lockedInstancePid();
    if (!pid) {
        io.err << notRunningMessage() << "\n";
        return std::nullopt;
    }
    io.err << "imsa (pid " << *pid
           << ") does not answer on its control socket; sending it SIGTERM\n";
    if (::kill(static_cast<pid_t>(*pid), SIGTERM) != 0) {
        io.err << "imsa stop: cannot signal pid " << *pid << ": " << qt_error_string(errno) << "\n";
        return std::nullopt;
    }
    return pid;
}

} // namespace

int runStop(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    if (auto exit = parseArguments(parser, arguments, io,
                                   QStringLiteral("imsa stop\n\nStop the running imsa.")))
        return *exit;
    const std::optional<qint64> pid = requestStop(io);
    if (!pid)
        return ExitFailure;

    // Return once the process is gone, so that `imsa stop && imsa start` works. A zombie has
    // exited too; only its parent has not collected it yet.
    QDeadlineTimer deadline(stopTimeoutMs);
    while (::kill(static_cast<pid_t>(*pid), 0) == 0 && !deadline.hasExpired())
        QThread::msleep(10);
    if (isLiveProcessNamed(*pid, {})) {
        io.err << "imsa stop: imsa (pid " << *pid << ") did not stop within 5 s\n";
        return ExitFailure;
    }
    io.out << "imsa stopped.\n";
    return ExitOk;
}

} // namespace imsa::cli
