#include <QDateTime>
#include <QJsonDocument>

#include "appcall.h"
#include "runtime/statusview.h"

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

    // The same lines as the `imsa` launcher prints when it asks the app itself.
    const QByteArray compact = QJsonDocument(status).toJson(QJsonDocument::Compact);
    const std::optional<runtime::JsonValue> view = runtime::parseJson(compact.toStdString());
    io.out << QString::fromStdString(
            view ? runtime::renderStatus(*view, QDateTime::currentSecsSinceEpoch())
                 : std::string());
    return ExitOk;
}

} // namespace imsa::cli
