#include <signal.h>

#include <QDeadlineTimer>
#include <QThread>

#include "appcall.h"

namespace imsa::cli {

int runStop(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    if (auto exit = parseArguments(parser, arguments, io,
                                   QStringLiteral("imsa stop\n\nStop the running imsa.")))
        return *exit;
    const std::optional<QJsonObject> reply = simpleCall(QStringLiteral("stop"), {}, io);
    if (!reply)
        return ExitFailure;

    // Return once the process is gone, so that `imsa stop && imsa start` works.
    const auto pid = static_cast<pid_t>(reply->value(u"pid").toInteger());
    QDeadlineTimer deadline(5000);
    while (kill(pid, 0) == 0 && !deadline.hasExpired())
        QThread::msleep(10);
    if (kill(pid, 0) == 0) {
        io.err << "imsa stop: imsa (pid " << pid << ") did not stop within 5 s\n";
        return ExitFailure;
    }
    io.out << "imsa stopped.\n";
    return ExitOk;
}

} // namespace imsa::cli
