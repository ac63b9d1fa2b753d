#include <unistd.h>

#include "appcall.h"
#include "mfainteraction.h"

namespace imsa::cli {

int runConsole(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    const QCommandLineOption service(QStringLiteral("service"),
                                     QStringLiteral("Open this service's console (s3, ec2, ...)."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption destination(
            QStringLiteral("destination"),
            QStringLiteral("Open this URL of the profile's AWS console."), QStringLiteral("URL"));
    const QCommandLineOption region(QStringLiteral("region"),
                                    QStringLiteral("The console's region instead of the "
                                                   "profile's."),
                                    QStringLiteral("REGION"));
    const QCommandLineOption print(QStringLiteral("print"),
                                   QStringLiteral("Print the sign-in URL instead of opening it."));
    parser.addOptions({mfaCode, service, destination, region, print});
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile to sign in as (default: the active "
                                                "one)."),
                                 QStringLiteral("[PROFILE]"));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa console [PROFILE] [--service NAME | --destination URL] "
                               "[--region REGION] [--print]\n\n"
                               "Open the AWS console in the browser, signed in as PROFILE's role "
                               "(AWS signs in only role credentials). The sign-in URL works for "
                               "15 minutes for whoever has it: --print writes it to stdout.")))
        return *exit;
    if (parser.positionalArguments().size() > 1) {
        io.err << "imsa console: expected at most one PROFILE argument\n"
               << "Try 'imsa console --help'.\n";
        return ExitUsage;
    }
    if (parser.isSet(service) && parser.isSet(destination)) {
        io.err << "imsa console: --service and --destination exclude each other\n"
               << "Try 'imsa console --help'.\n";
        return ExitUsage;
    }

    QString profile = parser.positionalArguments().value(0);
    if (profile.isEmpty()) {
        const std::optional<QJsonObject> status = simpleCall(ipc::commands::status, {}, io);
        if (!status)
            return ExitFailure;
        profile = status->value(ipc::keys::profile).toString();
        if (profile.isEmpty()) {
            io.err << "imsa console: no profile is active; name one: imsa console PROFILE\n";
            return ExitFailure;
        }
    }

    QJsonObject args{{ipc::keys::print, parser.isSet(print)}};
    if (parser.isSet(service))
        args.insert(ipc::keys::service, parser.value(service));
    if (parser.isSet(destination))
        args.insert(ipc::keys::destination, parser.value(destination));
    if (parser.isSet(region))
        args.insert(ipc::keys::region, parser.value(region));
    const std::optional<QJsonObject> reply =
            callWithMfa(ipc::commands::console, profile, parser.value(mfaCode), io, args);
    if (!reply)
        return ExitFailure;
    if (parser.isSet(print)) {
        if (::isatty(STDOUT_FILENO) == 1)
            io.err << "imsa console: this URL signs whoever opens it in as " << profile
                   << " for 15 minutes; do not paste it anywhere else.\n";
        io.out << reply->value(ipc::keys::url).toString() << "\n";
        return ExitOk;
    }
    io.out << "Opened the AWS console as " << profile << " in the browser.\n";
    return ExitOk;
}

} // namespace imsa::cli
