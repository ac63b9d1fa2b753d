#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QThread>

#include "command.h"
#include "controlclient.h"
#include "firstrun.h"
#include "imsa/profileloader.h"
#include "platform/installpaths.h"
#include "platform/listenaddress.h"
#include "platform/statedir.h"

// `imsa start` runs the app: imsa-tray in a graphical session, imsa-service otherwise. With
// --foreground it becomes the app (exec, so systemd and the caller keep the pid they started);
// without, it starts the app in the background and returns once the app answers.

namespace imsa::cli {

namespace {

constexpr int startTimeoutMs = 10'000;

struct StartOptions
{
    bool tray = false;
    QString logFile;
    QStringList appArguments; ///< what the app is given besides --log-file
};

/// imsa-tray when a display is there, --headless is not given and the tray was built.
QString appProgram(const StartOptions &options)
{
    if (options.tray) {
        QString tray = app::internalProgramPath(QStringLiteral("imsa-tray"));
        if (QFileInfo::exists(tray))
            return tray;
    }
    return app::internalProgramPath(QStringLiteral("imsa-service"));
}

QStringList appArguments(const StartOptions &options)
{
    QStringList arguments = options.appArguments;
    if (!options.logFile.isEmpty())
        arguments << QStringLiteral("--log-file") << options.logFile;
    return arguments;
}

/// Becomes the app; returns only when that fails.
int runForeground(const StartOptions &options, Io &io)
{
    const QString program = appProgram(options);
    QList<QByteArray> arguments{QFile::encodeName(program)};
    for (const QString &argument : appArguments(options))
        arguments.append(argument.toLocal8Bit());
    std::vector<char *> argv;
    for (QByteArray &argument : arguments)
        argv.push_back(argument.data());
    argv.push_back(nullptr);
    io.out.flush();
    io.err.flush();
    ::execv(argv.front(), argv.data());
    io.err << "imsa start: cannot run " << program << ": " << qt_error_string(errno) << "\n";
    return ExitFailure;
}

/// The running app's warnings (e.g. that it could not serve where AWS tools look).
void printWarnings(const QJsonObject &status, Io &io)
{
    for (const auto &warning : status.value(ipc::keys::warnings).toArray())
        io.err << "warning: " << warning.toString() << "\n";
}

/// Reports an imsa that runs but does not answer on its control socket (it holds the instance
/// lock), for `start` to say instead of starting a second one. False when there is none.
bool reportSilentInstance(Io &io)
{
    const std::optional<qint64> pid = lockedInstancePid();
    if (!pid)
        return false;
    io.out << "imsa is already running; " << unreachableMessage(*pid) << "\n";
    return true;
}

/// Starts the app as a detached process and returns once it answers on the control socket.
int runDetached(const StartOptions &options, Io &io)
{
    QProcess process;
    process.setProgram(appProgram(options));
    process.setArguments(appArguments(options));
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(options.logFile, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        io.err << "imsa start: cannot run " << process.program() << ": " << process.errorString()
               << "\n";
        return ExitFailure;
    }

    QDeadlineTimer deadline(startTimeoutMs);
    while (!deadline.hasExpired()) {
        ControlClient client;
        if (client.connectToApp(100)) {
            auto status = client.call(ipc::commands::status);
            if (status) {
                io.out << "imsa is running (pid " << status->value(ipc::keys::pid).toInteger()
                       << "), serving instance metadata on "
                       << status->value(ipc::keys::endpoint).toString() << "\n";
                printWarnings(status.value(), io);
                return ExitOk;
            }
        }
        if (!isLiveProcessNamed(pid, {}))
            break;
        QThread::msleep(10);
    }
    // The app exits on every failed start; one that started at the same time may have won.
    if (!isLiveProcessNamed(pid, {}) && reportSilentInstance(io))
        return ExitOk;
    if (isLiveProcessNamed(pid, {})) {
        // Still not answering after the deadline: a failed start leaves no app behind.
        ::kill(static_cast<pid_t>(pid), SIGTERM);
        io.err << "imsa start: imsa did not answer within " << startTimeoutMs / 1000
               << " s and was stopped";
    } else {
        io.err << "imsa start: imsa did not come up";
    }
    io.err << "; the end of " << options.logFile << " says:\n";
    QFile log(options.logFile);
    if (log.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> lines = log.readAll().split('\n');
        for (qsizetype i = std::max<qsizetype>(0, lines.size() - 6); i < lines.size(); ++i)
            io.err << "  " << QString::fromUtf8(lines.at(i)) << "\n";
    }
    return ExitFailure;
}

} // namespace

int runStart(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption foreground(
            QStringLiteral("foreground"),
            QStringLiteral("Stay attached (for systemd); log to stderr."));
    const QCommandLineOption headless(QStringLiteral("headless"),
                                      QStringLiteral("No tray icon, even in a graphical session."));
    const QCommandLineOption listen(
            QStringLiteral("listen"),
            QStringLiteral("Serve on ADDR:PORT (default 169.254.169.254:80 through imsa-helper; "
                           "port 0 = any free port)."),
            QStringLiteral("ADDR:PORT"));
    const QCommandLineOption logFile(QStringLiteral("log-file"),
                                     QStringLiteral("Log here (default: stderr with --foreground, "
                                                    "else $XDG_STATE_HOME/imsa/imsa.log)."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption imdsv2Only(
            QStringLiteral("imdsv2-only"),
            QStringLiteral("Refuse IMDSv1 requests (no session token)."));
    const QCommandLineOption threads(
            QStringLiteral("threads"),
            QStringLiteral("Serve the metadata endpoint from N threads (default: IMSA_THREADS, "
                           "else one per CPU)."),
            QStringLiteral("N"));
    parser.addOptions({foreground, headless, listen, logFile, imdsv2Only, threads});
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa start [--foreground] [--headless] [--listen ADDR:PORT] "
                               "[--log-file FILE] [--imdsv2-only] [--threads N]\n\n"
                               "Start imsa: the metadata endpoint, the tray icon and the control "
                               "socket the other commands use.")))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        io.err << "imsa start: unexpected argument '" << parser.positionalArguments().first()
               << "'\n";
        return ExitUsage;
    }

    StartOptions options;
    if (parser.isSet(listen)) {
        // Checked here too, so that a typo fails before anything starts.
        if (auto parsed = app::ListenAddress::parse(parser.value(listen)); !parsed) {
            io.err << "imsa start: --listen: " << parsed.error().message << "\n";
            return ExitUsage;
        }
        options.appArguments << QStringLiteral("--listen") << parser.value(listen);
    }
    if (parser.isSet(imdsv2Only))
        options.appArguments << QStringLiteral("--imdsv2-only");
    // The app checks the number: its refusal reaches the user through the failed start.
    if (parser.isSet(threads))
        options.appArguments << QStringLiteral("--threads") << parser.value(threads);
    options.tray = !parser.isSet(headless)
            && (qEnvironmentVariableIsSet("DISPLAY")
                || qEnvironmentVariableIsSet("WAYLAND_DISPLAY"));
    options.logFile = parser.value(logFile);

    {
        ControlClient client;
        if (client.connectToApp(200)) {
            auto status = client.call(ipc::commands::status);
            io.out << "imsa is already running (pid "
                   << (status ? status->value(ipc::keys::pid).toInteger() : 0) << "), serving on "
                   << (status ? status->value(ipc::keys::endpoint).toString() : QString()) << "\n";
            if (status)
                printWarnings(status.value(), io);
            return ExitOk;
        }
        if (reportSilentInstance(io))
            return ExitOk;
    }

    // Start anyway: imsa watches the files and picks up profiles as they are written.
    if (const ConfigPaths paths = ConfigPaths::fromEnvironment();
        !hasAnythingToServe(loadProfiles(paths)))
        io.err << firstRunHelp(paths) << "\n";

    if (parser.isSet(foreground))
        return runForeground(options, io);
    if (options.logFile.isEmpty())
        options.logFile = app::defaultLogFile();
    return runDetached(options, io);
}

} // namespace imsa::cli
