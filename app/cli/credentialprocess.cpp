#include <QJsonDocument>

#include "appcall.h"
#include "mfainteraction.h"

namespace imsa::cli {

int runCredentialProcess(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    parser.addOption(mfaCode);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile to print."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral(
                        "imsa credential-process PROFILE\n\n"
                        "Print PROFILE's credentials as credential_process JSON (Version 1), "
                        "for ~/.aws/config:\n"
                        "  [profile work]\n"
                        "  credential_process = imsa credential-process work")))
        return *exit;
    if (auto exit = requireProfileArgument(parser, arguments.first(), io))
        return *exit;

    const QString profile = parser.positionalArguments().first();
    const std::optional<QJsonObject> reply =
            callWithMfa(ipc::commands::credentials, profile, parser.value(mfaCode), io);
    if (!reply)
        return ExitFailure;
    const QJsonObject output{
            {QStringLiteral("Version"), 1},
            {QStringLiteral("AccessKeyId"), reply->value(ipc::keys::accessKeyId)},
            {QStringLiteral("SecretAccessKey"), reply->value(ipc::keys::secretAccessKey)},
            {QStringLiteral("SessionToken"), reply->value(ipc::keys::sessionToken)},
            {QStringLiteral("Expiration"), reply->value(ipc::keys::credentialExpiration)},
    };
    io.out << QJsonDocument(output).toJson(QJsonDocument::Compact) << "\n";
    return ExitOk;
}

} // namespace imsa::cli
