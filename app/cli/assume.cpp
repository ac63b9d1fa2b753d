#include "appcall.h"
#include "countdown.h"
#include "mfainteraction.h"

namespace imsa::cli {

int runAssume(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption mfaCode = mfaCodeOption();
    parser.addOption(mfaCode);
    parser.addPositionalArgument(QStringLiteral("PROFILE"),
                                 QStringLiteral("The profile to serve."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa assume PROFILE [--mfa-code CODE]\n\n"
                               "Serve PROFILE's credentials on the metadata endpoint to every AWS "
                               "tool on this machine.")))
        return *exit;
    if (auto exit = requireProfileArgument(parser, arguments.first(), io))
        return *exit;

    const QString profile = parser.positionalArguments().first();
    const std::optional<QJsonObject> reply =
            callWithMfa(QStringLiteral("assume"), profile, parser.value(mfaCode), io);
    if (!reply)
        return ExitFailure;
    const QDateTime expiration =
            QDateTime::fromString(reply->value(u"expiration").toString(), Qt::ISODate);
    io.out << "Serving profile " << profile;
    if (!reply->value(u"role_arn").toString().isEmpty())
        io.out << " (" << reply->value(u"role_arn").toString() << ")";
    io.out << " on " << reply->value(u"endpoint").toString() << "; credentials renew automatically";
    if (expiration.isValid())
        io.out << " (current ones: " << remainingText(QDateTime::currentDateTimeUtc(), expiration)
               << ")";
    io.out << ".\n";
    return ExitOk;
}

} // namespace imsa::cli
