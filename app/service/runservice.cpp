#include "runservice.h"

#include <fcntl.h>
#include <optional>
#include <signal.h>
#include <unistd.h>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>

#include "filelimit.h"
#include "logsetup.h"
#include "platform/exitcode.h"
#include "service.h"

namespace imsa::app {

namespace {

/// SIGTERM/SIGINT end the app cleanly (systemd stops it with SIGTERM): the signal handler only
/// writes to a pipe; the event loop does the rest.
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

/// More threads than this buy nothing but memory: each holds its share of the connections.
constexpr int maxServingThreads = 64;

std::optional<int> parseThreadCount(const QString &text)
{
    bool ok = false;
    const int count = text.toInt(&ok);
    if (!ok || count < 1 || count > maxServingThreads)
        return std::nullopt;
    return count;
}

int serve(const Service::Options &options, const UiFactory &uiFactory, QTextStream &err)
{
    quitOnSignals();
    Service service(options);
    std::optional<int> failure;
    QObject::connect(&service, &Service::startFailed, qApp,
                     [&](Service::StartFailure reason, const QString &message) {
                         err << "imsa start: " << message << "\n";
                         err.flush();
                         // A second start finds the first one running: that is success, as
                         // with `imsa start`.
                         failure = reason == Service::StartFailure::AlreadyRunning ? ExitOk
                                                                                   : ExitFailure;
                         // Ends the loop when the failure comes from it (the helper); does
                         // nothing before exec().
                         QCoreApplication::exit(*failure);
                     });
    QObject::connect(&service, &Service::stopRequested, qApp, &QCoreApplication::quit,
                     Qt::QueuedConnection);
    QObject::connect(&service, &Service::started, qApp, [&] {
        if (uiFactory)
            uiFactory(service);
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

} // namespace

int runService(const QStringList &arguments, const UiFactory &uiFactory)
{
    QTextStream err(stderr);
    QCommandLineParser parser;
    const QCommandLineOption listen(QStringLiteral("listen"), QStringLiteral("Serve on ADDR:PORT."),
                                    QStringLiteral("ADDR:PORT"));
    const QCommandLineOption logFile(QStringLiteral("log-file"),
                                     QStringLiteral("Log here instead of stderr."),
                                     QStringLiteral("FILE"));
    const QCommandLineOption imdsv2Only(QStringLiteral("imdsv2-only"),
                                        QStringLiteral("Refuse IMDSv1 requests."));
    const QCommandLineOption threads(
            QStringLiteral("threads"),
            QStringLiteral("Serve the metadata endpoint from N threads (default: IMSA_THREADS, "
                           "else one per CPU)."),
            QStringLiteral("N"));
    parser.addOptions({listen, logFile, imdsv2Only, threads});
    if (!parser.parse(arguments) || !parser.positionalArguments().isEmpty()) {
        err << "imsa start: "
            << (parser.errorText().isEmpty() ? QStringLiteral("unexpected argument '%1'")
                                                       .arg(parser.positionalArguments().first())
                                             : parser.errorText())
            << "\n";
        return ExitUsage;
    }
    Service::Options options;
    if (parser.isSet(listen)) {
        auto parsed = ListenAddress::parse(parser.value(listen));
        if (!parsed) {
            err << "imsa start: --listen: " << parsed.error().message << "\n";
            return ExitUsage;
        }
        options.listen = parsed.value();
    }
    options.imdsv2Only = parser.isSet(imdsv2Only);
    const QString threadCount =
            parser.isSet(threads) ? parser.value(threads) : qEnvironmentVariable("IMSA_THREADS");
    if (!threadCount.isEmpty()) {
        const std::optional<int> parsed = parseThreadCount(threadCount);
        if (!parsed) {
            err << "imsa start: " << (parser.isSet(threads) ? "--threads" : "IMSA_THREADS")
                << ": not a number from 1 to " << maxServingThreads << ": " << threadCount << "\n";
            return ExitUsage;
        }
        options.threads = *parsed;
    }
    options.helperPath = qEnvironmentVariable("IMSA_HELPER");
    const QString accessLog = qEnvironmentVariable("IMSA_ACCESS_LOG");
    if (!accessLog.isEmpty() && accessLog != u"on" && accessLog != u"off") {
        err << "imsa start: IMSA_ACCESS_LOG: 'on' or 'off', not '" << accessLog << "'\n";
        return ExitUsage;
    }
    options.accessLog = accessLog != u"off";

    setUpLogging(parser.value(logFile));
    // Before anything opens a descriptor; the connection caps are derived from it.
    raiseOpenFileLimit();
    return serve(options, uiFactory, err);
}

} // namespace imsa::app
