#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QSocketNotifier>
#include <QThread>

#include "cli/command.h"
#include "cli/controlclient.h"
#include "cli/firstrun.h"
#include "logsetup.h"
#include "service/filelimit.h"
#include "service/service.h"
#include "startoptions.h"

namespace imsa::app {

namespace {

constexpr int startTimeoutMs = 10'000;

/// SIGTERM/SIGINT end the foreground app cleanly (systemd stops it with SIGTERM): the signal
/// handler only writes to a pipe; the event loop does the rest.
void quitOnSignals()
{
    static int pipeFds[2];
    if (pipe2(pipeFds, O_CLOEXEC) != 0)
        return;

    struct sigaction action
    { };

    action.sa_handler = [](int) {
        const char byte = 1;
        [[maybe_unused]] const ssize_t written = ::write(pipeFds[1], &byte, 1);
    };
    sigemptyset(&action.sa_mask);
    sigaction(SIGTERM, &action, nullptr);
    sigaction(SIGINT, &action, nullptr);
    auto *notifier = new QSocketNotifier(pipeFds[0], QSocketNotifier::Read, qApp);
    QObject::connect(notifier, &QSocketNotifier::activated, qApp, &QCoreApplication::quit);
}

int runForeground(const StartOptions &options, cli::Io &io)
{
    setUpLogging(options.logFile);
    quitOnSignals();
    // Before anything opens a descriptor; the connection caps are derived from it.
    raiseOpenFileLimit();
    Service::Options serviceOptions;
    serviceOptions.listen = options.listen;
    serviceOptions.imdsv2Only = options.imdsv2Only;
    serviceOptions.helperPath = qEnvironmentVariable("IMSA_HELPER");
    Service service(serviceOptions);
    std::optional<int> failure;
    QObject::connect(&service, &Service::startFailed, qApp, [&](const QString &message) {
        io.err << "imsa start: " << message << "\n";
        io.err.flush();
        // A second start finds the first one running: that is success, as with `imsa start`.
        failure = message == QLatin1StringView("imsa is already running") ? cli::ExitOk
                                                                          : cli::ExitFailure;
        // Ends the loop when the failure comes from it (the helper); does nothing before exec().
        QCoreApplication::exit(*failure);
    });
    QObject::connect(&service, &Service::stopRequested, qApp, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    QObject::connect(&service, &Service::started, qApp, [&] {
        if (!options.uiFactory)
            return;
        options.uiFactory(service);
    });
    service.start();
    // Most failures (the lock, the runtime directory, a port in use) come from start() itself,
    // before there is a loop for exit() to end; exec() would then run forever.
    if (failure)
        return *failure;
    const int loopExit = QCoreApplication::exec();
    service.shutDown();
    return failure.value_or(loopExit);
}

/// The running app's warnings (e.g. that it could not serve where AWS tools look).
void printWarnings(const QJsonObject &status, cli::Io &io)
{
    for (const QJsonValue &warning : status.value(ipc::keys::warnings).toArray())
        io.err << "warning: " << warning.toString() << "\n";
}

/// Reports an imsa that runs but does not answer on its control socket (it holds the instance
/// lock), for `start` to say instead of starting a second one. False when there is none.
bool reportSilentInstance(cli::Io &io)
{
    const std::optional<qint64> pid = cli::lockedInstancePid();
    if (!pid)
        return false;
    io.out << "imsa is already running; " << cli::unreachableMessage(*pid) << "\n";
    return true;
}

/// Starts the app as a detached process and returns once it answers on the control socket.
int runDetached(const StartOptions &options, const QStringList &forwarded, cli::Io &io)
{
    QProcess process;
    process.setProgram(QCoreApplication::applicationFilePath());
    process.setArguments(QStringList{QStringLiteral("start"), QStringLiteral("--foreground"),
                                     QStringLiteral("--log-file"), options.logFile}
                         + forwarded);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(options.logFile, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        io.err << "imsa start: cannot run " << process.program() << ": " << process.errorString()
               << "\n";
        return cli::ExitFailure;
    }

    QDeadlineTimer deadline(startTimeoutMs);
    while (!deadline.hasExpired()) {
        cli::ControlClient client;
        if (client.connectToApp(100)) {
            auto status = client.call(ipc::commands::status);
            if (status) {
                io.out << "imsa is running (pid " << status->value(ipc::keys::pid).toInteger()
                       << "), serving instance metadata on "
                       << status->value(ipc::keys::endpoint).toString() << "\n";
                printWarnings(status.value(), io);
                return cli::ExitOk;
            }
        }
        if (!cli::isLiveProcessNamed(pid, {}))
            break;
        QThread::msleep(10);
    }
    // The app exits on every failed start; one that started at the same time may have won.
    if (!cli::isLiveProcessNamed(pid, {}) && reportSilentInstance(io))
        return cli::ExitOk;
    if (cli::isLiveProcessNamed(pid, {})) {
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
    return cli::ExitFailure;
}

} // namespace

int runStart(const QStringList &arguments, cli::Io &io, const UiFactory &uiFactory)
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
    parser.addOptions({foreground, headless, listen, logFile, imdsv2Only});
    if (auto exit = cli::parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa start [--foreground] [--headless] [--listen ADDR:PORT] "
                               "[--log-file FILE] [--imdsv2-only]\n\n"
                               "Start imsa: the metadata endpoint, the tray icon and the control "
                               "socket the other commands use.")))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        io.err << "imsa start: unexpected argument '" << parser.positionalArguments().first()
               << "'\n";
        return cli::ExitUsage;
    }

    StartOptions options;
    if (parser.isSet(listen)) {
        auto parsed = ListenAddress::parse(parser.value(listen));
        if (!parsed) {
            io.err << "imsa start: --listen: " << parsed.error() << "\n";
            return cli::ExitUsage;
        }
        options.listen = parsed.value();
    }
    options.imdsv2Only = parser.isSet(imdsv2Only);
    options.logFile = parser.value(logFile);

    {
        cli::ControlClient client;
        if (client.connectToApp(200)) {
            auto status = client.call(ipc::commands::status);
            io.out << "imsa is already running (pid "
                   << (status ? status->value(ipc::keys::pid).toInteger() : 0) << "), serving on "
                   << (status ? status->value(ipc::keys::endpoint).toString() : QString()) << "\n";
            if (status)
                printWarnings(status.value(), io);
            return cli::ExitOk;
        }
        if (reportSilentInstance(io))
            return cli::ExitOk;
    }

    // Start anyway: imsa watches the files and picks up profiles as they are written.
    if (const ConfigPaths paths = ConfigPaths::fromEnvironment();
        loadProfiles(paths).profiles.isEmpty())
        io.err << cli::firstRunHelp(paths) << "\n";

    if (parser.isSet(foreground)) {
        if (!parser.isSet(headless))
            options.uiFactory = uiFactory;
        return runForeground(options, io);
    }
    if (options.logFile.isEmpty())
        options.logFile = defaultLogFile();
    QStringList forwarded;
    for (const QCommandLineOption &option : {headless, imdsv2Only}) {
        if (parser.isSet(option))
            forwarded.append(QStringLiteral("--") + option.names().first());
    }
    if (parser.isSet(listen))
        forwarded << QStringLiteral("--listen") << parser.value(listen);
    return runDetached(options, forwarded, io);
}

} // namespace imsa::app
