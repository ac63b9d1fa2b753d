#include "appcall.h"

namespace imsa::cli {

int runLogout(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    if (auto exit =
                parseArguments(parser, arguments, io,
                               QStringLiteral("imsa logout\n\n"
                                              "Forget the MFA session and every credential "
                                              "derived from it, in memory and in the key store.")))
        return *exit;
    if (!simpleCall(ipc::commands::logout, {}, io))
        return ExitFailure;
    io.out << "Logged out: the next request needs a new MFA code.\n";
    return ExitOk;
}

} // namespace imsa::cli
