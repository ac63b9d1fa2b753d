#include "appcall.h"

namespace imsa::cli {

bool connectOrComplain(ControlClient &client, Io &io)
{
    if (client.connectToApp())
        return true;
    io.err << notRunningMessage() << "\n";
    return false;
}

std::optional<QJsonObject> simpleCall(const QString &command, const QJsonObject &args, Io &io)
{
    ControlClient client;
    if (!connectOrComplain(client, io))
        return std::nullopt;
    auto reply = client.call(command, args);
    if (!reply) {
        io.err << "imsa " << command << ": " << reply.error().message << "\n";
        return std::nullopt;
    }
    return reply.value();
}

} // namespace imsa::cli
