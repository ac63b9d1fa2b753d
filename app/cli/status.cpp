#include <QJsonArray>
#include <QJsonDocument>

#include "appcall.h"
#include "imsa/usertext.h"

namespace imsa::cli {

int runStatus(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (auto exit = parseArguments(parser, arguments, io,
                                   QStringLiteral("imsa status [--json]\n\n"
                                                  "Show whether imsa runs, where it serves and "
                                                  "what, and when credentials expire.")))
        return *exit;

    ControlClient client;
    if (!client.connectToApp()) {
        // The app can live on without its socket (it recreates a lost one); its lock names it.
        const std::optional<qint64> pid = lockedInstancePid();
        if (parser.isSet(json)) {
            QJsonObject state{{ipc::keys::running, pid.has_value()}};
            if (pid) {
                state.insert(ipc::keys::pid, *pid);
                state.insert(QStringLiteral("error"), unreachableMessage(*pid));
            }
            io.out << QJsonDocument(state).toJson(QJsonDocument::Compact) << "\n";
        } else {
            io.out << (pid ? unreachableMessage(*pid) : notRunningMessage()) << "\n";
        }
        // Exit 1 like every command that needs the app: scripts use it to test for a running imsa.
        return ExitFailure;
    }
    auto reply = client.call(ipc::commands::status);
    if (!reply) {
        io.err << "imsa status: " << reply.error().message << "\n";
        return ExitFailure;
    }
    const QJsonObject &status = reply.value();
    if (parser.isSet(json)) {
        io.out << QJsonDocument(status).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }

    const QDateTime now = QDateTime::currentDateTimeUtc();
    io.out << "imsa is running (pid " << status.value(ipc::keys::pid).toInteger() << ")\n";
    io.out << "  endpoint:     " << status.value(ipc::keys::endpoint).toString() << "\n";
    const QString profile = status.value(ipc::keys::profile).toString();
    io.out << "  profile:      "
           << (profile.isEmpty() ? QStringLiteral("(none; run: imsa assume PROFILE)") : profile)
           << "\n";
    if (!status.value(ipc::keys::roleArn).toString().isEmpty())
        io.out << "  role:         " << status.value(ipc::keys::roleArn).toString() << "\n";
    if (!profile.isEmpty())
        io.out << "  state:        " << status.value(ipc::keys::state).toString() << "\n";
    if (status.contains(ipc::keys::stsEndpoint))
        io.out << "  STS endpoint: " << status.value(ipc::keys::stsEndpoint).toString()
               << " (not AWS)\n";
    const auto printExpiry = [&](const char *label, const QJsonValue &value) {
        const QDateTime time = QDateTime::fromString(value.toString(), Qt::ISODate);
        if (time.isValid())
            io.out << label << value.toString() << " ("
                   << remainingText(now, time, TextLanguage::English) << ")\n";
    };
    printExpiry("  credentials:  ", status.value(ipc::keys::expiration));
    printExpiry("  MFA session:  ", status.value(ipc::keys::mfaSessionExpiration));
    io.out << "  key store:    " << status.value(ipc::keys::keyStore).toString() << "\n";
    if (status.contains(ipc::keys::lastError))
        io.out << "  last error:   " << status.value(ipc::keys::lastError).toString() << "\n";
    for (const auto &warning : status.value(ipc::keys::warnings).toArray())
        io.out << "warning: " << warning.toString() << "\n";
    for (const auto &error : status.value(ipc::keys::configErrors).toArray())
        io.out << "configuration change rejected: " << error.toString() << "\n";
    return ExitOk;
}

} // namespace imsa::cli
