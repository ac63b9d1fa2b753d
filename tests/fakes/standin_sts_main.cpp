// imsa-standin-sts: the STS stand-in as a process, for end-to-end tests that point real AWS
// clients (AWS_ENDPOINT_URL_STS) or imsa at it. Prints "LISTENING <port>" once ready.
#include <cstdio>

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "fakes/standinsts.h"

using namespace imsa::test;

namespace {

constexpr int usageExitCode = 2;

/// [{"accessKeyId": ..., "secretAccessKey": ..., "userArn": ..., "userId": ...,
///   "mfaSerial": ..., "mfaCode": ...}, ...]; userId and the MFA fields are optional.
std::optional<QList<StandInIdentity>> readIdentities(const QString &fileName, QString *problem)
{
    QFile file(fileName);
    if (!file.open(QIODevice::ReadOnly)) {
        *problem = file.errorString();
        return std::nullopt;
    }
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (!document.isArray()) {
        *problem = parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                : QStringLiteral("not a JSON list");
        return std::nullopt;
    }
    QList<StandInIdentity> identities;
    for (const QJsonValue &value : document.array()) {
        const QJsonObject object = value.toObject();
        const auto text = [&object](const char *key) {
            return object.value(QLatin1StringView(key)).toString();
        };
        StandInIdentity identity{text("accessKeyId"), text("secretAccessKey"), text("userArn"),
                                 text("userId"),      text("mfaSerial"),       text("mfaCode")};
        if (identity.accessKeyId.isEmpty() || identity.secretAccessKey.isEmpty()
            || identity.userArn.isEmpty()) {
            *problem = QStringLiteral("every identity needs accessKeyId, secretAccessKey, userArn");
            return std::nullopt;
        }
        identities.append(identity);
    }
    return identities;
}

int positiveValue(const QCommandLineParser &parser, const QCommandLineOption &option, bool *ok)
{
    const int value = parser.value(option).toInt(ok);
    *ok = *ok && value > 0;
    return value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("imsa-standin-sts"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("A local stand-in for AWS STS on 127.0.0.1, for tests only."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("TCP port, 0 for any free port."),
                                        QStringLiteral("port"), QStringLiteral("0"));
    const QCommandLineOption identitiesOption(
            QStringLiteral("identities"),
            QStringLiteral("JSON list of identities, in addition to the built-in one."),
            QStringLiteral("file"));
    const QCommandLineOption sessionOption(
            QStringLiteral("session-duration"),
            QStringLiteral("Longest lifetime of GetSessionToken credentials, in seconds."),
            QStringLiteral("seconds"));
    const QCommandLineOption roleOption(
            QStringLiteral("role-duration"),
            QStringLiteral("Longest lifetime of AssumeRole credentials, in seconds."),
            QStringLiteral("seconds"));
    const QCommandLineOption clockOption(
            QStringLiteral("clock-offset"),
            QStringLiteral("Seconds the stand-in's clock runs ahead (negative: behind)."),
            QStringLiteral("seconds"), QStringLiteral("0"));
    parser.addOptions({portOption, identitiesOption, sessionOption, roleOption, clockOption});
    parser.process(app);

    StandInSts sts;
    if (parser.isSet(identitiesOption)) {
        QString problem;
        const auto identities = readIdentities(parser.value(identitiesOption), &problem);
        if (!identities) {
            std::fprintf(stderr, "imsa-standin-sts: %s: %s\n",
                         qPrintable(parser.value(identitiesOption)), qPrintable(problem));
            return usageExitCode;
        }
        for (const StandInIdentity &identity : *identities)
            sts.addIdentity(identity);
    }
    bool ok = true;
    if (parser.isSet(sessionOption))
        sts.setSessionDurationCap(positiveValue(parser, sessionOption, &ok));
    if (ok && parser.isSet(roleOption))
        sts.setRoleDurationCap(positiveValue(parser, roleOption, &ok));
    bool offsetOk = false;
    sts.setClockOffset(parser.value(clockOption).toLongLong(&offsetOk));
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!ok || !offsetOk || !portOk || port > 65535) {
        std::fprintf(stderr,
                     "imsa-standin-sts: durations must be positive, the clock offset a number, "
                     "the port 0..65535\n");
        return usageExitCode;
    }
    if (!sts.listen(QHostAddress(QHostAddress::LocalHost), quint16(port))) {
        std::fprintf(stderr, "imsa-standin-sts: cannot listen on 127.0.0.1:%u\n", port);
        return 1;
    }
    std::printf("LISTENING %u\n", unsigned(sts.port()));
    std::fflush(stdout);
    return app.exec();
}
