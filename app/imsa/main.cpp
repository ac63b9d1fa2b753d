#include <cstdio>
#include <optional>
#include <string_view>

#include <QCoreApplication>
#include <QLoggingCategory>

#include "cli/command.h"
#include "cli/doctor.h"
#include "cli/doctorprobes.h"
#include "platform/coreapplication.h"
#include "platform/installpaths.h"
#include "platform/processhardening.h"
#include "platform/statedir.h"

// imsa-cli, the command line's composition root. `imsa` (app/launcher) runs it for every command
// but --version and `prompt`. The apps that `imsa start` runs are programs of their own
// (imsa-service, imsa-tray), and the doctor asks imsa-service about the key store, so no command
// loads Qt Widgets, Gui, the HTTP server, QtDBus or QtKeychain.

namespace {

/// Asks imsa-service, which chooses the key store when the app starts, whether the Secret
/// Service answers. Its own wait is bounded (5 s for a keyring that hangs); this bound only
/// guards against a service that never ends.
imsa::cli::KeychainProbe probeKeychain()
{
    const imsa::cli::CommandOutput probe =
            imsa::cli::runCommand(imsa::app::internalProgramPath(QStringLiteral("imsa-service")),
                                  {QStringLiteral("--probe-key-store")}, 15'000);
    if (!probe.started || !probe.error.isEmpty())
        return {false, QStringLiteral("imsa-service --probe-key-store: %1").arg(probe.error)};
    if (probe.exitCode == 0)
        return {true, {}};
    return {false, QString::fromUtf8(probe.standardOutput).trimmed()};
}

/// Asks imsa-tray, which talks to the display and to D-Bus as the tray does, which tray hosts
/// the session has; nothing to ask without a graphical session.
std::optional<imsa::cli::TrayHostProbe> probeTrayHost()
{
    if (qEnvironmentVariableIsEmpty("DISPLAY") && qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY"))
        return std::nullopt;
    imsa::cli::TrayHostProbe hosts;
    const QString tray = imsa::app::internalProgramPath(QStringLiteral("imsa-tray"));
    const imsa::cli::CommandOutput probe =
            imsa::cli::runCommand(tray, {QStringLiteral("--probe-tray-host")}, 15'000);
    if (!probe.started || !probe.error.isEmpty() || probe.exitCode != 0) {
        hosts.error = QStringLiteral("imsa-tray --probe-tray-host: %1")
                              .arg(probe.error.isEmpty()
                                           ? QString::fromUtf8(probe.standardError).trimmed()
                                           : probe.error);
        return hosts;
    }
    for (const QByteArray &line : probe.standardOutput.split('\n')) {
        const QByteArray value = line.mid(line.indexOf(' ') + 1);
        if (line.startsWith("sni "))
            hosts.statusNotifierHost = value == "yes";
        else if (line.startsWith("xembed ") && value != "none")
            hosts.xembedTray = value == "yes";
    }
    return hosts;
}

void printUsage(QTextStream &stream)
{
    stream << "Usage: imsa COMMAND [OPTIONS]\n\n"
              "Short-lived AWS credentials for every tool on this machine, served as EC2 instance\n"
              "metadata after one MFA code.\n\nCommands:\n";
    for (const imsa::cli::Command &command : imsa::cli::commands({})) {
        if (!command.summary.isEmpty())
            stream << "  " << QString(command.name).leftJustified(20) << command.summary << "\n";
    }
    stream << "\nRun 'imsa COMMAND --help' for a command's options.\n";
}

/// Whether the app judges the program that ran this command (`export`, `credential-process`
/// of an `access: ask` profile). It does so only after reading this process's executable, to
/// know it is imsa's own CLI, and a non-dumpable process's executable only root can read. These
/// commands print the credentials; traceable, they show little more (the MFA code they may ask
/// for, which a program that can trace them could read from the terminal as well).
bool judgedByItsCaller(int argc, char *argv[])
{
    if (argc < 2)
        return false;
    const std::string_view command(argv[1]);
    return command == "export" || command == "credential-process";
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace imsa;
    app::hardenProcess(judgedByItsCaller(argc, argv) ? app::Tracing::Allowed
                                                     : app::Tracing::Refused);
    const std::unique_ptr<QCoreApplication> application = app::createCoreApplication(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("imsa"));

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
    const cli::DoctorProbes probes{probeKeychain, app::keyStoreFilePath(), probeTrayHost};
    for (const cli::Command &command : cli::commands(probes)) {
        if (command.name == name)
            return command.run(arguments, io);
    }
    err << "imsa: unknown command '" << name << "'\n\n";
    printUsage(err);
    return cli::ExitUsage;
}
