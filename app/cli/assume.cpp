#include "appcall.h"
#include "imsa/usertext.h"
#include "login.h"
#include "mfainteraction.h"

namespace imsa::cli {

int runAssume(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    parser.addOption(mfaCode);
    const QCommandLineOption noBrowser(QStringLiteral("no-browser"),
                                       QStringLiteral("When the profile needs an IAM Identity "
                                                      "Center sign-in: only print the URL and "
                                                      "code; open no browser."));
    parser.addOption(noBrowser);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile to serve."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa assume PROFILE [--mfa-code CODE] [--no-browser]\n\n"
                               "Serve PROFILE's credentials on the metadata endpoint to every AWS "
                               "tool on this machine.")))
        return *exit;
    if (auto exit = requireProfileArgument(parser, arguments.first(), io))
        return *exit;

    const QString profile = parser.positionalArguments().first();
    bool signInNeeded = false;
    const auto needsSignIn = [&signInNeeded](const ipc::Error &error) {
        signInNeeded = error.code == ipc::errors::signInNeeded;
        return signInNeeded;
    };
    std::optional<QJsonObject> reply =
            callWithMfa(ipc::commands::assume, profile, parser.value(mfaCode), io, {}, needsSignIn);
    if (!reply && signInNeeded) {
        // As `aws sso login` would be the next step anyway: do it here, then go on.
        io.err << "Profile '" << profile << "' needs an IAM Identity Center sign-in.\n";
        if (const int signedIn = signInToIdentityCenter(profile, parser.isSet(noBrowser),
                                                        QStringLiteral("assume"), io);
            signedIn != ExitOk)
            return signedIn;
        reply = callWithMfa(ipc::commands::assume, profile, parser.value(mfaCode), io);
    }
    if (!reply)
        return ExitFailure;
    const QDateTime expiration =
            QDateTime::fromString(reply->value(ipc::keys::expiration).toString(), Qt::ISODate);
    io.out << "Serving profile " << profile;
    if (!reply->value(ipc::keys::roleArn).toString().isEmpty())
        io.out << " (" << reply->value(ipc::keys::roleArn).toString() << ")";
    io.out << " on " << reply->value(ipc::keys::endpoint).toString()
           << "; credentials renew automatically";
    if (expiration.isValid())
        io.out << " (current ones: "
               << remainingText(QDateTime::currentDateTimeUtc(), expiration, TextLanguage::English)
               << ")";
    io.out << ".\n";
    return ExitOk;
}

} // namespace imsa::cli
