#include <cstdio>

#include <QCoreApplication>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QTimer>

#include "cli/command.h"
#include "cli/doctor.h"
#include "keystore/filekeystore.h"
#include "keystore/keychainkeystore.h"
#include "platform/coreapplication.h"
#include "platform/processhardening.h"

// The imsa command line: the composition root of the CLI. The apps that `imsa start` runs are
// programs of their own (imsa-service, imsa-tray), so no command loads Qt Widgets, Gui or the
// HTTP server.

namespace {

imsa::cli::KeychainProbe probeKeychain()
{
    using imsa::app::KeychainKeyStore;
    imsa::cli::KeychainProbe result{false, QStringLiteral("no answer")};
    QEventLoop loop;
    KeychainKeyStore::probe(&loop, [&](bool available, const QString &why) {
        result = imsa::cli::KeychainProbe{available, why};
        loop.quit();
    });
    // The probe has its own timeout; this one only guards against a callback that never comes.
    QTimer::singleShot(KeychainKeyStore::probeTimeout * 2, &loop, &QEventLoop::quit);
    loop.exec();
    return result;
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

} // namespace

int main(int argc, char *argv[])
{
    using namespace imsa;
    app::hardenProcess();
    const std::unique_ptr<QCoreApplication> application = app::createCoreApplication(argc, argv);
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
    const cli::KeyStoreProbes keyStore{probeKeychain, app::FileKeyStore::defaultPath()};
    for (const cli::Command &command : cli::commands(keyStore)) {
        if (command.name == name)
            return command.run(arguments, io);
    }
    err << "imsa: unknown command '" << name << "'\n\n";
    printUsage(err);
    return cli::ExitUsage;
}
