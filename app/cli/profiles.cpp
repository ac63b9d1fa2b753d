#include <QJsonArray>
#include <QJsonDocument>

#include "appcall.h"
#include "firstrun.h"

namespace imsa::cli {

int runProfiles(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (auto exit =
                parseArguments(parser, arguments, io,
                               QStringLiteral("imsa profiles [--json]\n\n"
                                              "List every profile, where it comes from, its role "
                                              "and MFA device, and where its keys are kept.")))
        return *exit;

    const std::optional<QJsonObject> reply = simpleCall(ipc::commands::profiles, {}, io);
    if (!reply)
        return ExitFailure;
    if (parser.isSet(json)) {
        io.out << QJsonDocument(*reply).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }
    const QJsonArray profiles = reply->value(ipc::keys::profiles).toArray();
    for (const auto &value : profiles) {
        const QJsonObject profile = value.toObject();
        io.out << (profile.value(ipc::keys::active).toBool() ? "* " : "  ")
               << profile.value(ipc::keys::name).toString() << "\n";
        io.out << "      source: " << profile.value(ipc::keys::source).toString() << "\n";
        if (!profile.value(ipc::keys::roleArn).toString().isEmpty())
            io.out << "      role:   " << profile.value(ipc::keys::roleArn).toString() << "\n";
        if (!profile.value(ipc::keys::mfaSerial).toString().isEmpty())
            io.out << "      MFA:    " << profile.value(ipc::keys::mfaSerial).toString() << "\n";
        if (const QString role = profile.value(ipc::keys::ssoRoleName).toString(); !role.isEmpty())
            io.out << "      SSO:    " << role << " in account "
                   << profile.value(ipc::keys::ssoAccountId).toString() << " (sign-in "
                   << profile.value(ipc::keys::ssoSession).toString() << ")\n";
        else
            io.out << "      keys:   " << profile.value(ipc::keys::keyLocation).toString()
                   << " (profile " << profile.value(ipc::keys::keyProfile).toString() << ")\n";
    }
    const QJsonArray signIns = reply->value(ipc::keys::signIns).toArray();
    if (!signIns.isEmpty())
        io.out << "IAM Identity Center sign-ins (their accounts and roles are profiles "
                  "ACCOUNT-NAME/ROLE):\n";
    for (const auto &value : signIns) {
        const QJsonObject signIn = value.toObject();
        const QString name = signIn.value(ipc::keys::name).toString();
        io.out << "  " << name << "  " << signIn.value(ipc::keys::ssoStartUrl).toString() << "  "
               << (signIn.value(ipc::keys::signedIn).toBool()
                           ? QStringLiteral("signed in")
                           : QStringLiteral("not signed in: imsa login %1").arg(name))
               << "\n";
    }
    if (profiles.isEmpty() && signIns.isEmpty())
        io.out << firstRunHelp(ConfigPaths::fromEnvironment());
    for (const QLatin1StringView key : {ipc::keys::errors, ipc::keys::rejectedReload}) {
        for (const auto &error : reply->value(key).toArray())
            io.err << "error: " << error.toString() << "\n";
    }
    for (const auto &notice : reply->value(ipc::keys::notices).toArray())
        io.err << "note: " << notice.toString() << "\n";
    return ExitOk;
}

} // namespace imsa::cli
