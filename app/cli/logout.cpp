#include "appcall.h"

namespace imsa::cli {

int runLogout(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    if (auto exit =
                parseArguments(parser, arguments, io,
                               QStringLiteral("imsa logout\n\n"
                                              "Forget the MFA session and every credential "
                                              "derived from it, in memory and in the key store, "
                                              "and end the IAM Identity Center sessions imsa's "
                                              "profiles use (signing them out at the portal and "
                                              "removing their cached tokens).")))
        return *exit;
    const std::optional<QJsonObject> reply = simpleCall(ipc::commands::logout, {}, io);
    if (!reply)
        return ExitFailure;
    io.out << "Logged out: the next request needs a new MFA code.\n";
    if (const int ended = reply->value(ipc::keys::ssoSessions).toInt(); ended > 0)
        io.out << "Ended " << ended << " IAM Identity Center session" << (ended == 1 ? "" : "s")
               << ": its profiles need imsa login again.\n";
    return ExitOk;
}

} // namespace imsa::cli
