#include "doctor.h"

#include <unistd.h>

#include <QFile>
#include <QJsonArray>
#include <QRandomGenerator>

#include "controlclient.h"
#include "doctorprobes.h"
#include "firstrun.h"
#include "imsa/stsendpoint.h"
#include "platform/installpaths.h"

using namespace Qt::StringLiterals;

// `imsa doctor`: gathers the real inputs of the checks in doctorchecks.h and prints one line
// per check. Talks to the running imsa if there is one, never changes anything.
namespace imsa::cli {

namespace {

constexpr int controlTimeoutMs = 300;
constexpr int stsTimeoutMs = 5000;
constexpr int endpointTimeoutMs = 2000;

std::optional<RunningImsa> askRunningImsa()
{
    ControlClient client;
    if (!client.connectToApp(controlTimeoutMs))
        return std::nullopt;
    auto status = client.call(ipc::commands::status);
    if (!status)
        return std::nullopt;
    RunningImsa running;
    running.pid = status->value(ipc::keys::pid).toInteger();
    running.endpoint = status->value(ipc::keys::endpoint).toString();
    running.activeProfile = status->value(ipc::keys::profile).toString();
    for (const auto &warning : status->value(ipc::keys::warnings).toArray())
        running.warnings.append(warning.toString());
    return running;
}

/// Where AWS tools ask for instance metadata.
QString toolsEndpoint(const QProcessEnvironment &env)
{
    const QString endpoint = env.value(u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s);
    return endpoint.isEmpty() ? u"http://169.254.169.254/"_s : endpoint;
}

/// Whether asking `endpoint` stays on this machine: a loopback address, or one on `lo` (as
/// 169.254.169.254 is while imsa serves there).
bool isOnThisMachine(const QString &endpoint)
{
    const QString host = QUrl(endpoint).host();
    const QHostAddress address(host);
    if (address.isNull())
        return host == u"localhost"_s;
    return address.isLoopback() || loopbackAddresses().contains(address);
}

/// Challenges what answers at `endpoint`, and asks the running imsa whether the proof in the
/// answer is its own.
EndpointProbe probeEndpoint(const QString &endpoint, bool imsaRuns)
{
    QByteArray challenge(16, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(challenge.data()),
                                          challenge.size() / qsizetype(sizeof(quint32)));
    challenge = challenge.toHex();
    EndpointProbe probe = challengeEndpoint(endpoint, challenge, endpointTimeoutMs);
    if (!imsaRuns || probe.error || probe.proof.isEmpty())
        return probe;
    ControlClient client;
    if (!client.connectToApp(controlTimeoutMs))
        return probe;
    const auto reply = client.call(ipc::commands::verifyEndpoint,
                                   {{ipc::keys::challenge, QString::fromLatin1(challenge)},
                                    {ipc::keys::proof, QString::fromLatin1(probe.proof)},
                                    {ipc::keys::address, probe.address.toString()},
                                    {ipc::keys::port, probe.port}});
    if (reply)
        probe.verified = reply->value(ipc::keys::verified).toBool();
    return probe;
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

int runDoctor(const QStringList &arguments, Io &io, const DoctorProbes &probes)
{
    QCommandLineParser parser;
    const QCommandLineOption offline(
            u"offline"_s,
            u"Skip the checks that use the network: the clock offset to STS, and who answers at "
            "a metadata endpoint that is not on this machine."_s);
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
        helperPath = app::internalProgramPath(u"imsa-helper"_s);
    QFile status(u"/proc/self/status"_s);
    const bool noNewPrivileges =
            status.open(QIODevice::ReadOnly) && hasNoNewPrivileges(status.readAll());

    const auto runner = [](const QString &program, const QStringList &args) {
        return runCommand(program, args);
    };
    std::optional<KeychainProbe> keychain;
    if (env.value(u"IMSA_KEYSTORE"_s) != u"file"_s && probes.probeKeychain)
        keychain = probes.probeKeychain();

    const StsEndpoint sts = resolveStsEndpoint(clockProfile(profiles, running), env);
    std::optional<Result<QDateTime, Failure>> stsDate;
    if (!parser.isSet(offline))
        stsDate = fetchServerDate(sts.url, stsTimeoutMs);
    const QString endpoint = toolsEndpoint(env);
    std::optional<EndpointProbe> endpointProbe;
    if (!parser.isSet(offline) || isOnThisMachine(endpoint))
        endpointProbe = probeEndpoint(endpoint, running.has_value());

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
            checkEndpointIdentity(endpoint, endpointProbe, running),
            checkKeychain(keychain, env, probes.fileStorePath),
            checkTrayHost(probes.probeTrayHost ? probes.probeTrayHost() : std::nullopt),
            checkStsEndpoint(sts),
            checkClock(stsDate, QDateTime::currentDateTimeUtc(), sts.url),
    };
    bool failed = false;
    for (const CheckResult &result : results) {
        io.out << formatCheck(result) << "\n";
        failed = failed || result.status == CheckStatus::Fail;
    }
    if (!hasAnythingToServe(profiles))
        io.out << "\n" << firstRunHelp(paths);
    return failed ? ExitFailure : ExitOk;
}

} // namespace imsa::cli
