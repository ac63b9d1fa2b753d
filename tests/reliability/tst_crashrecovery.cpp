// kill -9 of the app while clients keep asking for credentials, then a restart: the session
// comes back from the key store, so no second MFA code (no second GetSessionToken).
#include <atomic>
#include <signal.h>
#include <thread>

#include <QTest>

#include "servingrig.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_CrashRecovery : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void killedDuringLoadServesAgainWithoutMfa();
};

void tst_CrashRecovery::killedDuringLoadServesAgainWithoutMfa()
{
    ServingRig rig;
    QVERIFY2(rig.start(), qPrintable(rig.error()));
    QCOMPARE(rig.stsCount(u"GetSessionToken"_s), 1);

    std::atomic<bool> running{true};
    std::atomic<int> served{0};
    const quint16 port = rig.port();
    const QByteArray target = rig.credentialsTarget();
    std::thread load([&] {
        while (running) {
            if (rawGet(port, target, 1000).status == 200)
                ++served;
        }
    });
    QTRY_VERIFY_WITH_TIMEOUT(served >= 50, 10'000);
    rig.environment().killApp(SIGKILL);
    const int servedBeforeKill = served;
    QTest::qWait(200); // the load keeps hitting the dead port
    running = false;
    load.join();
    QCOMPARE(served.load(), servedBeforeKill);

    QVERIFY2(rig.restartApp(), qPrintable(rig.error()));
    QTRY_COMPARE_WITH_TIMEOUT(rig.fetchCredentials().status, 200, 15'000);
    const ServedCredentials again = rig.fetchCredentials();
    QVERIFY(again.expiration > QDateTime::currentDateTimeUtc().addSecs(15 * 60));
    QCOMPARE(rig.stsCount(u"GetSessionToken"_s), 1);
}

QTEST_GUILESS_MAIN(tst_CrashRecovery)
#include "tst_crashrecovery.moc"
