#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include "core/brokerrig.h"
#include "service/sessionnotifier.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::test;

namespace {

/// 3 h 12 min of usable session: AWS's expiry is 15 min later (CredentialBroker::minServeSeconds).
constexpr int sessionSeconds = (3 * 60 + 12 + 15) * 60;

Profile mfaBase()
{
    Profile base = baseProfile(true, QStringLiteral("base"));
    base.mfaSessionDurationSeconds = sessionSeconds;
    return base;
}

QList<Profile> profiles()
{
    const Profile base = mfaBase();
    const Profile ci = baseProfile(false, QStringLiteral("ci"));
    return {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin")), ci,
            roleProfile(ci, QStringLiteral("ci-deploy"), QStringLiteral("Deployer"))};
}

/// The warnings of category imsa.app, as the log gets them.
QStringList capturedLog;

void captureLog(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg && qstrcmp(context.category, "imsa.app") == 0)
        capturedLog << message;
}

/// Logs into capturedLog while it exists.
class LogCapture
{
public:
    LogCapture()
        : m_previous(qInstallMessageHandler(captureLog))
    {
        capturedLog.clear();
    }

    ~LogCapture() { qInstallMessageHandler(m_previous); }

    LogCapture(const LogCapture &) = delete;
    LogCapture &operator=(const LogCapture &) = delete;

private:
    QtMessageHandler m_previous;
};

/// Runs with real time from a chosen moment and jumps when told, as the wall clock does when
/// a laptop resumes: the notifier's own timer is what moves it on between jumps.
class RunningClock final : public Clock
{
public:
    explicit RunningClock(QDateTime start)
        : m_start(std::move(start))
    {
        m_elapsed.start();
    }

    QDateTime now() const override { return m_start.addMSecs(m_elapsed.elapsed()); }

    void jumpTo(const QDateTime &time)
    {
        m_start = m_start.addMSecs(now().msecsTo(time));
        Q_EMIT jumped();
    }

private:
    QDateTime m_start;
    QElapsedTimer m_elapsed;
};

/// Keeps waits on real time short: the warning is due this long after a jump.
constexpr int dueAfterMsecs = 300;

} // namespace

class tst_SessionNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void warnsOnceAtTheLeadTimeAndAtTheEnd();
    void newSessionIsWarnedAboutAgain();
    void timerFiresWithoutClockJumps();
    void clockJumpRearmsTheTimer();
    void noWarningWithoutASession_data();
    void noWarningWithoutASession();
    void logsWhenDesktopNotificationsFindNoBus();
};

void tst_SessionNotifier::initTestCase()
{
    // The desktop notification case needs a session without a bus, whatever ran this.
    qunsetenv("DBUS_SESSION_BUS_ADDRESS");
    qunsetenv("DISPLAY");
}

void tst_SessionNotifier::warnsOnceAtTheLeadTimeAndAtTheEnd()
{
    LogCapture log;
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QSignalSpy ended(&notifier, &SessionNotifier::sessionEnded);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    const QDateTime end = rig.clock.now().addSecs((3 * 60 + 12) * 60);

    QVERIFY(rig.advance((3 * 60 + 1) * 60)); // 11 min left
    QCOMPARE(soon.size(), 0);
    QVERIFY(rig.advance(60)); // 10 min left
    QCOMPARE(soon.size(), 1);
    QCOMPARE(soon.first(), (QVariantList{QStringLiteral("prod"), end}));
    QCOMPARE(capturedLog,
             QStringList{QStringLiteral(
                     "the MFA session of prod ends in 10 min, at 2026-11-25T12:12:00Z")});

    QVERIFY(rig.advance(9 * 60, 30));
    QCOMPARE(soon.size(), 1);
    QCOMPARE(ended.size(), 0);
    QVERIFY(rig.advance(60)); // the end
    QCOMPARE(ended.size(), 1);
    QCOMPARE(ended.first().first().toString(), QStringLiteral("prod"));
    QCOMPARE(capturedLog.size(), 2);
    QCOMPARE(capturedLog.last(),
             QStringLiteral("the MFA session of prod ended; a new MFA code is needed"));

    QVERIFY(rig.advance(2 * 3600, 600));
    QCOMPARE(soon.size(), 1);
    QCOMPARE(ended.size(), 1);
    QCOMPARE(capturedLog.size(), 2);
}

void tst_SessionNotifier::newSessionIsWarnedAboutAgain()
{
    LogCapture log;
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QSignalSpy ended(&notifier, &SessionNotifier::sessionEnded);
    const QString prod = QStringLiteral("prod");
    QVERIFY(rig.activateWithCode(prod));
    QVERIFY(rig.advance((3 * 60 + 3) * 60)); // 9 min left
    QCOMPARE(soon.size(), 1);

    // A new code before the end: a new session, and a new warning before that one ends.
    rig.broker->logout();
    QVERIFY(rig.activateWithCode(prod));
    const QDateTime secondEnd = rig.clock.now().addSecs((3 * 60 + 12) * 60);
    QVERIFY(rig.advance((3 * 60 + 1) * 60));
    QCOMPARE(soon.size(), 1);
    QVERIFY(rig.advance(60));
    QCOMPARE(soon.size(), 2);
    QCOMPARE(soon.last(), (QVariantList{prod, secondEnd}));
    QCOMPARE(ended.size(), 0);
    QCOMPARE(capturedLog.size(), 2);
}

void tst_SessionNotifier::timerFiresWithoutClockJumps()
{
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    const QDateTime end = rig.clock.now().addSecs((3 * 60 + 12) * 60);

    RunningClock clock(end.addSecs(-SessionNotifier::leadSeconds).addMSecs(-dueAfterMsecs));
    SessionNotifier notifier(*rig.broker, clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QCOMPARE(soon.size(), 0);
    QVERIFY(soon.wait(10'000));
    QCOMPARE(soon.size(), 1);
    QVERIFY(clock.now() >= end.addSecs(-SessionNotifier::leadSeconds));
}

void tst_SessionNotifier::clockJumpRearmsTheTimer()
{
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    const QDateTime end = rig.clock.now().addSecs((3 * 60 + 12) * 60);

    // The timer is set three hours ahead; a resume puts the warning just ahead instead.
    RunningClock clock(rig.clock.now());
    SessionNotifier notifier(*rig.broker, clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QSignalSpy ended(&notifier, &SessionNotifier::sessionEnded);
    clock.jumpTo(end.addSecs(-SessionNotifier::leadSeconds).addMSecs(-dueAfterMsecs));
    QCOMPARE(soon.size(), 0);
    QVERIFY(soon.wait(10'000));
    QCOMPARE(soon.size(), 1);

    clock.jumpTo(end.addMSecs(-dueAfterMsecs));
    QCOMPARE(ended.size(), 0);
    QVERIFY(ended.wait(10'000));
    QCOMPARE(soon.size(), 1);

    // A new session; jumps past its lead time and past its end announce each at once.
    QVERIFY(rig.advance(3600));
    rig.broker->logout();
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    const QDateTime secondEnd = rig.clock.now().addSecs((3 * 60 + 12) * 60);
    clock.jumpTo(secondEnd.addSecs(-5 * 60));
    QCOMPARE(soon.size(), 2);
    QCOMPARE(soon.last(), (QVariantList{QStringLiteral("prod"), secondEnd}));
    clock.jumpTo(secondEnd.addSecs(3600));
    QCOMPARE(ended.size(), 2);
    QCOMPARE(soon.size(), 2);
}

void tst_SessionNotifier::noWarningWithoutASession_data()
{
    QTest::addColumn<QString>("active");
    QTest::addColumn<bool>("logout");

    QTest::addRow("no active profile") << QString() << false;
    QTest::addRow("a profile without MFA") << QStringLiteral("ci-deploy") << false;
    QTest::addRow("a session forgotten before its end") << QStringLiteral("prod") << true;
}

void tst_SessionNotifier::noWarningWithoutASession()
{
    QFETCH(QString, active);
    QFETCH(bool, logout);

    LogCapture log;
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QSignalSpy ended(&notifier, &SessionNotifier::sessionEnded);
    if (!active.isEmpty())
        QVERIFY(rig.activateWithCode(active));
    QVERIFY(rig.advance(3 * 3600));
    if (logout) {
        rig.broker->logout();
        QVERIFY(rig.settle());
    }
    QVERIFY(rig.advance(12 * 3600, 300));
    QCOMPARE(soon.size(), 0);
    QCOMPARE(ended.size(), 0);
    QCOMPARE(capturedLog, QStringList());
}

void tst_SessionNotifier::logsWhenDesktopNotificationsFindNoBus()
{
    LogCapture log;
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    notifier.setDesktopNotifications(true);
    QVERIFY(notifier.hasDesktopNotifications());
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QVERIFY(rig.advance((3 * 60 + 2) * 60));
    QCOMPARE(soon.size(), 1);
    QCOMPARE(capturedLog,
             QStringList{QStringLiteral(
                     "the MFA session of prod ends in 10 min, at 2026-11-25T12:12:00Z")});
}

QTEST_GUILESS_MAIN(tst_SessionNotifier)
#include "tst_sessionnotifier.moc"
