#include <QJsonDocument>

#include "appcall.h"
#include "mfainteraction.h"
#include "platform/shellquote.h"

namespace imsa::cli {

int runExport(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    const QCommandLineOption format(QStringLiteral("format"),
                                    QStringLiteral("sh (default), fish, powershell or json."),
                                    QStringLiteral("FORMAT"), QStringLiteral("sh"));
    parser.addOption(mfaCode);
    parser.addOption(format);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile to export."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa export PROFILE [--format sh|fish|powershell|json]\n\n"
                               "Print PROFILE's credentials as environment variables, for\n"
                               "  eval \"$(imsa export PROFILE)\"\n"
                               "Reuses the MFA session; does not change the active profile.")))
        return *exit;
    if (auto exit = requireProfileArgument(parser, arguments.first(), io))
        return *exit;
    const std::optional<ShellSyntax> syntax = shellSyntax(parser.value(format));
    if (!syntax && parser.value(format) != QLatin1StringView("json")) {
        io.err << "imsa export: unknown format '" << parser.value(format)
               << "' (use sh, fish, powershell or json)\n";
        return ExitUsage;
    }

    const QString profile = parser.positionalArguments().first();
    const std::optional<QJsonObject> reply =
            callWithMfa(ipc::commands::credentials, profile, parser.value(mfaCode), io);
    if (!reply)
        return ExitFailure;

    const QList<std::pair<QString, QString>> variables{
            {QStringLiteral("AWS_ACCESS_KEY_ID"), reply->value(ipc::keys::accessKeyId).toString()},
            {QStringLiteral("AWS_SECRET_ACCESS_KEY"),
             reply->value(ipc::keys::secretAccessKey).toString()},
            {QStringLiteral("AWS_SESSION_TOKEN"), reply->value(ipc::keys::sessionToken).toString()},
            {QStringLiteral("IMSA_PROFILE"), profile},
            {QStringLiteral("IMSA_PROFILE_EXPIRATION"),
             reply->value(ipc::keys::credentialExpiration).toString()},
    };
    if (!syntax) {
        QJsonObject object;
        for (const auto &[name, value] : variables)
            object.insert(name, value);
        io.out << QJsonDocument(object).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }
    for (const auto &[name, value] : variables)
        io.out << exportLine(*syntax, name, value) << "\n";
    return ExitOk;
}

} // namespace imsa::cli
