#include <cstdio>

#include <QCoreApplication>
#include <QLoggingCategory>

#include "cli/command.h"
#include "platform/processhardening.h"
#include "startoptions.h"
#include "ui.h"

// One program, three faces: the CLI (every command but start), the headless app
// (`start --foreground --headless`, or no graphical session) and the tray app.

namespace imsa::cli {

int runAssume(const QStringList &, Io &);
int runExport(const QStringList &, Io &);
int runEnv(const QStringList &, Io &);
int runCredentialProcess(const QStringList &, Io &);
int runStatus(const QStringList &, Io &);
int runProfiles(const QStringList &, Io &);
int runLogout(const QStringList &, Io &);
int runStop(const QStringList &, Io &);
int runCompletion(const QStringList &, Io &);
int runCompleteProfiles(const QStringList &, Io &);
int runDoctor(const QStringList &, Io &);

namespace {

int runStartCommand(const QStringList &arguments, Io &io)
{
    return app::runStart(arguments, io, app::trayFactory());
}

} // namespace

const QList<Command> &commands()
{
    static const QList<Command> table{
            {QLatin1StringView("start"), QLatin1StringView("Start imsa (tray or headless)."),
             runStartCommand},
            {QLatin1StringView("stop"), QLatin1StringView("Stop the running imsa."), runStop},
            {QLatin1StringView("assume"),
             QLatin1StringView("Serve PROFILE to every AWS tool on this machine."), runAssume},
            {QLatin1StringView("export"),
             QLatin1StringView("Print PROFILE's credentials for eval."), runExport},
            {QLatin1StringView("env"),
             QLatin1StringView("Make one shell use PROFILE (container endpoint)."), runEnv},
            {QLatin1StringView("credential-process"),
             QLatin1StringView("Print credential_process JSON for PROFILE."), runCredentialProcess},
            {QLatin1StringView("status"),
             QLatin1StringView("Show what imsa serves and until when."), runStatus},
            {QLatin1StringView("profiles"),
             QLatin1StringView("List profiles and where their keys are."), runProfiles},
            {QLatin1StringView("logout"), QLatin1StringView("Forget the MFA session."), runLogout},
            {QLatin1StringView("doctor"),
             QLatin1StringView("Check the whole chain from imsa to the AWS tools."), runDoctor},
            {QLatin1StringView("completion"),
             QLatin1StringView("Print a bash, zsh or fish completion script."), runCompletion},
            {QLatin1StringView("__complete-profiles"), QLatin1StringView(), runCompleteProfiles},
    };
    return table;
}

} // namespace imsa::cli

namespace {

void printUsage(QTextStream &stream)
{
    stream << "Usage: imsa COMMAND [OPTIONS]\n\n"
              "Short-lived AWS credentials for every tool on this machine, served as EC2 instance\n"
              "metadata after one MFA code.\n\nCommands:\n";
    for (const imsa::cli::Command &command : imsa::cli::commands()) {
        if (!command.summary.isEmpty())
            stream << "  " << QString(command.name).leftJustified(20) << command.summary << "\n";
    }
    stream << "\nRun 'imsa COMMAND --help' for a command's options.\n";
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace imsa;
    app::hardenProcess();
    const std::unique_ptr<QCoreApplication> application = app::createApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("imsa"));
    QCoreApplication::setApplicationVersion(QStringLiteral(IMSA_VERSION));

    // Commands talk to the user through their own output; the app logs through setUpLogging().
    QLoggingCategory::setFilterRules(QStringLiteral("imsa.*.debug=false\nimsa.*.info=false"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    cli::Io io{out, err};
    QStringList arguments = QCoreApplication::arguments();
    arguments.removeFirst();
    if (arguments.isEmpty()) {
        printUsage(err);
        return cli::ExitUsage;
    }
    const QString &name = arguments.first();
    if (name == QLatin1StringView("--help") || name == QLatin1StringView("-h")
        || name == QLatin1StringView("help")) {
        printUsage(out);
        return cli::ExitOk;
    }
    if (name == QLatin1StringView("--version")) {
        out << "imsa " << QCoreApplication::applicationVersion() << "\n";
        return cli::ExitOk;
    }
    for (const cli::Command &command : cli::commands()) {
        if (command.name == name)
            return command.run(arguments, io);
    }
    err << "imsa: unknown command '" << name << "'\n\n";
    printUsage(err);
    return cli::ExitUsage;
}
