// The guard's decisions with real loopback connections of this test process: `notify` signals
// once per profile and executable, `ask` serves only approved programs and asks about the
// others once, the user's answers (allow once, always, deny) hold as documented, every answer
// is logged, and serving threads resolve their peers side by side.
#include <atomic>
#include <unistd.h>

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "fakes/fakeclock.h"
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

/// A guard whose profiles all have `policy` (by default `access: ask`), on a fake clock, with
/// its files in `dir`.
struct GuardRig
{
    QTemporaryDir dir;
    test::FakeClock clock;
    ApprovalStore *store = nullptr;
    std::unique_ptr<AccessGuard> guard;
    std::unique_ptr<AccessGuard::Connections> connections; ///< one serving thread's
    std::unique_ptr<QSignalSpy> asked;

    explicit GuardRig(AccessPolicy policy = AccessPolicy::Ask)
    {
        auto approvals = std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s));
        store = approvals.get();
        guard = std::make_unique<AccessGuard>(
                std::make_unique<AccessLog>(logPath()), std::move(approvals),
                [policy](const QString &) {
                    return policy;
                },
                clock);
        connections = std::make_unique<AccessGuard::Connections>(*guard);
        asked = std::make_unique<QSignalSpy>(guard.get(), &AccessGuard::approvalRequested);
    }

    QString logPath() const { return dir.filePath(u"access.log"_s); }

    bool admit(Loopback &connection, const QString &profile = u"prod"_s)
    {
        return guard->admit(*connections, connection.accepted, profile, QLatin1StringView("imds"));
    }
};

const QString self()
{
    return QCoreApplication::applicationFilePath();
}

} // namespace

class tst_AccessGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void notifyTellsOncePerExecutable();
    void askServesOnlyApprovedPrograms();
    void recordingOffSkipsOnlyAllowProfiles();
    void askAsksOncePerProfileAndProgram();
    void allowOnceExpires();
    void alwaysAllowIsKept();
    void denyStopsTheQuestions();
    void cliCallerIsTheCommandsParent();
    void threadsResolveSideBySide();
    void repeatsOfOpenConnectionsAreWrittenAtTheEnd();
    void repeatedAnswerCost();
};

void tst_AccessGuard::notifyTellsOncePerExecutable()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(u"access.log"_s);
    test::FakeClock clock;
    AccessGuard guard(
            std::make_unique<AccessLog>(logPath),
            std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s)),
            [](const QString &profile) {
                return profile == u"prod"_s ? AccessPolicy::Notify : AccessPolicy::Allow;
            },
            clock);
    AccessGuard::Connections connections(guard);
    QSignalSpy firstUse(&guard, &AccessGuard::firstUse);
    Loopback one;
    Loopback two;
    QVERIFY(one.open());
    QVERIFY(two.open());

    QVERIFY(guard.admit(connections, one.accepted, u"dev"_s, QLatin1StringView("imds")));
    QCOMPARE(firstUse.size(), 0); // allow: logged, not told
    QVERIFY(guard.admit(connections, one.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(guard.admit(connections, two.accepted, u"prod"_s, QLatin1StringView("container")));
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
    test::FakeClock clock;
    AccessGuard guard(
            std::make_unique<AccessLog>(logPath), std::move(approvals),
            [](const QString &) {
                return AccessPolicy::Ask;
            },
            clock);
    AccessGuard::Connections connections(guard);
    Loopback connection;
    QVERIFY(connection.open());

    QVERIFY(!guard.admit(connections, connection.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(store.approve(u"dev"_s, QCoreApplication::applicationFilePath()));
    QVERIFY(!guard.admit(connections, connection.accepted, u"prod"_s, QLatin1StringView("imds")));
    QVERIFY(store.approve(u"prod"_s, QCoreApplication::applicationFilePath()));
    QVERIFY(guard.admit(connections, connection.accepted, u"prod"_s, QLatin1StringView("imds")));

    // denied, the second denial counted and written as a repeat when the answer changed, served.
    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 3);
    QCOMPARE(events.at(0).result, u"denied"_s);
    QCOMPARE(events.at(1).result, u"denied"_s);
    QCOMPARE(events.at(1).repeats, 1);
    QCOMPARE(events.at(2).result, u"served"_s);
}

void tst_AccessGuard::recordingOffSkipsOnlyAllowProfiles()
{
    QTemporaryDir dir;
    const QString logPath = dir.filePath(u"access.log"_s);
    test::FakeClock clock;
    AccessGuard guard(
            std::make_unique<AccessLog>(logPath),
            std::make_unique<ApprovalStore>(dir.filePath(u"approvals.json"_s)),
            [](const QString &profile) {
                return profile == u"prod"_s ? AccessPolicy::Ask : AccessPolicy::Allow;
            },
            clock);
    AccessGuard::Connections connections(guard);
    guard.setRecordingAllowProfiles(false);
    Loopback connection;
    QVERIFY(connection.open());

    QVERIFY(guard.admit(connections, connection.accepted, u"dev"_s, QLatin1StringView("imds")));
    guard.recordCliAccess(QCoreApplication::applicationPid(), ::getuid(), u"dev"_s);
    QVERIFY(eventsIn(logPath).isEmpty());
    // An `ask` profile still finds the program, refuses it and says so in the log.
    QVERIFY(!guard.admit(connections, connection.accepted, u"prod"_s, QLatin1StringView("imds")));
    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 1);
    QCOMPARE(events.first().profile, u"prod"_s);
    QCOMPARE(events.first().result, u"denied"_s);
    QCOMPARE(events.first().pid, QCoreApplication::applicationPid());
}

void tst_AccessGuard::askAsksOncePerProfileAndProgram()
{
    GuardRig rig;
    Loopback one;
    Loopback two;
    QVERIFY(one.open());
    QVERIFY(two.open());

    QVERIFY(!rig.admit(one));
    QVERIFY(!rig.admit(one));
    QVERIFY(!rig.admit(two)); // a second connection of the same program: the question is open
    QCOMPARE(rig.asked->size(), 1);
    QCOMPARE(rig.asked->first().at(0).toString(), u"prod"_s);
    const auto peer = rig.asked->first().at(1).value<PeerProcess>();
    QCOMPARE(peer.program, self());
    QCOMPARE(peer.pid, QCoreApplication::applicationPid());

    QVERIFY(!rig.admit(one, u"dev"_s)); // another profile is another question
    QCOMPARE(rig.asked->size(), 2);
}

void tst_AccessGuard::allowOnceExpires()
{
    GuardRig rig;
    Loopback connection;
    QVERIFY(connection.open());
    QVERIFY(!rig.admit(connection));

    QVERIFY(rig.guard->answer(u"prod"_s, self(), AccessGuard::Answer::AllowOnce));
    QVERIFY(rig.admit(connection));
    QVERIFY(!rig.admit(connection, u"dev"_s)); // for that profile only
    QVERIFY(rig.store->approved(u"prod"_s).isEmpty()); // not written to disk
    QVERIFY(!QFile::exists(rig.store->path()));

    rig.clock.advance(AccessGuard::allowOnceSecs - 1);
    QVERIFY(rig.admit(connection));
    const qsizetype questions = rig.asked->size();
    rig.clock.advance(2);
    QVERIFY(!rig.admit(connection));
    QCOMPARE(rig.asked->size(), questions + 1); // and asked again
}

void tst_AccessGuard::alwaysAllowIsKept()
{
    GuardRig rig;
    Loopback connection;
    QVERIFY(connection.open());
    QVERIFY(!rig.admit(connection));

    QVERIFY(rig.guard->answer(u"prod"_s, self(), AccessGuard::Answer::AlwaysAllow));
    QVERIFY(rig.admit(connection));
    rig.clock.advance(24 * 3600);
    QVERIFY(rig.admit(connection));
    QVERIFY(ApprovalStore(rig.store->path()).isApproved(u"prod"_s, self()));
}

void tst_AccessGuard::denyStopsTheQuestions()
{
    GuardRig rig;
    Loopback one;
    QVERIFY(one.open());
    QVERIFY(!rig.admit(one));
    QVERIFY(rig.guard->answer(u"prod"_s, self(), AccessGuard::Answer::Deny));

    Loopback two;
    QVERIFY(two.open());
    rig.clock.advance(AccessGuard::allowOnceSecs * 10);
    QVERIFY(!rig.admit(two));
    QVERIFY(!rig.admit(one));
    QCOMPARE(rig.asked->size(), 1);
    // Still logged: the first refusal on each connection.
    const QList<AccessEvent> events = eventsIn(rig.logPath());
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(1).result, u"denied"_s);
    // An explicit approval still lets it in.
    QVERIFY(rig.store->approve(u"prod"_s, self()));
    QVERIFY(rig.admit(two));
}

void tst_AccessGuard::cliCallerIsTheCommandsParent()
{
    // A child running the file given as imsa's CLI stands in for `imsa export`: the program
    // asked about is its parent (this test), not the command, since approving imsa would let
    // anything run it.
    GuardRig rig;
    const QString standIn = rig.dir.filePath(u"imsa-cli"_s);
    QVERIFY(QFile::copy(u"/bin/sleep"_s, standIn));
    rig.guard->setCliExecutable(standIn);
    QProcess command;
    command.start(standIn, {u"30"_s});
    QVERIFY(command.waitForStarted(5000));
    const Result<Done, Failure> refused =
            rig.guard->admitCli(command.processId(), ::getuid(), u"prod"_s);
    QVERIFY(!refused);
    QCOMPARE(refused.error().message,
             u"%1 is not approved for prod: imsa allow prod %1"_s.arg(self()));
    QCOMPARE(rig.asked->size(), 1);
    QCOMPARE(rig.asked->first().at(1).value<PeerProcess>().program, self());
    QVERIFY(!rig.guard->admitCli(command.processId(), ::getuid(), u"prod"_s));
    QCOMPARE(rig.asked->size(), 1);

    QVERIFY(rig.guard->answer(u"prod"_s, self(), AccessGuard::Answer::AllowOnce));
    QVERIFY(rig.guard->admitCli(command.processId(), ::getuid(), u"prod"_s));
    const QList<AccessEvent> events = eventsIn(rig.logPath());
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(0).route, u"cli"_s);
    QCOMPARE(events.at(0).executable, standIn);
    QCOMPARE(events.at(0).program, self());
    command.kill();
    command.waitForFinished(5000);

    // Any other client of the control socket is the program itself, also one that calls
    // itself imsa-cli: were its name enough, any program could pass as the one that ran it.
    QVERIFY(QDir(rig.dir.path()).mkdir(u"elsewhere"_s));
    const QString namesake = rig.dir.filePath(u"elsewhere/imsa-cli"_s);
    QVERIFY(QFile::copy(u"/bin/sleep"_s, namesake));
    for (const QString &program : {u"/bin/sleep"_s, namesake}) {
        QProcess other;
        other.start(program, {u"30"_s});
        QVERIFY(other.waitForStarted(5000));
        const Result<Done, Failure> otherRefused =
                rig.guard->admitCli(other.processId(), ::getuid(), u"prod"_s);
        other.kill();
        other.waitForFinished(5000);
        QVERIFY(!otherRefused);
        const QString expected = QFileInfo(program).canonicalFilePath() + u" is not approved"_s;
        QVERIFY2(otherRefused.error().message.startsWith(expected),
                 qPrintable(otherRefused.error().message));
    }
}

void tst_AccessGuard::threadsResolveSideBySide()
{
    // Two serving threads, each with its own connections, ask the shared guard at the same
    // time: every connection is resolved to this process and logged once.
    GuardRig rig(AccessPolicy::Allow);
    AccessGuard &guard = *rig.guard;
    const QString logPath = rig.logPath();
    constexpr int connectionsPerThread = 20;
    std::atomic<int> served = 0;
    const auto serve = [&] {
        AccessGuard::Connections connections(guard);
        for (int i = 0; i < connectionsPerThread; ++i) {
            Loopback connection;
            if (!connection.open())
                return;
            for (int request = 0; request < 3; ++request) {
                if (guard.admit(connections, connection.accepted, u"dev"_s,
                                QLatin1StringView("imds")))
                    ++served;
            }
        }
    };
    std::unique_ptr<QThread> first(QThread::create(serve));
    std::unique_ptr<QThread> second(QThread::create(serve));
    first->start();
    second->start();
    QVERIFY(first->wait(60'000));
    QVERIFY(second->wait(60'000));
    QCOMPARE(served.load(), 2 * connectionsPerThread * 3);

    // Each connection: its first answer, and its two repeats when it closed.
    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 2 * connectionsPerThread * 2);
    for (const AccessEvent &event : events)
        QCOMPARE(event.pid, QCoreApplication::applicationPid());
}

void tst_AccessGuard::repeatsOfOpenConnectionsAreWrittenAtTheEnd()
{
    // A serving thread that stops (the app quits) while an SDK's connection is open.
    GuardRig rig(AccessPolicy::Allow);
    AccessGuard &guard = *rig.guard;
    const QString logPath = rig.logPath();
    Loopback connection;
    QVERIFY(connection.open());
    {
        AccessGuard::Connections connections(guard);
        for (int request = 0; request < 4; ++request)
            QVERIFY(guard.admit(connections, connection.accepted, u"dev"_s,
                                QLatin1StringView("imds")));
        QCOMPARE(eventsIn(logPath).size(), 1);
    }
    const QList<AccessEvent> events = eventsIn(logPath);
    QCOMPARE(events.size(), 2);
    QCOMPARE(events.at(1).repeats, 3);
    QCOMPARE(events.at(1).pid, QCoreApplication::applicationPid());
}

/// What the guard adds to each request on a keep-alive connection once its peer is known (the
/// benchmark's steady state): run with -iterations N for a figure.
void tst_AccessGuard::repeatedAnswerCost()
{
    GuardRig rig(AccessPolicy::Allow);
    AccessGuard &guard = *rig.guard;
    const QString logPath = rig.logPath();
    AccessGuard::Connections &connections = *rig.connections;
    Loopback connection;
    QVERIFY(connection.open());
    QVERIFY(guard.admit(connections, connection.accepted, u"dev"_s, QLatin1StringView("imds")));
    QBENCHMARK
    {
        guard.admit(connections, connection.accepted, u"dev"_s, QLatin1StringView("imds"));
    }
    QCOMPARE(eventsIn(logPath).size(), 1); // repeats are counted, not written
}

QTEST_GUILESS_MAIN(tst_AccessGuard)
#include "tst_accessguard.moc"
