// A flood of idle connections, which any local user can open, against the built app started
// with the usual open-file limit of 1024: it must keep answering, stay idle, cut off a client
// that trickles its request, and keep its control socket. Loopback only.
#include <algorithm>
#include <memory>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <vector>

#include <QElapsedTimer>
#include <QFile>
#include <QStandardPaths>
#include <QTest>
#include <QTimer>

#include "e2eenvironment.h"
#include "rawhttp.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int floodConnections = 3000;
/// Room for a connect() whose first SYN was dropped while the app's backlog was full.
constexpr int connectTimeoutMs = 3000;
constexpr qint64 requestDeadlineMs = 10'000; // GuardedTcpServer::requestDeadline
const QByteArray credentialsTarget = "/latest/meta-data/iam/security-credentials/Developer";

/// utime + stime of a process, in ms.
qint64 cpuTimeMs(qint64 pid)
{
    QFile stat(u"/proc/%1/stat"_s.arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    // Fields after "pid (comm) ": state is field 3, utime 14 and stime 15.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    const qint64 ticks = fields.at(11).toLongLong() + fields.at(12).toLongLong();
    return ticks * 1000 / ::sysconf(_SC_CLK_TCK);
}

/// A client that sends its request one byte a second, which keeps resetting an idle timeout.
class Trickler
{
public:
    explicit Trickler(quint16 port)
        : m_connection(port, connectTimeoutMs)
        , m_request("GET " + credentialsTarget
                    + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n\r\n")
    {
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            tick();
        });
        m_timer.start(1000);
        m_sinceFirstByte.start();
        tick();
    }

    bool isConnected() const { return m_connection.isConnected(); }

    /// How long after its first byte the server closed the connection; -1 while open.
    qint64 closedAfterMs() const { return m_closedAfter; }

private:
    void tick()
    {
        if (m_closedAfter >= 0)
            return;
        if (m_connection.isClosedByPeer()) {
            m_closedAfter = m_sinceFirstByte.elapsed();
            m_timer.stop();
            return;
        }
        if (m_sent < m_request.size())
            m_connection.send(m_request.mid(m_sent++, 1));
    }

    RawConnection m_connection;
    QByteArray m_request;
    qsizetype m_sent = 0;
    QTimer m_timer;
    QElapsedTimer m_sinceFirstByte;
    qint64 m_closedAfter = -1;
};

} // namespace

class tst_ConnectionFlood : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void floodLeavesTheAppServing_data();
    void floodLeavesTheAppServing();
};

void tst_ConnectionFlood::initTestCase()
{
    if (QStandardPaths::findExecutable(u"prlimit"_s).isEmpty())
        QSKIP("prlimit (util-linux) is not installed");
    // The flood's sockets live in this process.
    if (!raiseFileLimit(floodConnections + 1024))
        QSKIP("the hard open-file limit of this process is below 4024");
}

void tst_ConnectionFlood::floodLeavesTheAppServing_data()
{
    QTest::addColumn<QString>("fileLimit");
    // Soft and hard at 1024: raising the limit cannot help, the caps must.
    QTest::addRow("app with soft and hard open-file limit 1024") << u"1024:1024"_s;
    QTest::addRow("app with soft limit 1024 under a hard limit of 4096") << u"1024:4096"_s;
}

void tst_ConnectionFlood::floodLeavesTheAppServing()
{
    QFETCH(QString, fileLimit);
    E2eEnvironment env;
    env.writeDefaultConfig();
    QVERIFY2(env.startSts(), qPrintable(env.error()));
    QVERIFY2(env.startAppWith(u"prlimit"_s,
                              {u"--nofile="_s + fileLimit, u"--"_s, imsaBinary(), u"start"_s,
                               u"--listen"_s, u"127.0.0.1:0"_s}),
             qPrintable(env.error()));
    const CommandResult assumed = env.imsa(
            {u"assume"_s, u"dev"_s, u"--mfa-code"_s, QString::fromLatin1(E2eEnvironment::mfaCode)});
    QVERIFY2(assumed.exitCode == 0, qPrintable(assumed.out + assumed.err));
    const quint16 port = endpointPort(env.endpoint());
    const qint64 pid = env.appPid();

    std::vector<std::unique_ptr<RawConnection>> flood;
    flood.reserve(floodConnections);
    for (int i = 0; i < floodConnections; ++i) {
        auto connection = std::make_unique<RawConnection>(port, connectTimeoutMs);
        // An app that stopped accepting leaves connect() hanging: stop at the first one.
        QVERIFY2(
                connection->isConnected(),
                qPrintable(u"connection %1 of the flood was not accepted within %2 ms"_s.arg(i).arg(
                        connectTimeoutMs)));
        if (i % 3 == 1)
            connection->send("GET /latest/meta-da");
        flood.push_back(std::move(connection));
    }
    // Started after the flood: while the flood arrives, a connection quiet for a second is
    // rightly among the longest idle and closed for a new one.
    Trickler trickler(port);
    QVERIFY(trickler.isConnected());

    std::vector<qint64> latencies;
    for (int i = 0; i < 20; ++i) {
        QElapsedTimer timer;
        timer.start();
        const RawReply reply = rawGet(port, credentialsTarget, 2000);
        latencies.push_back(timer.elapsed());
        QCOMPARE(reply.status, 200);
        QVERIFY(reply.json().value(u"AccessKeyId").toString().startsWith(u"ASIA"_s));
    }
    std::sort(latencies.begin(), latencies.end());
    const qint64 median = latencies.at(latencies.size() / 2);
    qInfo("credentials beside %d idle connections: median %lld ms, slowest %lld ms",
          floodConnections, median, latencies.back());
    QVERIFY2(median < 100, qPrintable(u"median request took %1 ms"_s.arg(median)));

    // Nothing to do but hold the connections: the app must sleep, not spin on accept().
    const qint64 cpuBefore = cpuTimeMs(pid);
    QTest::qWait(2000);
    const qint64 cpuUsed = cpuTimeMs(pid) - cpuBefore;
    qInfo("CPU time of the app over 2 s beside the flood: %lld ms", cpuUsed);
    QVERIFY2(cpuBefore >= 0 && cpuUsed < 100,
             qPrintable(u"the app used %1 ms of CPU in 2 s"_s.arg(cpuUsed)));

    const CommandResult status = env.imsa({u"status"_s});
    QVERIFY2(status.exitCode == 0 && status.out.contains(u"imsa is running (pid %1)"_s.arg(pid)),
             qPrintable(status.out + status.err));

    QTRY_VERIFY_WITH_TIMEOUT(trickler.closedAfterMs() >= 0, 3 * requestDeadlineMs);
    qInfo("the trickling client was cut off %lld ms after its first byte",
          trickler.closedAfterMs());
    // Not by the idle timeout, which each byte reset, nor by eviction, which takes idle ones.
    QVERIFY2(trickler.closedAfterMs() >= requestDeadlineMs - 1000
                     && trickler.closedAfterMs() < requestDeadlineMs + 5000,
             qPrintable(u"closed after %1 ms"_s.arg(trickler.closedAfterMs())));

    const CommandResult stop = env.imsa({u"stop"_s});
    QVERIFY2(stop.exitCode == 0, qPrintable(stop.out + stop.err));
    QCOMPARE(::kill(static_cast<pid_t>(pid), 0), -1);
}

QTEST_GUILESS_MAIN(tst_ConnectionFlood)
#include "tst_connectionflood.moc"
