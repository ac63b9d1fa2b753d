// The TCP guard under the metadata server, with small limits and short timeouts: which
// connection a full table gives up, the request deadline against a trickling client, the idle
// timeout, and accept() running out of descriptors.
#include <ctime>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>

#include "service/guardedtcpserver.h"

using namespace imsa::app;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

/// CPU time this process used, in ms.
qint64 processCpuMs()
{
    timespec now{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1'000'000;
}

/// The server under test, taking its connections as QAbstractHttpServer does, and the test's
/// clients.
class Rig
{
public:
    Rig()
    {
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            while (QTcpSocket *socket = server.nextPendingConnection())
                accepted.append(socket);
        });
    }

    /// Connects one more client and waits until the server has taken it; nullptr if not.
    QTcpSocket *connectClient()
    {
        const qsizetype before = accepted.size();
        auto socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(QHostAddress::LocalHost, server.serverPort());
        if (!socket->waitForConnected(5000))
            return nullptr;
        QSignalSpy taken(&server, &QTcpServer::newConnection);
        if (accepted.size() == before && !taken.wait(5000))
            return nullptr;
        clients.push_back(std::move(socket));
        return clients.back().get();
    }

    GuardedTcpServer server;
    QList<QTcpSocket *> accepted; ///< server-side sockets, in order
    std::vector<std::unique_ptr<QTcpSocket>> clients;
};

bool isClosed(const QTcpSocket *socket)
{
    return socket->state() == QAbstractSocket::UnconnectedState;
}

} // namespace

class tst_GuardedTcpServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void fullTableClosesTheLongestIdleConnection();
    void tricklingRequestIsCutOffAtTheDeadline();
    void completedRequestEndsTheDeadline();
    void idleConnectionIsClosedAfterTheIdleTimeout();
    void acceptPausesWhenDescriptorsRunOut();
    void drainedOnlyAfterABusyPeriod();

private:
    std::unique_ptr<Rig> m_rig;
};

void tst_GuardedTcpServer::init()
{
    m_rig = std::make_unique<Rig>();
    QVERIFY(m_rig->server.listen(QHostAddress::LocalHost, 0));
}

void tst_GuardedTcpServer::fullTableClosesTheLongestIdleConnection()
{
    GuardedTcpServer &server = m_rig->server;
    server.setConnectionLimit(3);
    QTcpSocket *first = m_rig->connectClient();
    QTcpSocket *second = m_rig->connectClient();
    QTcpSocket *third = m_rig->connectClient();
    QVERIFY(first && second && third);
    // Activity makes the first the most recent; the second is now the longest idle.
    QSignalSpy firstRead(m_rig->accepted.first(), &QTcpSocket::readyRead);
    first->write("GET /");
    QVERIFY(firstRead.wait(5000));
    QCOMPARE(server.connectionCount(), 3);

    QTcpSocket *fourth = m_rig->connectClient();
    QVERIFY2(fourth, "a full table refused a new connection");
    QTRY_VERIFY(isClosed(second));
    QVERIFY(!isClosed(first));
    QVERIFY(!isClosed(third));
    QVERIFY(!isClosed(fourth));
    QCOMPARE(server.connectionCount(), 3);
}

void tst_GuardedTcpServer::tricklingRequestIsCutOffAtTheDeadline()
{
    m_rig->server.setTimeouts({2000ms, 500ms, GuardedTcpServer::acceptPause});
    QTcpSocket *trickler = m_rig->connectClient();
    QTcpSocket *silent = m_rig->connectClient();
    QVERIFY(trickler && silent);

    QElapsedTimer sinceFirstByte;
    sinceFirstByte.start();
    // A byte every 100 ms: far inside the idle timeout, never a complete request.
    while (!isClosed(trickler) && sinceFirstByte.elapsed() < 1500) {
        trickler->write("G");
        QTest::qWait(100);
    }
    QVERIFY2(isClosed(trickler), "the trickling request outlived its deadline");
    QVERIFY2(sinceFirstByte.elapsed() >= 500,
             qPrintable(u"closed after %1 ms"_s.arg(sinceFirstByte.elapsed())));
    // A connection that sends nothing is not in a request; only the idle timeout applies.
    QVERIFY(!isClosed(silent));
}

void tst_GuardedTcpServer::completedRequestEndsTheDeadline()
{
    m_rig->server.setTimeouts({2000ms, 300ms, GuardedTcpServer::acceptPause});
    QTcpSocket *client = m_rig->connectClient();
    QVERIFY(client);
    QTcpSocket *serverSide = m_rig->accepted.first();
    QSignalSpy readable(serverSide, &QTcpSocket::readyRead);
    client->write("GET / HTTP/1.1\r\n\r\n");
    QVERIFY(readable.wait(5000));
    m_rig->server.requestCompleted(serverSide);

    // Kept open past the deadline, as a keep-alive connection between requests.
    QTest::qWait(600);
    QVERIFY(!isClosed(client));
}

void tst_GuardedTcpServer::idleConnectionIsClosedAfterTheIdleTimeout()
{
    m_rig->server.setTimeouts({300ms, 300ms, GuardedTcpServer::acceptPause});
    QTcpSocket *client = m_rig->connectClient();
    QVERIFY(client);
    QElapsedTimer idle;
    idle.start();
    QTRY_VERIFY_WITH_TIMEOUT(isClosed(client), 3000);
    QVERIFY2(idle.elapsed() >= 250, qPrintable(u"closed after %1 ms"_s.arg(idle.elapsed())));
    QCOMPARE(m_rig->server.connectionCount(), 0);
}

void tst_GuardedTcpServer::acceptPausesWhenDescriptorsRunOut()
{
    GuardedTcpServer &server = m_rig->server;
    server.setTimeouts({GuardedTcpServer::idleTimeout, GuardedTcpServer::requestDeadline, 200ms});
    // A client socket made while descriptors remain, connected once none are left.
    const int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    QVERIFY(client >= 0);
    rlimit saved{};
    QVERIFY(::getrlimit(RLIMIT_NOFILE, &saved) == 0);
    rlimit lowered = saved;
    lowered.rlim_cur = 256;
    QVERIFY(::setrlimit(RLIMIT_NOFILE, &lowered) == 0);
    std::vector<int> fillers;
    for (int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC); fd >= 0;
         fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC))
        fillers.push_back(fd);
    const auto release = [&] {
        for (int fd : fillers)
            ::close(fd);
        fillers.clear();
        ::setrlimit(RLIMIT_NOFILE, &saved);
    };

    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(server.serverPort());
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::connect(client, reinterpret_cast<const sockaddr *>(&address), sizeof address);

    // The kernel has the connection queued, accept() fails with EMFILE: no spinning on it.
    const qint64 cpuBefore = processCpuMs();
    QTest::qWait(500);
    const qint64 cpuUsed = processCpuMs() - cpuBefore;
    const int acceptedMeanwhile = server.connectionCount();
    release();
    QVERIFY2(cpuUsed < 150,
             qPrintable(u"%1 ms of CPU in 500 ms without descriptors"_s.arg(cpuUsed)));
    QCOMPARE(acceptedMeanwhile, 0);

    // Descriptors are back: the paused server resumes by itself.
    QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 1, 3000);
    ::close(client);
}

void tst_GuardedTcpServer::drainedOnlyAfterABusyPeriod()
{
    GuardedTcpServer &server = m_rig->server;
    QSignalSpy drained(&server, &GuardedTcpServer::drained);
    const auto closeAll = [this, &server] {
        for (const auto &client : m_rig->clients)
            client->disconnectFromHost();
        QTRY_COMPARE_WITH_TIMEOUT(server.connectionCount(), 0, 5000);
        m_rig->clients.clear();
    };
    // Fewer than busyConnections at once: nothing worth giving back.
    for (int i = 0; i < GuardedTcpServer::busyConnections - 1; ++i)
        QVERIFY(m_rig->connectClient());
    closeAll();
    QCOMPARE(drained.size(), 0);
    for (int i = 0; i < GuardedTcpServer::busyConnections; ++i)
        QVERIFY(m_rig->connectClient());
    QCOMPARE(drained.size(), 0);
    closeAll();
    QCOMPARE(drained.size(), 1);
}

QTEST_GUILESS_MAIN(tst_GuardedTcpServer)
#include "tst_guardedtcpserver.moc"
