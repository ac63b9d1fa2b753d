#include "login.h"

#include "appcall.h"
#include "controlclient.h"

namespace imsa::cli {

int runLogin(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption noBrowser(QStringLiteral("no-browser"),
                                       QStringLiteral("Only print the URL and code; open no "
                                                      "browser."));
    parser.addOption(noBrowser);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("An IAM Identity Center profile or sso-session "
                                                "(default: the active profile, or the only "
                                                "session configured)."),
                                 QStringLiteral("[PROFILE|SSO-SESSION]"));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa login [PROFILE|SSO-SESSION] [--no-browser]\n\n"
                               "Sign in to IAM Identity Center (AWS SSO) in the browser. The "
                               "sign-in is shared with the AWS CLI (~/.aws/sso/cache) and serves "
                               "every profile of the session until it ends.")))
        return *exit;
    if (parser.positionalArguments().size() > 1) {
        io.err << "imsa login: expected at most one PROFILE argument\n"
               << "Try 'imsa login --help'.\n";
        return ExitUsage;
    }

    return signInToIdentityCenter(parser.positionalArguments().value(0), parser.isSet(noBrowser),
                                  QStringLiteral("login"), io);
}

int signInToIdentityCenter(const QString &profile, bool noBrowser, const QString &command, Io &io)
{
    ControlClient client;
    if (!connectOrComplain(client, io))
        return ExitFailure;
    const QJsonObject args{{ipc::keys::profile, profile}, {ipc::keys::noBrowser, noBrowser}};
    const auto reply = client.call(
            ipc::commands::login, args, [&io](const QString &event, const QJsonObject &code) {
                if (event != ipc::events::ssoCode)
                    return;
                const qint64 minutes = (code.value(ipc::keys::expiresIn).toInteger() + 59) / 60;
                io.err << "To sign in, open "
                       << code.value(ipc::keys::verificationUriComplete).toString() << "\n"
                       << (code.value(ipc::keys::opened).toBool()
                                   ? QStringLiteral("(opened in your browser) ")
                                   : QString())
                       << "and approve the code " << code.value(ipc::keys::userCode).toString()
                       << " within " << minutes << " min.\n";
                io.err.flush();
            });
    if (!reply) {
        io.err << "imsa " << command << ": " << reply.error().message << "\n";
        return ExitFailure;
    }
    io.out << "Signed in to IAM Identity Center for " << reply->value(ipc::keys::profile).toString()
           << " until " << reply->value(ipc::keys::expiration).toString() << ".\n";
    return ExitOk;
}

} // namespace imsa::cli
