#include <unistd.h>

#include <QCoreApplication>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QTimer>

#include "command.h"
#include "controlclient.h"
#include "doctorchecks.h"
#include "doctorprobes.h"
#include "firstrun.h"
#include "imsa/stsendpoint.h"
#include "service/filekeystore.h"
#include "service/helperlauncher.h"
#include "service/keychainkeystore.h"

using namespace Qt::StringLiterals;

// `imsa doctor`: gathers the real inputs of the checks in doctorchecks.h and prints one line
// per check. Talks to the running imsa if there is one, never changes anything.
namespace imsa::cli {

namespace {

constexpr int controlTimeoutMs = 300;
constexpr int stsTimeoutMs = 5000;

std::optional<RunningImsa> askRunningImsa()
{
    ControlClient client;
    if (!client.connectToApp(controlTimeoutMs))
        return std::nullopt;
    auto status = client.call(u"status"_s);
    if (!status)
        return std::nullopt;
    RunningImsa running;
    running.pid = status->value(u"pid").toInteger();
    running.endpoint = status->value(u"endpoint").toString();
    running.activeProfile = status->value(u"profile").toString();
    for (const QJsonValue &warning : status->value(u"warnings").toArray())
        running.warnings.append(warning.toString());
    return running;
}

KeychainProbe probeKeychain()
{
    KeychainProbe result{false, u"no answer"_s};
    QEventLoop loop;
    app::KeychainKeyStore::probe(&loop, [&](bool available, const QString &why) {
        result = KeychainProbe{available, why};
        loop.quit();
    });
    // The probe has its own timeout; this one only guards against a callback that never comes.
    QTimer::singleShot(app::KeychainKeyStore::probeTimeout * 2, &loop, &QEventLoop::quit);
    loop.exec();
    return result;
}

/// The profile whose STS endpoint the clock is compared with: the one imsa serves, else the
/// first one; a profile-less default gives the endpoint from the environment or the global one.
Profile clockProfile(const ProfileSet &set, const std::optional<RunningImsa> &running)
{
    if (running) {
        if (const Profile *active = set.find(running->activeProfile))
            return *active;
    }
    return set.profiles.isEmpty() ? Profile{} : set.profiles.first();
}

} // namespace

int runDoctor(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption offline(
            u"offline"_s, u"Skip the one check that uses the network: the clock offset to STS."_s);
    parser.addOption(offline);
    if (auto exit = parseArguments(parser, arguments, io,
                                   u"imsa doctor [--offline]\n\n"
                                   "Check everything between imsa and the AWS tools, one line per "
                                   "check: ok, warn or FAIL, what was found and the fix."_s))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        io.err << "imsa doctor: unexpected argument '" << parser.positionalArguments().first()
               << "'\n";
        return ExitUsage;
    }

    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    const ConfigPaths paths = ConfigPaths::fromEnvironment(env);
    const ProfileSet profiles = loadProfiles(paths);
    const AwsFiles awsFiles = readAwsFiles(paths);
    const std::optional<RunningImsa> running = askRunningImsa();
    QString helperPath = env.value(u"IMSA_HELPER"_s);
    if (helperPath.isEmpty())
        helperPath = app::HelperLauncher::defaultHelperPath();
    QFile status(u"/proc/self/status"_s);
    const bool noNewPrivileges =
            status.open(QIODevice::ReadOnly) && hasNoNewPrivileges(status.readAll());

    const auto runner = [](const QString &program, const QStringList &args) {
        return runCommand(program, args);
    };
    std::optional<KeychainProbe> keychain;
    if (env.value(u"IMSA_KEYSTORE"_s) != u"file"_s)
        keychain = probeKeychain();

    const StsEndpoint sts = resolveStsEndpoint(clockProfile(profiles, running), env);
    std::optional<Result<QDateTime, QString>> stsDate;
    if (!parser.isSet(offline))
        stsDate = fetchServerDate(sts.url, stsTimeoutMs);

    const QList<CheckResult> results{
            checkProfiles(profiles, paths),
            checkRunning(running),
            checkHelper(helperPath, runner, noNewPrivileges),
            checkMetadataAddress(loopbackAddresses(), running),
            checkPortOwner(
                    tcpListeners(),
                    [](quint64 inode) {
                        return findSocketOwner(inode);
                    },
                    running, ::getuid()),
            checkEnvironmentCredentials(env),
            checkAwsProfileVariable(env, awsFiles),
            checkDefaultProfile(awsFiles),
            checkContainerCredentials(env),
            checkProxy(env),
            checkMetadataVariables(env, running),
            checkKeychain(keychain, env, app::FileKeyStore::defaultPath()),
            checkStsEndpoint(sts),
            checkClock(stsDate, QDateTime::currentDateTimeUtc(), sts.url),
    };
    bool failed = false;
    for (const CheckResult &result : results) {
        io.out << formatCheck(result) << "\n";
        failed = failed || result.status == CheckStatus::Fail;
    }
    if (profiles.profiles.isEmpty())
        io.out << "\n" << firstRunHelp(paths);
    return failed ? ExitFailure : ExitOk;
}

} // namespace imsa::cli
