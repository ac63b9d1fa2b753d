// Who is asking: the sock_diag request and reply codec, the command-line and interpreter rules,
// and the resolver against real loopback connections of this test process.
#include <arpa/inet.h>
#include <csignal>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFile>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/loopbackclient.h"
#include "service/peerresolver.h"
#include "service/processidentity.h"
#include "service/sockdiag.h"

using namespace imsa::app;
using namespace Qt::StringLiterals;

namespace {

quint16 localPortOf(int fd)
{
    sockaddr_in address{};
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length);
    return ntohs(address.sin_port);
}

/// A reply as the kernel writes it: header and inet_diag_msg, or an NLMSG_ERROR.
QByteArray kernelReply(quint32 sequence, quint16 type, quint32 uid, quint32 inode)
{
    QByteArray reply(NLMSG_SPACE(sizeof(inet_diag_msg)), '\0');
    nlmsghdr header{};
    header.nlmsg_len = NLMSG_LENGTH(sizeof(inet_diag_msg));
    header.nlmsg_type = type;
    header.nlmsg_seq = sequence;
    std::memcpy(reply.data(), &header, sizeof header);
    inet_diag_msg message{};
    message.idiag_uid = uid;
    message.idiag_inode = inode;
    std::memcpy(reply.data() + NLMSG_HDRLEN, &message, sizeof message);
    return reply;
}

} // namespace

class tst_PeerResolver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void requestLooksUpThePeersSocketExactly();
    void requestNeedsOneFamily();
    void replies_data();
    void replies();
    void shortCommandLines_data();
    void shortCommandLines();
    void programIdentities_data();
    void programIdentities();
    void findsThisProcessBehindALoopbackConnection_data();
    void findsThisProcessBehindALoopbackConnection();
    void aClosedPeerIsRecordedAsSuch();
    void describeReadsPastAnAwkwardName();
    void aLaterConnectionIsToldFromMemory();
};

void tst_PeerResolver::requestLooksUpThePeersSocketExactly()
{
    const TcpTuple tuple{QHostAddress(u"127.0.0.2"_s), 40000, QHostAddress(u"127.0.0.1"_s), 80};
    const QByteArray request = sockDiagRequest(tuple, 7);
    QCOMPARE(request.size(), qsizetype(sizeof(nlmsghdr) + sizeof(inet_diag_req_v2)));
    nlmsghdr header{};
    std::memcpy(&header, request.constData(), sizeof header);
    QCOMPARE(header.nlmsg_type, quint16(SOCK_DIAG_BY_FAMILY));
    QCOMPARE(header.nlmsg_flags, quint16(NLM_F_REQUEST)); // no dump
    QCOMPARE(header.nlmsg_seq, 7U);
    inet_diag_req_v2 body{};
    std::memcpy(&body, request.constData() + sizeof header, sizeof body);
    QCOMPARE(body.sdiag_family, quint8(AF_INET));
    QCOMPARE(body.sdiag_protocol, quint8(IPPROTO_TCP));
    QCOMPARE(ntohs(body.id.idiag_sport), quint16(40000));
    QCOMPARE(ntohs(body.id.idiag_dport), quint16(80));
    QCOMPARE(ntohl(body.id.idiag_src[0]), QHostAddress(u"127.0.0.2"_s).toIPv4Address());
    QCOMPARE(ntohl(body.id.idiag_dst[0]), QHostAddress(u"127.0.0.1"_s).toIPv4Address());
    QCOMPARE(body.id.idiag_cookie[0], quint32(INET_DIAG_NOCOOKIE));
    QCOMPARE(body.id.idiag_cookie[1], quint32(INET_DIAG_NOCOOKIE));
}

void tst_PeerResolver::requestNeedsOneFamily()
{
    QVERIFY(sockDiagRequest({QHostAddress(u"::1"_s), 1, QHostAddress(u"127.0.0.1"_s), 2}, 1)
                    .isEmpty());
    // A dual-stack listener reports IPv4 peers as mapped addresses: they are IPv4 sockets.
    const QByteArray mapped = sockDiagRequest(
            {QHostAddress(u"::ffff:127.0.0.1"_s), 1, QHostAddress(u"127.0.0.1"_s), 2}, 1);
    inet_diag_req_v2 body{};
    std::memcpy(&body, mapped.constData() + sizeof(nlmsghdr), sizeof body);
    QCOMPARE(body.sdiag_family, quint8(AF_INET));
}

void tst_PeerResolver::replies_data()
{
    QTest::addColumn<QByteArray>("reply");
    QTest::addColumn<bool>("found");
    QTest::addColumn<quint32>("uid");
    QTest::addColumn<quint64>("inode");

    QTest::addRow("a socket of uid 1000")
            << kernelReply(5, SOCK_DIAG_BY_FAMILY, 1000, 4242) << true << 1000U << quint64(4242);
    QTest::addRow("a socket without a file (TIME_WAIT)")
            << kernelReply(5, SOCK_DIAG_BY_FAMILY, 0, 0) << true << 0U << quint64(0);
    QTest::addRow("no such socket (NLMSG_ERROR)")
            << kernelReply(5, NLMSG_ERROR, 0, 0) << false << 0U << quint64(0);
    QTest::addRow("the reply to another request")
            << kernelReply(6, SOCK_DIAG_BY_FAMILY, 1000, 4242) << false << 0U << quint64(0);
    QTest::addRow("cut short") << kernelReply(5, SOCK_DIAG_BY_FAMILY, 1000, 4242).first(40) << false
                               << 0U << quint64(0);
    QByteArray lying = kernelReply(5, SOCK_DIAG_BY_FAMILY, 1000, 4242);
    lying[0] = char(0xff); // nlmsg_len past the end
    QTest::addRow("a length past the end") << lying << false << 0U << quint64(0);
    QTest::addRow("empty") << QByteArray() << false << 0U << quint64(0);
}

void tst_PeerResolver::replies()
{
    QFETCH(QByteArray, reply);
    QFETCH(bool, found);
    QFETCH(quint32, uid);
    QFETCH(quint64, inode);

    const std::optional<SocketOwner> owner = parseSockDiagReply(reply, 5);
    QCOMPARE(owner.has_value(), found);
    if (owner) {
        QCOMPARE(owner->uid, uid);
        QCOMPARE(owner->inode, inode);
    }
}

void tst_PeerResolver::shortCommandLines_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("shown");

    QTest::addRow("plain") << QStringList{u"curl"_s, u"-s"_s, u"http://x/"_s}
                           << u"curl -s http://x/"_s;
    QTest::addRow("blanks are quoted")
            << QStringList{u"sh"_s, u"-c"_s, u"echo hi"_s} << u"sh -c 'echo hi'"_s;
    QTest::addRow("a secret option's value is hidden")
            << QStringList{u"tool"_s, u"--password"_s, u"hunter2"_s, u"next"_s}
            << u"tool --password *** next"_s;
    QTest::addRow("a secret option=value is hidden")
            << QStringList{u"tool"_s, u"--api-token=abc"_s, u"--region=eu"_s}
            << u"tool --api-token=*** --region=eu"_s;
    QTest::addRow("a long argument is cut")
            << QStringList{u"x"_s, QString(100, u'a')}
            << u"x "_s + QString(maxShownArgumentChars - 1, u'a') + u'…';
    QStringList many{u"x"_s};
    for (int i = 0; i < 100; ++i)
        many.append(u"argument"_s);
    const QString whole = QStringList(many).join(u' ');
    QTest::addRow("a long line is cut")
            << many << QString(whole.first(maxShownCommandLineChars - 1) + u'…');
}

void tst_PeerResolver::shortCommandLines()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, shown);
    QCOMPARE(shortCommandLine(arguments), shown);
}

void tst_PeerResolver::programIdentities_data()
{
    QTest::addColumn<QString>("executable");
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("identity");

    const QString python = u"/usr/bin/python3.11"_s;
    QTest::addRow("a program is its executable")
            << u"/usr/bin/curl"_s << QStringList{u"curl"_s, u"http://x/"_s} << u"/usr/bin/curl"_s;
    QTest::addRow("python and a relative script")
            << python << QStringList{u"python3"_s, u"-u"_s, u"tools/deploy.py"_s, u"--fast"_s}
            << python + u" /home/alice/tools/deploy.py"_s;
    QTest::addRow("python and an absolute script")
            << python << QStringList{u"python3"_s, u"/opt/x/run.py"_s}
            << python + u" /opt/x/run.py"_s;
    QTest::addRow("python -m module")
            << python << QStringList{u"python3"_s, u"-m"_s, u"awscli"_s, u"s3"_s}
            << python + u" -m awscli"_s;
    QTest::addRow("python -W takes a value")
            << python << QStringList{u"python3"_s, u"-W"_s, u"ignore"_s, u"a.py"_s}
            << python + u" /home/alice/a.py"_s;
    QTest::addRow("python -c: all inline code is one program")
            << python << QStringList{u"python3"_s, u"-c"_s, u"import boto3"_s} << python + u" -c"_s;
    QTest::addRow("python reading stdin") << python << QStringList{u"python3"_s} << python;
    QTest::addRow("node and a script")
            << u"/usr/bin/node"_s << QStringList{u"node"_s, u"-r"_s, u"x"_s, u"app.js"_s}
            << u"/usr/bin/node /home/alice/app.js"_s;
    QTest::addRow("bash -c") << u"/usr/bin/bash"_s << QStringList{u"bash"_s, u"-c"_s, u"curl x"_s}
                             << u"/usr/bin/bash -c"_s;
    QTest::addRow("java -jar") << u"/usr/lib/jvm/bin/java"_s
                               << QStringList{u"java"_s, u"-cp"_s, u"lib"_s, u"-jar"_s, u"t.jar"_s}
                               << u"/usr/lib/jvm/bin/java -jar t.jar"_s;
    QTest::addRow("-- ends the options")
            << python << QStringList{u"python3"_s, u"--"_s, u"-weird.py"_s}
            << python + u" /home/alice/-weird.py"_s;
}

void tst_PeerResolver::programIdentities()
{
    QFETCH(QString, executable);
    QFETCH(QStringList, arguments);
    QFETCH(QString, identity);
    QCOMPARE(programIdentity(executable, arguments, u"/home/alice"_s), identity);
}

void tst_PeerResolver::findsThisProcessBehindALoopbackConnection_data()
{
    QTest::addColumn<QString>("address");
    QTest::addRow("IPv4") << u"127.0.0.1"_s;
    QTest::addRow("IPv6") << u"::1"_s;
}

void tst_PeerResolver::findsThisProcessBehindALoopbackConnection()
{
    QFETCH(QString, address);
    QTcpServer server;
    if (!server.listen(QHostAddress(address)))
        QSKIP("no loopback address of this family here");
    QTcpSocket client;
    client.connectToHost(server.serverAddress(), server.serverPort());
    QVERIFY(client.waitForConnected(5000));
    QVERIFY(server.waitForNewConnection(5000));
    QTcpSocket *accepted = server.nextPendingConnection();
    QVERIFY(accepted);

    const TcpTuple tuple{accepted->peerAddress(), accepted->peerPort(), accepted->localAddress(),
                         accepted->localPort()};
    SockDiag sockDiag;
    const std::optional<SocketOwner> owner = sockDiag.query(tuple);
    QVERIFY(owner);
    QCOMPARE(owner->uid, quint32(::getuid()));
    QVERIFY(owner->inode > 0);

    PeerResolver resolver;
    const PeerProcess peer = resolver.resolve(tuple);
    QCOMPARE(peer.unresolved, QString());
    QCOMPARE(peer.pid, QCoreApplication::applicationPid());
    QCOMPARE(peer.executable, QCoreApplication::applicationFilePath());
    QCOMPARE(peer.program, QCoreApplication::applicationFilePath());
    QVERIFY(peer.commandLine.startsWith(QCoreApplication::arguments().first()));
    QVERIFY(!peer.parentExecutable.isEmpty());
    // Our own end is another socket: its inode must not be taken for the client's.
    const TcpTuple reversed{tuple.localAddress, tuple.localPort, tuple.peerAddress, tuple.peerPort};
    const std::optional<SocketOwner> ours = sockDiag.query(reversed);
    QVERIFY(ours);
    QVERIFY(ours->inode != owner->inode);
}

void tst_PeerResolver::aClosedPeerIsRecordedAsSuch()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const TcpTuple nobody{QHostAddress::LocalHost, 1, server.serverAddress(), server.serverPort()};
    PeerResolver resolver;
    const PeerProcess peer = resolver.resolve(nobody);
    QCOMPARE(peer.pid, -1);
    QCOMPARE(peer.unresolved, u"closed"_s);
}

void tst_PeerResolver::describeReadsPastAnAwkwardName()
{
    // Spaces and a ')' in the command name: /proc/PID/stat does not quote it, and the parent
    // and start time come after it.
    QTemporaryDir directory;
    QVERIFY(directory.isValid());
    const QString program = directory.filePath(u"x) (y z"_s);
    QVERIFY(QFile::copy(u"/bin/sleep"_s, program));
    QVERIFY(QFile::setPermissions(program, QFile::ReadOwner | QFile::ExeOwner));
    QProcess child;
    child.start(program, {u"30"_s});
    QVERIFY2(child.waitForStarted(5000), qPrintable(child.errorString()));
    // Started means exec began; the kernel sets the command line up a moment later.
    const auto commandLineReadable = [&child] {
        QFile commandLine(u"/proc/%1/cmdline"_s.arg(child.processId()));
        return commandLine.open(QIODevice::ReadOnly) && !commandLine.readAll().isEmpty();
    };
    QTRY_VERIFY_WITH_TIMEOUT(commandLineReadable(), 5000);

    PeerResolver resolver;
    const PeerProcess peer = resolver.describe(child.processId(), ::getuid());
    child.kill();
    child.waitForFinished(5000);
    QCOMPARE(peer.parentPid, QCoreApplication::applicationPid());
    QCOMPARE(peer.executable, program);
    QCOMPARE(peer.commandLine, shortCommandLine({program, u"30"_s}));
}

void tst_PeerResolver::aLaterConnectionIsToldFromMemory()
{
    // A scan keeps every socket of the process it passes, with that process's start time, and
    // a later connection on one of them is told from memory. The price, shown here: a holder
    // that handed its socket on (to a child) and closed its own is still the one named, where
    // a fresh look finds the child.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const int first = imsa::test::connectToLoopback(server.serverPort());
    const int second = imsa::test::connectToLoopback(server.serverPort());
    QVERIFY(first >= 0 && second >= 0);
    QHash<quint16, TcpTuple> accepted; // by the client's port
    while (accepted.size() < 2) {
        if (!server.hasPendingConnections())
            QVERIFY(server.waitForNewConnection(5000));
        const QTcpSocket *socket = server.nextPendingConnection();
        accepted.insert(socket->peerPort(),
                        {socket->peerAddress(), socket->peerPort(), socket->localAddress(),
                         socket->localPort()});
    }

    PeerResolver resolver;
    QCOMPARE(resolver.resolve(accepted.value(localPortOf(first))).pid,
             QCoreApplication::applicationPid());
    const pid_t child = ::fork();
    if (child == 0) {
        ::pause();
        ::_exit(0);
    }
    const TcpTuple handedOn = accepted.value(localPortOf(second));
    ::close(second);
    const PeerProcess remembered = resolver.resolve(handedOn);
    const PeerProcess lookedAt = PeerResolver().resolve(handedOn);
    ::kill(child, SIGKILL);
    ::waitpid(child, nullptr, 0);
    ::close(first);
    QCOMPARE(remembered.pid, QCoreApplication::applicationPid());
    QCOMPARE(lookedAt.pid, qint64(child));
}

QTEST_GUILESS_MAIN(tst_PeerResolver)
#include "tst_peerresolver.moc"
