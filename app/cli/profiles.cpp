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

    const std::optional<QJsonObject> reply = simpleCall(QStringLiteral("profiles"), {}, io);
    if (!reply)
        return ExitFailure;
    if (parser.isSet(json)) {
        io.out << QJsonDocument(*reply).toJson(QJsonDocument::Compact) << "\n";
        return ExitOk;
    }
    const QJsonArray profiles = reply->value(u"profiles").toArray();
    for (const QJsonValue &value : profiles) {
        const QJsonObject profile = value.toObject();
        io.out << (profile.value(u"active").toBool() ? "* " : "  ")
               << profile.value(u"name").toString() << "\n";
        io.out << "      source: " << profile.value(u"source").toString() << "\n";
        if (!profile.value(u"role_arn").toString().isEmpty())
            io.out << "      role:   " << profile.value(u"role_arn").toString() << "\n";
        if (!profile.value(u"mfa_serial").toString().isEmpty())
            io.out << "      MFA:    " << profile.value(u"mfa_serial").toString() << "\n";
        io.out << "      keys:   " << profile.value(u"keys").toString() << " (profile "
               << profile.value(u"key_profile").toString() << ")\n";
    }
    if (profiles.isEmpty())
        io.out << firstRunHelp(ConfigPaths::fromEnvironment());
    for (const char *key : {"errors", "rejected_reload"}) {
        for (const QJsonValue &error : reply->value(QLatin1StringView(key)).toArray())
            io.err << "error: " << error.toString() << "\n";
    }
    for (const QJsonValue &notice : reply->value(u"notices").toArray())
        io.err << "note: " << notice.toString() << "\n";
    return ExitOk;
}

} // namespace imsa::cli
