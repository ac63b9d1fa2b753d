#include "appcall.h"
#include "mfainteraction.h"
#include "platform/shellquote.h"

namespace imsa::cli {

int runEnv(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("sh (default), fish or powershell."),
                                    QStringLiteral("FORMAT"), QStringLiteral("sh"));
    parser.addOption(mfaCode);
    parser.addOption(format);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile for this shell."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral(
                        "imsa env PROFILE [--format sh|fish|powershell]\n\n"
                        "Print the container-credentials variables that make the AWS tools of "
                        "one shell use PROFILE, refreshed by the SDK, while the rest of the "
                        "machine uses the active profile:\n"
                        "  eval \"$(imsa env PROFILE)\"")))
        return *exit;
    if (auto exit = requireProfileArgument(parser, arguments.first(), io))
        return *exit;
    const std::optional<ShellSyntax> syntax = shellSyntax(parser.value(format));
    if (!syntax) {
        io.err << "imsa env: unknown format '" << parser.value(format)
               << "' (use sh, fish or powershell)\n";
        return ExitUsage;
    }

    const QString profile = parser.positionalArguments().first();
    const std::optional<QJsonObject> reply =
            callWithMfa(ipc::commands::env, profile, parser.value(mfaCode), io);
    if (!reply)
        return ExitFailure;
    io.out << exportLine(*syntax, QStringLiteral("AWS_CONTAINER_CREDENTIALS_FULL_URI"),
                         reply->value(ipc::keys::uri).toString())
           << "\n"
           << exportLine(*syntax, QStringLiteral("AWS_CONTAINER_AUTHORIZATION_TOKEN"),
                         reply->value(ipc::keys::token).toString())
           << "\n"
           << exportLine(*syntax, QStringLiteral("IMSA_PROFILE"), profile) << "\n";
    return ExitOk;
}

} // namespace imsa::cli
