// The guard's decisions with real loopback connections of this test process: `notify` signals
// once per profile and executable, `ask` serves only approved programs, every answer is logged.
#include <QCoreApplication>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "service/accessguard.h"
#include "service/accesslog.h"
#include "service/approvalstore.h"

using namespace imsa;
using namespace imsa::app;
using namespace Qt::StringLiterals;

namespace {

/// A loopback connection from this process to itself; `accepted` is the server's end.
struct Loopback
{
    QTcpServer server;
    QTcpSocket client;
    QTcpSocket *accepted = nullptr;

    bool open()
    {
        if (!server.listen(QHostAddress::LocalHost))
            return false;
        client.connectToHost(server.serverAddress(), server.serverPort());
        if (!client.waitForConnected(5000) || !server.waitForNewConnection(5000))
            return false;
        accepted = server.nextPendingConnection();
        return accepted != nullptr;
    }
};

QList<AccessEvent> eventsIn(const QString &path)
{
    QFile file(path);
    QList<AccessEvent> events;
    if (!file.open(QIODevice::ReadOnly))
        return events;
    while (!file.atEnd()) {
        if (const auto event = AccessEvent::fromJsonLine(file.readLine()))
            events.append(*event);
    }
    return events;
}

} // namespace

class tst_AccessGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifyTellsOncePerExecutable();
    void askServesOnlyApprovedPrograms();
    void repeatedAnswerCost();
};

void tst_AccessGuard::notifyTellsOncePerExecutable()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(u"access.log"_s);
    AccessGuard guard(std::make_unique<AccessLog>(logPath),
                      std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s)),
                      [](const QString &profile) {
                          return profile == u"prod"_s ? AccessPolicy::Notify : AccessPolicy::Allow;
                      });
    QSignalSpy firstUse(&guard, &AccessGuard::firstUse);
    Loopback one;
    Loopback two;
    QVERIFY(one.open());
    QVERIFY(two.open());

    QVERIFY(guard.admit(one.accepted, u"dev"_s, QLatin1StringView("imds")));
    QCOMPARE(firstUse.size(), 0); // allow: logged, not told
    QVERIFY(guard.admit(one.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(guard.admit(two.accepted, u"prod"_s, QLatin1StringView("container")));
    QCOMPARE(firstUse.size(), 1); // the same executable on a second connection
    QCOMPARE(firstUse.first().at(0).toString(), u"prod"_s);
    QCOMPARE(firstUse.first().at(1).toString(), QCoreApplication::applicationFilePath());

    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(2).route, u"container"_s);
    QCOMPARE(events.at(2).pid, QCoreApplication::applicationPid());
}

void tst_AccessGuard::askServesOnlyApprovedPrograms()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(u"access.log"_s);
    auto approvals = std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s));
    ApprovalStore &store = *approvals;
    AccessGuard guard(std::make_unique<AccessLog>(logPath), std::move(approvals),
                      [](const QString &) {
                          return AccessPolicy::Ask;
                      });
    Loopback connection;
    QVERIFY(connection.open());

    QVERIFY(!guard.admit(connection.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(store.approve(u"dev"_s, QCoreApplication::applicationFilePath()));
    QVERIFY(!guard.admit(connection.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(store.approve(u"prod"_s, QCoreApplication::applicationFilePath()));
    QVERIFY(guard.admit(connection.accepted, u"prod"_s, QLatin1StringView("imds")));

    // denied, the second denial counted and written as a repeat when the answer changed, served.
    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).result, u"denied"_s);
    QCOMPARE(events.at(1).result, u"denied"_s);
    QCOMPARE(events.at(1).repeats, 1);
    QCOMPARE(events.at(2).result, u"served"_s);
}

/// What the guard adds to each request on a keep-alive connection once its peer is known (the
/// benchmark's steady state): run with -iterations N for a figure.
void tst_AccessGuard::repeatedAnswerCost()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(u"access.log"_s);
    AccessGuard guard(std::make_unique<AccessLog>(logPath),
                      std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s)),
                      [](const QString &) {
                          return AccessPolicy::Allow;
                      });
    Loopback connection;
    QVERIFY(connection.open());
    QVERIFY(guard.admit(connection.accepted, u"dev"_s, QLatin1StringView("imds")));
    QBENCHMARK
    {
        guard.admit(connection.accepted, u"dev"_s, QLatin1StringView("imds"));
    }
    QCOMPARE(eventsIn(logPath).size(), 1); // repeats are counted, not written
}

QTEST_GUILESS_MAIN(tst_AccessGuard)
#include "tst_accessguard.moc"
