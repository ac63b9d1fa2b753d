// The metadata endpoint under hostile or broken TCP clients: hundreds of idle connections,
// oversized requests, half-closed and reset connections. The built app, loopback only.
#include <memory>
#include <vector>

#include <QElapsedTimer>
#include <QTest>

#include "rawhttp.h"
#include "servingrig.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int idleConnections = 500;

QByteArray requestHead(quint16 port, const QByteArray &target)
{
    return "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
}

} // namespace

class tst_Connections : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void idleConnectionsDoNotSlowDownRequests();
    void oversizedRequestsAreRefused_data();
    void oversizedRequestsAreRefused();
    void halfClosedConnectionStillGetsItsAnswer();
    void resetConnectionsDoNotDisturbTheApp();

private:
    ServingRig m_rig;
};

void tst_Connections::initTestCase()
{
    // 500 idle sockets here, 500 accepted ones in the app (which inherits the limit).
    QVERIFY(raiseFileLimit(4096));
    QVERIFY2(m_rig.start(), qPrintable(m_rig.error()));
    QCOMPARE(m_rig.fetchCredentials().status, 200);
}

void tst_Connections::idleConnectionsDoNotSlowDownRequests()
{
    std::vector<std::unique_ptr<RawConnection>> idle;
    for (int i = 0; i < idleConnections; ++i) {
        auto connection = std::make_unique<RawConnection>(m_rig.port());
        QVERIFY2(connection->isConnected(), qPrintable(u"idle connection %1"_s.arg(i)));
        // A third send nothing, the others a partial request line or partial headers.
        if (i % 3 == 1)
            connection->send("GET /latest/meta-da");
        else if (i % 3 == 2)
            connection->send(requestHead(m_rig.port(), m_rig.credentialsTarget()));
        idle.push_back(std::move(connection));
    }

    qint64 slowest = 0;
    for (int i = 0; i < 100; ++i) {
        QElapsedTimer timer;
        timer.start();
        const ServedCredentials served = m_rig.fetchCredentials(1000);
        slowest = std::max(slowest, timer.elapsed());
        QCOMPARE(served.status, 200);
    }
    // A generous bound: the point is that 500 half-open connections don't starve the event
    // loop (a server that blocked on one would time out here), not a latency figure; those
    // come from tests/bench/run.sh.
    qInfo("slowest of 100 requests beside %d idle connections: %lld ms", idleConnections, slowest);
    QVERIFY2(slowest < 500, qPrintable(u"slowest request took %1 ms"_s.arg(slowest)));
}

void tst_Connections::oversizedRequestsAreRefused_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    const quint16 port = m_rig.port();
    const QByteArray longPath = "/latest/meta-data/" + QByteArray(17 * 1024, 'a');
    QTest::addRow("request line past 16 KiB gets 431 from the TCP guard")
            << QByteArray(requestHead(port, longPath) + "\r\n") << 431;
    QTest::addRow("target past 2 KiB gets 414 from the handler")
            << QByteArray(requestHead(port, "/latest/" + QByteArray(3000, 'b')) + "\r\n") << 414;
    QByteArray manyHeaders = requestHead(port, m_rig.credentialsTarget());
    for (int i = 0; i < 80; ++i)
        manyHeaders += "X-Filler-" + QByteArray::number(i) + ": x\r\n";
    QTest::addRow("more than 64 headers get 431 from the handler")
            << QByteArray(manyHeaders + "\r\n") << 431;
    QTest::addRow("header block past 16 KiB gets 431 from the TCP guard")
            << QByteArray(requestHead(port, m_rig.credentialsTarget())
                          + "X-Big: " + QByteArray(20 * 1024, 'c') + "\r\n\r\n")
            << 431;
}

void tst_Connections::oversizedRequestsAreRefused()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    RawConnection connection(m_rig.port());
    QVERIFY(connection.isConnected());
    // The guard may close before everything is written; the answer is what counts.
    connection.send(request);
    QCOMPARE(connection.readReply(5000).status, status);
    QCOMPARE(m_rig.fetchCredentials().status, 200);
}

void tst_Connections::halfClosedConnectionStillGetsItsAnswer()
{
    RawConnection connection(m_rig.port());
    QVERIFY(connection.isConnected());
    QVERIFY(connection.send(requestHead(m_rig.port(), m_rig.credentialsTarget()) + "\r\n"));
    connection.shutdownWrite();
    const RawReply reply = connection.readReply(5000);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.json().value(u"AccessKeyId").toString().startsWith(u"ASIA"_s));
}

void tst_Connections::resetConnectionsDoNotDisturbTheApp()
{
    for (int i = 0; i < 50; ++i) {
        RawConnection connection(m_rig.port());
        QVERIFY(connection.isConnected());
        // Reset before, during and after the request is complete.
        if (i % 3 == 1)
            connection.send("GET /latest/meta-data/iam/secu");
        else if (i % 3 == 2)
            connection.send(requestHead(m_rig.port(), m_rig.credentialsTarget()) + "\r\n");
        connection.reset();
    }
    for (int i = 0; i < 10; ++i)
        QCOMPARE(m_rig.fetchCredentials().status, 200);
    QCOMPARE(m_rig.status().value(u"running").toBool(), true);
}

QTEST_GUILESS_MAIN(tst_Connections)
#include "tst_connections.moc"
