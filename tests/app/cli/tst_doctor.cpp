#include <unistd.h>

#include <QTest>

#include "cli/doctorchecks.h"

using namespace Qt::StringLiterals;
using namespace imsa::cli;

// The machine-side checks of `imsa doctor` (doctorchecks.cpp), each failure produced from
// injected inputs. The environment checks are in tst_doctorenvironment.cpp, the probes of the
// real system and the end-to-end run in tst_doctorprobes.cpp.
namespace {

const QString helperPath = u"/usr/libexec/imsa/imsa-helper"_s;

RunningImsa runningOn(const QString &endpoint, qint64 pid = 4242)
{
    return RunningImsa{pid, endpoint, u"prod"_s, {}};
}

/// Expected outcome of a check: its status and texts its found and fix parts must contain.
void addOutcomeColumns()
{
    QTest::addColumn<CheckStatus>("status");
    QTest::addColumn<QString>("found");
    QTest::addColumn<QString>("fix");
}

void verifyOutcome(const CheckResult &result)
{
    QFETCH(CheckStatus, status);
    QFETCH(QString, found);
    QFETCH(QString, fix);
    QCOMPARE(int(result.status), int(status));
    QVERIFY2(result.found.contains(found), qPrintable(result.found));
    QVERIFY2(result.fix.contains(fix), qPrintable(result.fix));
    if (status == CheckStatus::Fail || status == CheckStatus::Warn)
        QVERIFY2(!result.fix.isEmpty(), "every problem comes with a fix");
}

} // namespace

class tst_Doctor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void formatCheck_data();
    void formatCheck();
    void parseProcNetTcp_data();
    void parseProcNetTcp();
    void checkProfiles_data();
    void checkProfiles();
    void checkRunning_data();
    void checkRunning();
    void checkHelper_data();
    void checkHelper();
    void checkMetadataAddress_data();
    void checkMetadataAddress();
    void checkPortOwner_data();
    void checkPortOwner();
    void checkKeychain_data();
    void checkKeychain();
    void checkClock_data();
    void checkClock();
    void checkEndpointIdentity_data();
    void checkEndpointIdentity();
};

void tst_Doctor::formatCheck_data()
{
    QTest::addColumn<CheckResult>("result");
    QTest::addColumn<QString>("line");
    QTest::addRow("a passing check has no fix")
            << CheckResult{CheckStatus::Ok, u"proxy"_s, u"no HTTP proxy set"_s, {}}
            << u"ok    proxy: no HTTP proxy set"_s;
    QTest::addRow("a failing check ends with its fix")
            << CheckResult{CheckStatus::Fail, u"helper"_s, u"missing"_s, u"install it"_s}
            << u"FAIL  helper: missing Fix: install it"_s;
    QTest::addRow("a warning is labelled warn")
            << CheckResult{CheckStatus::Warn, u"imsa"_s, u"not running"_s, u"imsa start"_s}
            << u"warn  imsa: not running Fix: imsa start"_s;
    QTest::addRow("a skipped check is labelled skip")
            << CheckResult{CheckStatus::Skip, u"clock"_s, u"not checked"_s, {}}
            << u"skip  clock: not checked"_s;
    QTest::addRow("quoted multi-line text stays on one line")
            << CheckResult{CheckStatus::Warn, u"imsa"_s, u"first\nsecond"_s, u"a\nb"_s}
            << u"warn  imsa: first; second Fix: a; b"_s;
}

void tst_Doctor::formatCheck()
{
    QFETCH(CheckResult, result);
    QFETCH(QString, line);
    QCOMPARE(imsa::cli::formatCheck(result), line);
}

void tst_Doctor::parseProcNetTcp_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("ipv6");
    QTest::addColumn<QStringList>("listeners"); // "address port uid inode"
    const QByteArray header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when "
                              "retrnsmt   uid  timeout inode\n";
    // Addresses as the kernel prints them: each 32-bit word in host (little-endian) order.
    QTest::addRow("the metadata address, loopback and a wildcard; established ones ignored")
            << header
                    + "   0: FEA9FEA9:0050 00000000:0000 0A 00000000:00000000 00:00000000 "
                      "00000000  1000        0 51234 1 0000000000000000 100 0 0 10 0\n"
                      "   1: 0100007F:0277 00000000:0000 0A 00000000:00000000 00:00000000 "
                      "00000000     0        0 1525 1 0000000000000000 100 0 0 10 0\n"
                      "   2: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 "
                      "00000000     0        0 999 1 0000000000000000 100 0 0 10 0\n"
                      "   3: 0100007F:0277 0100007F:D431 01 00000000:00000000 00:00000000 "
                      "00000000     0        0 77 1 0000000000000000 20 4 30 10 -1\n"
            << false
            << QStringList{u"169.254.169.254 80 1000 51234"_s, u"127.0.0.1 631 0 1525"_s,
                           u"0.0.0.0 22 0 999"_s};
    QTest::addRow("IPv6 wildcard and ::1")
            << header
                    + "   0: 00000000000000000000000000000000:0050 "
                      "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                      "00000000    33        0 4711 1 0000000000000000 100 0 0 10 0\n"
                      "   1: 00000000000000000000000001000000:0277 "
                      "00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 "
                      "00000000     0        0 4712 1 0000000000000000 100 0 0 10 0\n"
            << true << QStringList{u":: 80 33 4711"_s, u"::1 631 0 4712"_s};
    QTest::addRow("garbage lines are skipped")
            << header + "   0: XYZ:0050 00000000:0000 0A\n   1: nonsense\n"
            << false << QStringList{};
}

void tst_Doctor::parseProcNetTcp()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, ipv6);
    QFETCH(QStringList, listeners);
    QStringList parsed;
    for (const TcpListener &listener : imsa::cli::parseProcNetTcp(text, ipv6))
        parsed.append(u"%1 %2 %3 %4"_s.arg(listener.address.toString())
                              .arg(listener.port)
                              .arg(listener.uid)
                              .arg(listener.inode));
    QCOMPARE(parsed, listeners);
}

void tst_Doctor::checkProfiles_data()
{
    QTest::addColumn<imsa::ProfileSet>("set");
    addOutcomeColumns();
    imsa::Profile prod;
    prod.name = u"prod"_s;
    const imsa::ConfigError error{u"/home/u/.imsa"_s,      7, 3, u"dev"_s, u"role_arn"_s,
                                  u"not an IAM role ARN"_s};
    QTest::addRow("no profile anywhere") << imsa::ProfileSet{} << CheckStatus::Fail
                                         << u"no profile in /home/u/.imsa or "
                                            "/home/u/.aws/config"_s
                                         << u"example"_s;
    QTest::addRow("only invalid profiles: the first error with its place")
            << imsa::ProfileSet{{}, {error}, {}, {}} << CheckStatus::Fail
            << u"/home/u/.imsa:7:3: profile 'dev', key 'role_arn'"_s << u"correct"_s;
    QTest::addRow("some valid, some not")
            << imsa::ProfileSet{{prod}, {error}, {}, {}} << CheckStatus::Warn
            << u"1 usable (prod); 1 with errors"_s << u"imsa profiles"_s;
    QTest::addRow("all valid") << imsa::ProfileSet{{prod}, {}, {}, {}} << CheckStatus::Ok
                               << u"1 usable (prod)"_s << QString();
}

void tst_Doctor::checkProfiles()
{
    QFETCH(imsa::ProfileSet, set);
    imsa::ConfigPaths paths{u"/home/u/.imsa"_s, false, u"/home/u/.aws/config"_s,
                            u"/home/u/.aws/credentials"_s};
    verifyOutcome(imsa::cli::checkProfiles(set, paths));
}

void tst_Doctor::checkRunning_data()
{
    QTest::addColumn<std::optional<RunningImsa>>("running");
    addOutcomeColumns();
    RunningImsa fallback = runningOn(u"http://127.0.0.1:9254/"_s);
    fallback.warnings = {u"could not serve on 169.254.169.254:80: helper missing"_s};
    QTest::addRow("not running") << std::optional<RunningImsa>() << CheckStatus::Warn
                                 << u"not running"_s << u"imsa start"_s;
    QTest::addRow("running on the metadata address")
            << std::optional(runningOn(u"http://169.254.169.254/"_s)) << CheckStatus::Ok
            << u"running (pid 4242), serving on http://169.254.169.254/"_s << QString();
    QTest::addRow("running with a warning") << std::optional(fallback) << CheckStatus::Warn
                                            << u"it warns: could not serve"_s << u"imsa status"_s;
    RunningImsa twoWarnings = fallback;
    twoWarnings.warnings.prepend(u"IMSA_KEYSTORE=file"_s);
    QTest::addRow("running with two warnings: both shown")
            << std::optional(twoWarnings) << CheckStatus::Warn
            << u"it warns: IMSA_KEYSTORE=file; could not serve on 169.254.169.254:80"_s
            << u"imsa status"_s;
}

void tst_Doctor::checkRunning()
{
    QFETCH(std::optional<RunningImsa>, running);
    verifyOutcome(imsa::cli::checkRunning(running));
}

void tst_Doctor::checkHelper_data()
{
    QTest::addColumn<QString>("path"); // "exists", "missing" or "not-executable"
    QTest::addColumn<CommandOutput>("output");
    QTest::addColumn<bool>("noNewPrivileges");
    addOutcomeColumns();
    const auto exited = [](int code, const QByteArray &out, const QByteArray &err = {}) {
        return CommandOutput{true, {}, code, out, err};
    };
    QTest::addRow("both capabilities")
            << u"exists"_s << exited(0, "cap_net_bind_service: yes\ncap_net_admin: yes\n") << false
            << CheckStatus::Ok << u"has cap_net_bind_service and cap_net_admin"_s << QString();
    QTest::addRow("a capability missing: the setcap command")
            << u"exists"_s << exited(1, "cap_net_bind_service: yes\ncap_net_admin: no\n") << false
            << CheckStatus::Fail << u"cap_net_admin: no"_s
            << u"sudo setcap cap_net_bind_service,cap_net_admin+ep "_s;
    QTest::addRow("capabilities voided by no_new_privs")
            << u"exists"_s << exited(1, "cap_net_bind_service: no\ncap_net_admin: no\n") << true
            << CheckStatus::Fail << u"lacks capabilities"_s << u"no_new_privs"_s;
    QTest::addRow("installed setuid: refused")
            << u"exists"_s
            << exited(2, {},
                      "imsa-helper: refusing to run setuid or setgid; install with file "
                      "capabilities instead\nusage: ...\n")
            << false << CheckStatus::Fail << u"refuses to run: imsa-helper: refusing to run"_s
            << u"without setuid"_s;
    QTest::addRow("not in group imsa: the kernel refuses to run it")
            << u"exists"_s << CommandOutput{false, u"Permission denied"_s, -1, {}, {}} << false
            << CheckStatus::Fail << u"Permission denied"_s << u"adduser $USER imsa"_s;
    QTest::addRow("crashed") << u"exists"_s << CommandOutput{true, u"it crashed"_s, -1, {}, {}}
                             << false << CheckStatus::Fail << u"it crashed"_s << u"reinstall"_s;
    QTest::addRow("missing") << u"missing"_s << CommandOutput{} << false << CheckStatus::Fail
                             << u"does not exist"_s << u"IMSA_HELPER"_s;
    QTest::addRow("no execute permission")
            << u"not-executable"_s << CommandOutput{} << false << CheckStatus::Fail
            << u"you may not run"_s << u"sudo adduser $USER"_s;
}

void tst_Doctor::checkHelper()
{
    QFETCH(QString, path);
    QFETCH(CommandOutput, output);
    QFETCH(bool, noNewPrivileges);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString file = dir.filePath(u"imsa-helper"_s);
    if (path != u"missing"_s) {
        QFile helper(file);
        QVERIFY(helper.open(QIODevice::WriteOnly));
        helper.setPermissions(path == u"exists"_s ? QFile::ReadOwner | QFile::ExeOwner
                                                  : QFile::ReadOwner | QFile::WriteOwner);
    }
    QStringList calls;
    const CommandRunner runner = [&](const QString &program, const QStringList &arguments) {
        calls.append(program + u' ' + arguments.join(u' '));
        return output;
    };
    const CheckResult result = imsa::cli::checkHelper(file, runner, noNewPrivileges);
    verifyOutcome(result);
    QCOMPARE(calls, path == u"exists"_s ? QStringList{file + u" --check"_s} : QStringList{});
    if (result.fix.contains(u"setcap"_s))
        QVERIFY(result.fix.endsWith(file));
}

void tst_Doctor::checkMetadataAddress_data()
{
    QTest::addColumn<QList<QHostAddress>>("addresses");
    QTest::addColumn<std::optional<RunningImsa>>("running");
    addOutcomeColumns();
    const QList<QHostAddress> plain{QHostAddress(u"127.0.0.1"_s), QHostAddress(u"::1"_s)};
    const QList<QHostAddress> withMetadata = plain + QList{QHostAddress(u"169.254.169.254"_s)};
    QTest::addRow("on lo") << withMetadata << std::optional<RunningImsa>() << CheckStatus::Ok
                           << u"169.254.169.254 is on lo"_s << QString();
    QTest::addRow("not yet, imsa not running: the helper adds it")
            << plain << std::optional<RunningImsa>() << CheckStatus::Warn << u"is not on lo"_s
            << u"sudo ip addr add 169.254.169.254/32 dev lo"_s;
    QTest::addRow("gone while imsa serves there")
            << plain << std::optional(runningOn(u"http://169.254.169.254/"_s)) << CheckStatus::Fail
            << u"although imsa serves there"_s << u"imsa stop && imsa start"_s;
    QTest::addRow("not on lo, imsa on the fallback address")
            << plain << std::optional(runningOn(u"http://127.0.0.1:9254/"_s)) << CheckStatus::Warn
            << u"is not on lo"_s << u"imsa-helper adds it"_s;
}

void tst_Doctor::checkMetadataAddress()
{
    QFETCH(QList<QHostAddress>, addresses);
    QFETCH(std::optional<RunningImsa>, running);
    verifyOutcome(imsa::cli::checkMetadataAddress(addresses, running));
}

void tst_Doctor::checkPortOwner_data()
{
    QTest::addColumn<QList<TcpListener>>("listeners");
    QTest::addColumn<std::optional<RunningImsa>>("running");
    addOutcomeColumns();
    constexpr uint me = 1000;
    const TcpListener metadata{QHostAddress(u"169.254.169.254"_s), 80, me, 11};
    const TcpListener wildcard{QHostAddress(u"0.0.0.0"_s), 80, 0, 22};
    const TcpListener wildcard6{QHostAddress(u"::"_s), 80, 33, 33};
    const TcpListener loopback80{QHostAddress(u"127.0.0.1"_s), 80, 0, 44};
    const TcpListener otherUser{QHostAddress(u"169.254.169.254"_s), 80, 1001, 55};
    const TcpListener unknownOwn{QHostAddress(u"169.254.169.254"_s), 80, me, 66};
    const TcpListener staleImsa{QHostAddress(u"169.254.169.254"_s), 80, me, 77};
    const auto served = std::optional(runningOn(u"http://169.254.169.254/"_s));
    const auto fallback = std::optional(runningOn(u"http://127.0.0.1:9254/"_s));
    const auto none = std::optional<RunningImsa>();
    QTest::addRow("imsa holds it")
            << QList{metadata} << served << CheckStatus::Ok
            << u"imsa (pid 4242) listens on 169.254.169.254:80"_s << QString();
    QTest::addRow("nginx on 0.0.0.0:80")
            << QList{wildcard} << fallback << CheckStatus::Fail
            << u"nginx (pid 42) holds 0.0.0.0:80"_s << u"listen on another address"_s;
    QTest::addRow("apache on [::]:80 covers IPv4 too")
            << QList{wildcard6} << none << CheckStatus::Fail << u"apache2 (pid 43) holds [::]:80"_s
            << u"stop it"_s;
    QTest::addRow("another user's imsa") << QList{otherUser} << fallback << CheckStatus::Fail
                                         << u"a process of uid 1001"_s << u"one user at a time"_s;
    // The app is not dumpable: its /proc/PID/fd is closed to the user's own processes.
    QTest::addRow("imsa holds it, its descriptors hidden")
            << QList{unknownOwn} << served << CheckStatus::Ok
            << u"imsa (pid 4242) listens on 169.254.169.254:80"_s << QString();
    QTest::addRow("own process that cannot be identified")
            << QList{unknownOwn} << none << CheckStatus::Fail << u"cannot identify"_s
            << u"ss -ltnp"_s;
    QTest::addRow("an imsa that does not answer") << QList{staleImsa} << none << CheckStatus::Fail
                                                  << u"imsa (pid 77) holds"_s << u"kill 77"_s;
    QTest::addRow("free, imsa not running") << QList{loopback80} << none << CheckStatus::Warn
                                            << u"imsa is not running"_s << u"imsa start"_s;
    QTest::addRow("free, imsa on the fallback address")
            << QList<TcpListener>{} << fallback << CheckStatus::Fail
            << u"imsa serves on http://127.0.0.1:9254/ instead"_s << u"helper"_s;
}

void tst_Doctor::checkPortOwner()
{
    QFETCH(QList<TcpListener>, listeners);
    QFETCH(std::optional<RunningImsa>, running);
    const SocketOwnerLookup owners = [](quint64 inode) -> std::optional<SocketOwner> {
        switch (inode) {
        case 11:
            return SocketOwner{4242, u"imsa"_s};
        case 22:
            return SocketOwner{42, u"nginx"_s};
        case 33:
            return SocketOwner{43, u"apache2"_s};
        case 77:
            return SocketOwner{77, u"imsa"_s};
        default:
            return std::nullopt;
        }
    };
    verifyOutcome(imsa::cli::checkPortOwner(listeners, owners, running, 1000));
}

void tst_Doctor::checkKeychain_data()
{
    QTest::addColumn<std::optional<KeychainProbe>>("probe");
    QTest::addColumn<QString>("keystoreVariable");
    addOutcomeColumns();
    QTest::addRow("the Secret Service answers")
            << std::optional(KeychainProbe{true, {}}) << QString() << CheckStatus::Ok
            << u"answers"_s << QString();
    QTest::addRow("no Secret Service: the file, not encrypted")
            << std::optional(KeychainProbe{false, u"Cannot autolaunch D-Bus without X11"_s})
            << QString() << CheckStatus::Warn
            << u"no Secret Service (Cannot autolaunch D-Bus without X11); imsa keeps secrets in "
               "/s/keystore.json (not encrypted)"_s
            << u"IMSA_KEYSTORE=file"_s;
    QTest::addRow("file store forced")
            << std::optional<KeychainProbe>() << u"file"_s << CheckStatus::Warn
            << u"IMSA_KEYSTORE=file"_s << u"unset IMSA_KEYSTORE"_s;
}

void tst_Doctor::checkKeychain()
{
    QFETCH(std::optional<KeychainProbe>, probe);
    QFETCH(QString, keystoreVariable);
    QProcessEnvironment env;
    if (!keystoreVariable.isEmpty())
        env.insert(u"IMSA_KEYSTORE"_s, keystoreVariable);
    verifyOutcome(imsa::cli::checkKeychain(probe, env, u"/s/keystore.json"_s));
}

void tst_Doctor::checkClock_data()
{
    using DateResult = std::optional<imsa::Result<QDateTime, imsa::Failure>>;
    QTest::addColumn<DateResult>("serverDate");
    addOutcomeColumns();
    const QDateTime now(QDate(2026, 11, 25), QTime(10, 0, 0), Qt::UTC);
    QTest::addRow("offline") << DateResult() << CheckStatus::Skip << u"--offline"_s << QString();
    QTest::addRow("unreachable")
            << DateResult(imsa::Failure{u"Connection refused"_s}) << CheckStatus::Warn
            << u"cannot ask sts.eu-west-1.amazonaws.com for the time: Connection refused"_s
            << u"5 minutes"_s;
    QTest::addRow("in step") << DateResult(now) << CheckStatus::Ok << u"agrees"_s << QString();
    QTest::addRow("30 s behind: fine") << DateResult(now.addSecs(30)) << CheckStatus::Ok
                                       << u"this clock is 30 s behind sts.eu-west-1"_s << QString();
    QTest::addRow("90 s ahead: worth fixing")
            << DateResult(now.addSecs(-90)) << CheckStatus::Warn
            << u"this clock is 90 s ahead of sts.eu-west-1"_s << u"timedatectl set-ntp true"_s;
    QTest::addRow("301 s behind: STS refuses")
            << DateResult(now.addSecs(301)) << CheckStatus::Fail
            << u"301 s behind sts.eu-west-1.amazonaws.com; STS refuses"_s
            << u"timedatectl set-ntp true"_s;
    QTest::addRow("exactly 5 minutes: still accepted")
            << DateResult(now.addSecs(-300)) << CheckStatus::Warn << u"300 s ahead"_s
            << u"timedatectl"_s;
}

void tst_Doctor::checkClock()
{
    using DateResult = std::optional<imsa::Result<QDateTime, imsa::Failure>>;
    QFETCH(DateResult, serverDate);
    const QDateTime now(QDate(2026, 11, 25), QTime(10, 0, 0), Qt::UTC);
    verifyOutcome(
            imsa::cli::checkClock(serverDate, now, QUrl(u"https://sts.eu-west-1.amazonaws.com"_s)));
}

void tst_Doctor::checkEndpointIdentity_data()
{
    QTest::addColumn<std::optional<EndpointProbe>>("probe");
    QTest::addColumn<std::optional<RunningImsa>>("running");
    addOutcomeColumns();
    const auto answered = [](const QByteArray &proof, std::optional<bool> verified) {
        return std::optional(
                EndpointProbe{{}, QHostAddress(u"127.0.0.1"_s), 9254, proof, verified});
    };
    const auto nothing = std::optional(EndpointProbe{u"Connection refused"_s, {}, 0, {}, {}});
    const auto onFallback = std::optional(runningOn(u"http://127.0.0.1:41234/"_s));
    const auto onMetadata = std::optional(runningOn(u"http://169.254.169.254/"_s));
    const auto none = std::optional<RunningImsa>();

    QTest::addRow("imsa proved it") << answered("abc", true) << onFallback << CheckStatus::Ok
                                    << u"what answers at http://127.0.0.1:9254/ is this imsa "
                                       "(pid 4242"_s
                                    << QString();
    QTest::addRow("another program with a wrong proof")
            << answered("abc", false) << onFallback << CheckStatus::Fail
            << u"127.0.0.1:9254 answers at http://127.0.0.1:9254/, but it is not this imsa (its "
               "proof is wrong): AWS tools get credentials from another program"_s
            << u"ss -ltnp 'sport = :9254'; in a shell, use imsa's own endpoint"_s;
    QTest::addRow("another program without a proof, imsa on the metadata address")
            << answered({}, {}) << onMetadata << CheckStatus::Fail << u"it cannot prove it"_s
            << u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT"_s;
    QTest::addRow("a proof imsa could not be asked about")
            << answered("abc", {}) << onFallback << CheckStatus::Warn
            << u"imsa could not be asked"_s << u"imsa doctor again"_s;
    QTest::addRow("something answers while imsa is not running")
            << answered({}, {}) << none << CheckStatus::Warn << u"imsa is not running"_s
            << u"imsa start"_s;
    QTest::addRow("nothing answers where imsa should")
            << nothing << onFallback << CheckStatus::Fail
            << u"nothing answers at http://127.0.0.1:9254/ (Connection refused)"_s
            << u"imsa env PROFILE"_s;
    QTest::addRow("nothing answers, imsa not running")
            << nothing << none << CheckStatus::Warn << u"nothing answers"_s << u"imsa start"_s;
    QTest::addRow("not asked: --offline and off this machine")
            << std::optional<EndpointProbe>() << onMetadata << CheckStatus::Skip
            << u"not checked (--offline"_s << QString();
}

void tst_Doctor::checkEndpointIdentity()
{
    QFETCH(std::optional<EndpointProbe>, probe);
    QFETCH(std::optional<RunningImsa>, running);
    verifyOutcome(imsa::cli::checkEndpointIdentity(u"http://127.0.0.1:9254/"_s, probe, running));
}

QTEST_GUILESS_MAIN(tst_Doctor)
#include "tst_doctor.moc"
