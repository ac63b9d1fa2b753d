#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include "appcall.h"

namespace imsa::cli {

namespace {

/// PROGRAM as the access log names it: the executable as /proc/PID/exe shows it (absolute,
/// symbolic links resolved, found on PATH if given as a bare name), and an interpreter's
/// script as an absolute path.
QString programName(const QStringList &words)
{
    QString executable = words.first();
    if (!executable.contains(u'/'))
        executable = QStandardPaths::findExecutable(executable);
    const QString canonical = QFileInfo(executable).canonicalFilePath();
    QStringList parts{canonical.isEmpty() ? words.first() : canonical};
    for (const QString &word : words.mid(1)) {
        const bool isPath =
                !word.startsWith(u'-') && (word.contains(u'/') || QFileInfo::exists(word));
        parts.append(isPath ? QDir::cleanPath(QDir::current().absoluteFilePath(word)) : word);
    }
    return parts.join(u' ');
}

int changeApproval(const QStringList &arguments, Io &io, bool approve)
{
    const QString &command = arguments.first();
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("A profile with `access: ask`."));
    parser.addPositionalArgument(QStringLiteral("PROGRAM"),
                                 QStringLiteral("An executable, or an interpreter and its script "
                                                "(as `imsa log` shows them)."));
    const QString usage = approve
            ? QStringLiteral("imsa allow PROFILE PROGRAM [SCRIPT]\n\n"
                             "Let PROGRAM take PROFILE's credentials (profiles with `access: "
                             "ask`).\nFor an interpreter give its script too: imsa allow prod "
                             "python3 ~/bin/deploy.py")
            : QStringLiteral("imsa deny PROFILE PROGRAM [SCRIPT]\n\n"
                             "Withdraw what `imsa allow` granted.");
    if (auto exit = parseArguments(parser, arguments, io, usage))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2) {
        io.err << "imsa " << command << ": needs PROFILE and PROGRAM\n";
        return ExitUsage;
    }
    const QString program = programName(positional.mid(1));
    const std::optional<QJsonObject> reply = simpleCall(
            approve ? ipc::commands::allow : ipc::commands::deny,
            {{ipc::keys::profile, positional.first()}, {ipc::keys::program, program}}, io);
    if (!reply)
        return ExitFailure;
    io.out << (approve ? "allowed " : "denied ") << program << " for profile "
           << reply->value(ipc::keys::profile).toString() << "\n";
    return ExitOk;
}

} // namespace

int runAllow(const QStringList &arguments, Io &io)
{
    return changeApproval(arguments, io, true);
}

int runDeny(const QStringList &arguments, Io &io)
{
    return changeApproval(arguments, io, false);
}

} // namespace imsa::cli
