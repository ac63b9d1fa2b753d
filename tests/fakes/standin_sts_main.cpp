// imsa-standin-sts: the STS and IAM Identity Center stand-ins as one process on one port, for
// end-to-end tests that point real AWS clients (AWS_ENDPOINT_URL, or AWS_ENDPOINT_URL_STS,
// _SSO_OIDC, _SSO) or imsa at it. Prints "LISTENING <port>" once ready.
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
    const QCommandLineOption ssoAccountsOption(
            QStringLiteral("sso-accounts"),
            QStringLiteral("Identity Center organisation of this many generated accounts instead "
                           "of the three built-in ones."),
            QStringLiteral("count"));
    const QCommandLineOption ssoIntervalOption(
            QStringLiteral("sso-interval"),
            QStringLiteral("Sign-in polling interval, in seconds (default 1)."),
            QStringLiteral("seconds"));
    const QCommandLineOption ssoTokenOption(
            QStringLiteral("sso-token-lifetime"),
            QStringLiteral("Lifetime of Identity Center access tokens, in seconds (default 8 h)."),
            QStringLiteral("seconds"));
    const QCommandLineOption ssoRoleOption(
            QStringLiteral("sso-role-lifetime"),
            QStringLiteral("Lifetime of the portal's role credentials, in seconds (default 1 h)."),
            QStringLiteral("seconds"));
    const QCommandLineOption ssoApproveOption(
            QStringLiteral("sso-approve-after-polls"),
            QStringLiteral("Sign-ins approve themselves after this many pending polls, without "
                           "a browser."),
            QStringLiteral("polls"));
    parser.addOptions({portOption, identitiesOption, sessionOption, roleOption, clockOption,
                       ssoAccountsOption, ssoIntervalOption, ssoTokenOption, ssoRoleOption,
                       ssoApproveOption});
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
    StandInSso sso;
    sts.serveSso(&sso);
    if (ok && parser.isSet(ssoAccountsOption))
        sso.setOrganisation(
                StandInSso::generatedOrganisation(positiveValue(parser, ssoAccountsOption, &ok)));
    if (ok && parser.isSet(ssoIntervalOption))
        sso.setPollInterval(positiveValue(parser, ssoIntervalOption, &ok));
    if (ok && parser.isSet(ssoTokenOption))
        sso.setAccessTokenLifetime(positiveValue(parser, ssoTokenOption, &ok));
    if (ok && parser.isSet(ssoRoleOption))
        sso.setRoleCredentialsLifetime(positiveValue(parser, ssoRoleOption, &ok));
    if (ok && parser.isSet(ssoApproveOption)) {
        const int polls = parser.value(ssoApproveOption).toInt(&ok);
        ok = ok && polls >= 0;
        sso.setApproveAfterPolls(polls);
    }
    bool offsetOk = false;
    sts.setClockOffset(parser.value(clockOption).toLongLong(&offsetOk));
    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!ok || !offsetOk || !portOk || port > 65535) {
        std::fprintf(stderr,
                     "imsa-standin-sts: durations and counts must be positive, the polls at "
                     "least 0, the clock offset a number, the port 0..65535\n");
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
