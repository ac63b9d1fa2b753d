#include <algorithm>
#include <fcntl.h>
#include <memory>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <QFileInfo>
#include <QHostAddress>
#include <QNetworkInterface>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/helpertestsupport.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

enum class Inherit {
    Nothing,
    RegularFile,
    TcpSocket,
    UnixDatagram,
    UnixUnconnected,
    UnixSeqpacket,
};

// Creates the descriptor the helper is to receive as fd 3.
int makeDescriptor(Inherit kind, int *peer)
{
    *peer = -1;
    switch (kind) {
    case Inherit::Nothing:
        return -1;
    case Inherit::RegularFile:
        return ::open("/etc/hostname", O_RDONLY | O_CLOEXEC);
    case Inherit::TcpSocket:
        return ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    case Inherit::UnixUnconnected:
        return ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    case Inherit::UnixDatagram:
    case Inherit::UnixSeqpacket: {
        int ends[2] = {-1, -1};
        const int type = kind == Inherit::UnixDatagram ? SOCK_DGRAM : SOCK_SEQPACKET;
        if (::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, ends) != 0)
            return -1;
        *peer = ends[0];
        return ends[1];
    }
    }
    return -1;
}

// Capability bits of this process, from the kernel's own report.
bool testProcessHasCapability(int bit)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> lines = status.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.startsWith("CapEff:"))
            return (line.mid(7).trimmed().toULongLong(nullptr, 16) >> bit) & 1U;
    }
    return false;
}

bool loopbackHasMetadataAddress()
{
    const QNetworkInterface loopback = QNetworkInterface::interfaceFromName(u"lo"_s);
    const QList<QNetworkAddressEntry> entries = loopback.addressEntries();
    return std::any_of(entries.cbegin(), entries.cend(), [](const QNetworkAddressEntry &entry) {
        return entry.ip() == QHostAddress(kMetadataAddress) && entry.prefixLength() == 32;
    });
}

struct NetnsGate
{
    QString skipReason;
    bool isolated = false;
};

// The root-only cases change `lo` and bind port 80, so they run only where helper_netns_test.sh
// put them: as root, in a network namespace of their own (never the host's).
NetnsGate netnsGate()
{
    if (qEnvironmentVariable("IMSA_TEST_NETNS") != u"1"_s || ::geteuid() != 0)
        return {u"needs root inside a private network namespace; run as root through "
                "'ctest -L root' (helper_netns_test.sh does unshare --net)"_s,
                false};
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
        return {u"runs with no_new_privs, which voids the file capabilities these cases use"_s,
                false};

    // The namespace's identity is the inode of its /proc entry; the script passes the one it
    // started in (pid 1's is not always readable, e.g. in containers).
    struct stat own
    { };

    const QString host = qEnvironmentVariable("IMSA_TEST_HOST_NETNS");
    const bool known = ::stat("/proc/self/ns/net", &own) == 0 && !host.isEmpty();
    return {{}, known && QString::number(own.st_ino) != host};
}

bool runIp(const QStringList &arguments)
{
    const ProcessRun run = runProgram(u"ip"_s, arguments);
    return run.ran && run.exitCode == 0;
}

bool loopbackHas(const QString &address, int prefixLength)
{
    const QList<QNetworkAddressEntry> entries =
            QNetworkInterface::interfaceFromName(u"lo"_s).addressEntries();
    return std::any_of(entries.cbegin(), entries.cend(), [&](const QNetworkAddressEntry &entry) {
        return entry.ip() == QHostAddress(address) && entry.prefixLength() == prefixLength;
    });
}

bool setMetadataAddressPresent(bool present)
{
    const QString prefix = kMetadataAddress + u"/32"_s;
    // `replace` also succeeds when the address exists, `flush ... to` when it is absent.
    const bool changed = present
            ? runIp({u"-4"_s, u"address"_s, u"replace"_s, prefix, u"dev"_s, u"lo"_s})
            : runIp({u"-4"_s, u"address"_s, u"flush"_s, u"dev"_s, u"lo"_s, u"to"_s, prefix});
    return changed && loopbackHasMetadataAddress() == present;
}

// A launcher target that runs `helper` as user nobody without any capability.
bool writeUnprivilegedWrapper(const QString &wrapper, const QString &helper)
{
    return writeScript(wrapper,
                       u"exec /usr/bin/setpriv --reuid=nobody --regid=nogroup --clear-groups '"_s
                               + helper + u"' \"$@\""_s);
}

} // namespace

Q_DECLARE_METATYPE(Inherit)

#define IMSA_REQUIRE_NETNS()                                                                  \
  do {                                                                                        \
    const NetnsGate gate = netnsGate();                                                       \
    if (!gate.skipReason.isEmpty())                                                           \
      QSKIP(qPrintable(gate.skipReason));                                                     \
    QVERIFY2(gate.isolated, "IMSA_TEST_NETNS=1 but this is not a private network namespace"); \
  } while (false)

class tst_ImsaHelper : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void realHelperRefusesBadInvocation_data();
    void realHelperRefusesBadInvocation();
    void realHelperCheckReportsCapabilities();

    void netnsHelperHandsOverListeningSocket();
    void netnsSecondHelperReportsPortInUse();
    void netnsHelperWithoutCapabilitiesReportsPermission_data();
    void netnsHelperWithoutCapabilitiesReportsPermission();
    void netnsSetcapHelperServesUnprivilegedUser();
    void netnsSetuidHelperIsRefused_data();
    void netnsSetuidHelperIsRefused();
    void netnsRemoveTakesOnlyTheMetadataAddressOffLo_data();
    void netnsRemoveTakesOnlyTheMetadataAddressOffLo();
    void netnsRemoveRefusesWhileSomethingListensThere();
    void netnsRemoveWithoutCapabilitiesChangesNothing();

private:
    // Made in initTestCase: helper_netns_test.sh runs `-functions` first, which exits without
    // destroying the test object, and a member directory would be left in /tmp.
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ImsaHelper::initTestCase()
{
    QVERIFY2(QFileInfo(realHelper()).isExecutable(),
             "IMSA_HELPER must name the built imsa-helper (set by tests/app/CMakeLists.txt)");
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_ImsaHelper::realHelperRefusesBadInvocation_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<Inherit>("inherit");
    QTest::addColumn<QString>("reason");

    QTest::addRow("no arguments") << QStringList{} << Inherit::Nothing
                                  << u"expected exactly one argument"_s;
    QTest::addRow("--remove with a second argument")
            << QStringList{u"--remove"_s, u"169.254.169.254"_s} << Inherit::Nothing
            << u"expected exactly one argument"_s;
    QTest::addRow("a second argument after a valid --fd")
            << QStringList{u"--fd=3"_s, u"--check"_s} << Inherit::UnixSeqpacket
            << u"expected exactly one argument"_s;
    QTest::addRow("unknown option")
            << QStringList{u"--version"_s} << Inherit::Nothing << u"unknown argument '--version'"_s;
    QTest::addRow("descriptor is not a number")
            << QStringList{u"--fd=three"_s} << Inherit::UnixSeqpacket
            << u"--fd needs a descriptor number, got 'three'"_s;
    QTest::addRow("negative descriptor") << QStringList{u"--fd=-3"_s} << Inherit::UnixSeqpacket
                                         << u"--fd needs a descriptor number, got '-3'"_s;
    QTest::addRow("text after the number") << QStringList{u"--fd=3 "_s} << Inherit::UnixSeqpacket
                                           << u"--fd needs a descriptor number, got '3 '"_s;
    QTest::addRow("descriptor not open") << QStringList{u"--fd=3"_s} << Inherit::Nothing
                                         << u"--fd=3: not a socket (Bad file descriptor)"_s;
    QTest::addRow("regular file") << QStringList{u"--fd=3"_s} << Inherit::RegularFile
                                  << u"--fd=3: not a socket (Socket operation on non-socket)"_s;
    QTest::addRow("TCP socket") << QStringList{u"--fd=3"_s} << Inherit::TcpSocket
                                << u"--fd=3: not an AF_UNIX socket"_s;
    QTest::addRow("AF_UNIX datagram socket")
            << QStringList{u"--fd=3"_s} << Inherit::UnixDatagram
            << u"--fd=3: not a SOCK_STREAM or SOCK_SEQPACKET socket"_s;
    QTest::addRow("AF_UNIX stream socket that is not connected")
            << QStringList{u"--fd=3"_s} << Inherit::UnixUnconnected
            << u"--fd=3: not connected (Transport endpoint is not connected)"_s;
}

void tst_ImsaHelper::realHelperRefusesBadInvocation()
{
    QFETCH(QStringList, arguments);
    QFETCH(Inherit, inherit);
    QFETCH(QString, reason);

    int peer = -1;
    const int fd = makeDescriptor(inherit, &peer);
    QVERIFY(inherit == Inherit::Nothing || fd >= 0);
    const ProcessRun run = runProgram(realHelper(), arguments, fd);
    if (fd >= 0)
        ::close(fd);
    if (peer >= 0)
        ::close(peer);

    QVERIFY(run.ran);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.standardOutput, QString());
    QCOMPARE(run.standardError,
             u"imsa-helper: "_s + reason
                     + u"\nusage: imsa-helper --fd=N | imsa-helper --remove | imsa-helper "
                       "--check\n"_s);
}

void tst_ImsaHelper::realHelperCheckReportsCapabilities()
{
    // CAP_NET_BIND_SERVICE is 10, CAP_NET_ADMIN 12 (linux/capability.h). The helper has no
    // file capabilities here, so it has exactly what this process passes on: all of root's,
    // or none.
    const bool bindService = testProcessHasCapability(10);
    const bool admin = testProcessHasCapability(12);
    const ProcessRun run = runProgram(realHelper(), {u"--check"_s});
    QVERIFY(run.ran);
    QCOMPARE(run.standardOutput,
             u"cap_net_bind_service: %1\ncap_net_admin: %2\n"_s.arg(bindService ? u"yes" : u"no",
                                                                    admin ? u"yes" : u"no"));
    QCOMPARE(run.exitCode, bindService && admin ? 0 : 1);
}

void tst_ImsaHelper::netnsHelperHandsOverListeningSocket()
{
    IMSA_REQUIRE_NETNS();
    QVERIFY(setMetadataAddressPresent(false));

    const LauncherRun run = runLauncher(realHelper());
    QCOMPARE(run.signalCount, 1);
    QCOMPARE(run.result.error, QString());
    QVERIFY(run.result.listeningFd >= 0);
    QCOMPARE(::fcntl(static_cast<int>(run.result.listeningFd), F_GETFD), FD_CLOEXEC);
    QVERIFY2(loopbackHasMetadataAddress(), "the helper did not add 169.254.169.254/32 to lo");

    QTcpServer server;
    QVERIFY(server.setSocketDescriptor(run.result.listeningFd));
    QCOMPARE(server.serverAddress(), QHostAddress(kMetadataAddress));
    QCOMPARE(server.serverPort(), quint16(80));

    // For a listening socket ss shows the backlog in the Send-Q column.
    const ProcessRun ss = runProgram(u"ss"_s, {u"-ltnH"_s, u"sport = :80"_s});
    QVERIFY(ss.ran);
    const QStringList columns = ss.standardOutput.simplified().split(u' ');
    QCOMPARE(columns.value(0), u"LISTEN"_s);
    // Sized for bursts of 2,000 connections (issue 18); net.core.somaxconn defaults to 4096.
    QCOMPARE(columns.value(2), u"4096"_s);
    QCOMPARE(columns.value(3), kMetadataAddress + u":80"_s);

    QSignalSpy connected(&server, &QTcpServer::newConnection);
    QTcpSocket client;
    client.connectToHost(QHostAddress(kMetadataAddress), 80);
    QVERIFY(connected.wait(5000));
    QTcpSocket *accepted = server.nextPendingConnection();
    QVERIFY(accepted != nullptr);
    QCOMPARE(accepted->peerAddress(), QHostAddress(kMetadataAddress));
    QCOMPARE(accepted->localPort(), quint16(80));
}

void tst_ImsaHelper::netnsSecondHelperReportsPortInUse()
{
    IMSA_REQUIRE_NETNS();

    const LauncherRun first = runLauncher(realHelper());
    QCOMPARE(first.result.error, QString());
    QTcpServer server;
    QVERIFY(server.setSocketDescriptor(first.result.listeningFd));

    const LauncherRun second = runLauncher(realHelper());
    QCOMPARE(second.signalCount, 1);
    QCOMPARE(second.result.listeningFd, qintptr(-1));
    QVERIFY2(second.result.error.contains(u"already in use (by another imsa or aws-vault?)"_s),
             qPrintable(second.result.error));
    QVERIFY2(second.result.error.contains(u"(bind EADDRINUSE: Address already in use)"_s),
             qPrintable(second.result.error));
}

void tst_ImsaHelper::netnsHelperWithoutCapabilitiesReportsPermission_data()
{
    QTest::addColumn<bool>("addressPresent");
    QTest::addColumn<QString>("status");

    QTest::addRow("address missing: adding it needs CAP_NET_ADMIN")
            << false << u"(add-address EPERM: Operation not permitted)"_s;
    QTest::addRow("address present: port 80 needs CAP_NET_BIND_SERVICE")
            << true << u"(bind EACCES: Permission denied)"_s;
}

void tst_ImsaHelper::netnsHelperWithoutCapabilitiesReportsPermission()
{
    IMSA_REQUIRE_NETNS();
    QFETCH(bool, addressPresent);
    QFETCH(QString, status);

    QVERIFY(setMetadataAddressPresent(addressPresent));
    const QString wrapper = m_dir->filePath(u"as-nobody"_s);
    QVERIFY(writeUnprivilegedWrapper(wrapper, realHelper()));

    const LauncherRun run = runLauncher(wrapper);
    QCOMPARE(run.signalCount, 1);
    QCOMPARE(run.result.listeningFd, qintptr(-1));
    QVERIFY2(run.result.error.contains(status), qPrintable(run.result.error));
    QVERIFY2(run.result.error.endsWith(u"Run: "_s + setcapCommand(wrapper)),
             qPrintable(run.result.error));
    QCOMPARE(loopbackHasMetadataAddress(), addressPresent);
}

void tst_ImsaHelper::netnsSetcapHelperServesUnprivilegedUser()
{
    IMSA_REQUIRE_NETNS();
    const QString setcap =
            QStandardPaths::findExecutable(u"setcap"_s, {u"/usr/sbin"_s, u"/sbin"_s});
    if (setcap.isEmpty())
        QSKIP("setcap (libcap2-bin) is not installed");

    // The installed situation: an ordinary user runs a copy with file capabilities.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(makeWorldReadable(dir.path()));
    const QString helper = dir.filePath(u"imsa-helper"_s);
    QVERIFY(QFile::copy(realHelper(), helper));
    const ProcessRun granted =
            runProgram(setcap, {u"cap_net_bind_service,cap_net_admin+ep"_s, helper});
    if (!granted.ran || granted.exitCode != 0)
        QSKIP(qPrintable(u"setcap failed (file system without xattrs?): "_s
                         + granted.standardError));
    const QString wrapper = dir.filePath(u"as-nobody"_s);
    QVERIFY(writeUnprivilegedWrapper(wrapper, helper));

    const ProcessRun check = runProgram(wrapper, {u"--check"_s});
    QVERIFY(check.ran);
    QCOMPARE(check.standardOutput, u"cap_net_bind_service: yes\ncap_net_admin: yes\n"_s);
    QCOMPARE(check.exitCode, 0);
    const QString plainWrapper = dir.filePath(u"plain-as-nobody"_s);
    QVERIFY(writeUnprivilegedWrapper(plainWrapper, realHelper()));
    const ProcessRun plainCheck = runProgram(plainWrapper, {u"--check"_s});
    QCOMPARE(plainCheck.standardOutput, u"cap_net_bind_service: no\ncap_net_admin: no\n"_s);
    QCOMPARE(plainCheck.exitCode, 1);

    QVERIFY(setMetadataAddressPresent(false));
    const LauncherRun run = runLauncher(wrapper);
    QCOMPARE(run.result.error, QString());
    QTcpServer server;
    QVERIFY(server.setSocketDescriptor(run.result.listeningFd));
    QVERIFY(loopbackHasMetadataAddress());

    QSignalSpy connected(&server, &QTcpServer::newConnection);
    QTcpSocket client;
    client.connectToHost(QHostAddress(kMetadataAddress), 80);
    QVERIFY(connected.wait(5000));
    QTcpSocket *accepted = server.nextPendingConnection();
    QVERIFY(accepted != nullptr);
    QCOMPARE(accepted->peerAddress(), QHostAddress(kMetadataAddress));
}

void tst_ImsaHelper::netnsSetuidHelperIsRefused_data()
{
    QTest::addColumn<QString>("mode");

    QTest::addRow("setuid nobody") << u"4755"_s;
    QTest::addRow("setgid nogroup") << u"2755"_s;
}

void tst_ImsaHelper::netnsSetuidHelperIsRefused()
{
    IMSA_REQUIRE_NETNS();
    QFETCH(QString, mode);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(makeWorldReadable(dir.path()));

    struct statvfs fileSystem
    { };

    QVERIFY(::statvfs(QFile::encodeName(dir.path()).constData(), &fileSystem) == 0);
    if ((fileSystem.f_flag & ST_NOSUID) != 0)
        QSKIP("the temporary directory is on a nosuid mount");

    const QString helper = dir.filePath(u"imsa-helper"_s);
    QVERIFY(QFile::copy(realHelper(), helper));
    QCOMPARE(runProgram(u"chown"_s, {u"nobody:nogroup"_s, helper}).exitCode, 0);
    QCOMPARE(runProgram(u"chmod"_s, {mode, helper}).exitCode, 0);

    const ProcessRun run = runProgram(helper, {u"--check"_s});
    QVERIFY(run.ran);
    if (run.standardError.contains(u"LeakSanitizer has encountered a fatal error"_s))
        QEXPECT_FAIL("",
                     "in sanitizer builds LeakSanitizer cannot inspect a setuid process at exit "
                     "and exits 1",
                     Continue);
    QCOMPARE(run.exitCode, 2);
    QCOMPARE(run.standardOutput, QString());
    QVERIFY2(run.standardError.startsWith(u"imsa-helper: refusing to run setuid or setgid"_s),
             qPrintable(run.standardError));
}

void tst_ImsaHelper::netnsRemoveTakesOnlyTheMetadataAddressOffLo_data()
{
    QTest::addColumn<bool>("present");
    QTest::addRow("present, next to other addresses on lo") << true;
    QTest::addRow("already gone") << false;
}

void tst_ImsaHelper::netnsRemoveTakesOnlyTheMetadataAddressOffLo()
{
    IMSA_REQUIRE_NETNS();
    QFETCH(bool, present);
    QVERIFY(setMetadataAddressPresent(present));
    // Neighbours that must stay: the next address, and another network on lo.
    QVERIFY(runIp(
            {u"-4"_s, u"address"_s, u"replace"_s, u"169.254.169.253/32"_s, u"dev"_s, u"lo"_s}));
    QVERIFY(runIp({u"-4"_s, u"address"_s, u"replace"_s, u"10.254.0.1/16"_s, u"dev"_s, u"lo"_s}));

    const ProcessRun run = runProgram(realHelper(), {u"--remove"_s});
    QVERIFY(run.ran);
    QCOMPARE(run.standardOutput, u"OK\n"_s);
    QCOMPARE(run.exitCode, 0);
    QVERIFY2(!loopbackHasMetadataAddress(), "169.254.169.254/32 is still on lo");
    QVERIFY(loopbackHas(u"169.254.169.253"_s, 32));
    QVERIFY(loopbackHas(u"10.254.0.1"_s, 16));
    QVERIFY(loopbackHas(u"127.0.0.1"_s, 8));
}

void tst_ImsaHelper::netnsRemoveRefusesWhileSomethingListensThere()
{
    IMSA_REQUIRE_NETNS();
    QVERIFY(setMetadataAddressPresent(true));
    // Another user's imsa serving there, as far as the helper can tell.
    QTcpServer serving;
    QVERIFY(serving.listen(QHostAddress(kMetadataAddress), 80));

    const ProcessRun run = runProgram(realHelper(), {u"--remove"_s});
    QVERIFY(run.ran);
    QCOMPARE(run.standardOutput, u"ERR check-listener EADDRINUSE: Address already in use\n"_s);
    QCOMPARE(run.exitCode, 1);
    QVERIFY(loopbackHasMetadataAddress());
}

void tst_ImsaHelper::netnsRemoveWithoutCapabilitiesChangesNothing()
{
    IMSA_REQUIRE_NETNS();
    QVERIFY(setMetadataAddressPresent(true));
    const QString wrapper = m_dir->filePath(u"as-nobody"_s);
    QVERIFY(writeUnprivilegedWrapper(wrapper, realHelper()));

    const ProcessRun run = runProgram(wrapper, {u"--remove"_s});
    QVERIFY(run.ran);
    QCOMPARE(run.standardOutput, u"ERR check-listener EACCES: Permission denied\n"_s);
    QCOMPARE(run.exitCode, 1);
    QVERIFY(loopbackHasMetadataAddress());
}

QTEST_GUILESS_MAIN(tst_ImsaHelper)
#include "tst_imsahelper.moc"
