#include <QSignalSpy>
#include <QTest>

#include "brokerrig.h"
#include "imsa/detail/credentialbroker_entries.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// Profile kinds, refresh timing, serving rule and failures. Keys and configuration changes are
// in tst_credentialbrokerconfig; MFA sessions and long runs in tst_credentialbrokermfa.
class tst_CredentialBroker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void profileKinds_data();
    void profileKinds();
    void refreshTiming_data();
    void refreshTiming();
    void servedOnlyWithFifteenMinutesLeft_data();
    void servedOnlyWithFifteenMinutesLeft();
    void credentialsNeverStartIo();
    void refreshFailureThenRecovery();
    void retryDelay_data();
    void retryDelay();
    void permanentFailureWaitsForRenew();
    void failedRenewalIsRetried();
    void activeProfileChangesAreAnnounced();
    void wakeUpAtEarliestDueTime();
    void shortGrantIsNotRefreshedInALoop();
    void requestedProfilesStayFresh();

private:
    static constexpr QLatin1StringView assumeRole{"AssumeRole"};
};

namespace {

StsError throttled()
{
    return StsError{StsErrorCode::Throttled, u"Throttling"_s, u"Rate exceeded"_s, 400};
}

} // namespace

void tst_CredentialBroker::profileKinds_data()
{
    QTest::addColumn<Profile>("profile");
    QTest::addColumn<QString>("action");
    QTest::addColumn<bool>("signedWithSession");
    QTest::addColumn<int>("durationSeconds");
    QTest::addColumn<int>("stsCalls");

    Profile direct = directRole();
    direct.roleDurationSeconds = 7200;
    QTest::addRow("role without MFA: AssumeRole with the base keys for the full duration")
            << direct << u"AssumeRole"_s << false << 7200 << 1;
    QTest::addRow("base without role or MFA: GetSessionToken without MFA")
            << baseProfile(false) << u"GetSessionToken"_s << false << 43200 << 1;
    Profile chained = roleProfile(baseProfile(), u"chained"_s, u"Admin"_s);
    chained.roleDurationSeconds = 7200;
    QTest::addRow("role with MFA: session, then chained AssumeRole capped at one hour")
            << chained << u"AssumeRole"_s << true << 3600 << 2;
    Profile shortRole = chained;
    shortRole.roleDurationSeconds = 900;
    QTest::addRow("role asking for 15 minutes: raised to 30, else due on arrival")
            << shortRole << u"AssumeRole"_s << true << 1800 << 2;
    QTest::addRow("base with MFA: serves the MFA session itself")
            << baseProfile() << u"GetSessionToken"_s << false << 43200 << 1;
}

void tst_CredentialBroker::profileKinds()
{
    QFETCH(Profile, profile);
    QFETCH(QString, action);
    QFETCH(bool, signedWithSession);
    QFETCH(int, durationSeconds);
    QFETCH(int, stsCalls);

    BrokerRig rig;
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    rig.broker->setProfiles({profile});
    QVERIFY(rig.activateWithCode(profile.name));

    QCOMPARE(prompts.count(), profile.needsMfa() ? 1 : 0);
    QCOMPARE(rig.sts.calls().size(), stsCalls);
    const FakeStsCall first = rig.sts.calls().constFirst();
    QCOMPARE(first.accessKeyId, baseKeyId);
    QCOMPARE(first.mfaSerial, profile.needsMfa() ? aliceMfaSerial : QString());
    QCOMPARE(first.tokenCode, profile.needsMfa() ? validCode : QString());
    const FakeStsCall last = rig.sts.calls().constLast();
    QCOMPARE(last.action, action);
    QCOMPARE(last.signedWithSession, signedWithSession);
    QCOMPARE(last.durationSeconds, durationSeconds);
    QCOMPARE(last.roleArn, profile.roleArn);

    const auto credentials = rig.broker->credentials(profile.name);
    QVERIFY(credentials);
    QVERIFY(credentials->isTemporary());
    QCOMPARE(credentials->expiration, rig.clock.now().addSecs(durationSeconds));
    const ProfileStatus status = rig.broker->status(profile.name);
    QCOMPARE(status.state, ProfileState::Ready);
    QCOMPARE(status.credentialsExpiration, credentials->expiration);
    QCOMPARE(status.assumedRoleArn,
             profile.hasRole()
                     ? u"arn:aws:sts::123456789012:assumed-role/Admin/imsa-"_s + profile.name
                     : QString());
    QCOMPARE(status.mfaSessionExpiration.isValid(), profile.needsMfa());
    QVERIFY(!status.lastError);
}

void tst_CredentialBroker::refreshTiming_data()
{
    QTest::addColumn<int>("minutesLater");
    QTest::addColumn<int>("assumeRoleCalls");

    QTest::addRow("21 minutes left: the first credentials still") << 39 << 1;
    QTest::addRow("20 minutes left: refreshed and the new ones served") << 40 << 2;
}

void tst_CredentialBroker::refreshTiming()
{
    QFETCH(int, minutesLater);
    QFETCH(int, assumeRoleCalls);

    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    const auto first = rig.broker->credentials(u"direct"_s);
    QVERIFY(first);
    QCOMPARE(first->expiration, rig.clock.now().addSecs(3600));

    QVERIFY(rig.advance(minutesLater * 60, minutesLater * 60));
    QCOMPARE(rig.sts.count(assumeRole), assumeRoleCalls);
    const auto served = rig.broker->credentials(u"direct"_s);
    QVERIFY(served);
    if (assumeRoleCalls == 1) {
        QCOMPARE(*served, *first);
    } else {
        QVERIFY(served->accessKeyId != first->accessKeyId);
        QCOMPARE(served->expiration, rig.clock.now().addSecs(3600));
    }
}

void tst_CredentialBroker::servedOnlyWithFifteenMinutesLeft_data()
{
    QTest::addColumn<int>("secondsLater");
    QTest::addColumn<bool>("served");

    QTest::addRow("15 minutes and 1 second left: served") << 2699 << true;
    QTest::addRow("exactly 15 minutes left: served") << 2700 << true;
    QTest::addRow("14 minutes 59 seconds left: not served") << 2701 << false;
    QTest::addRow("expired: not served") << 3601 << false;
}

void tst_CredentialBroker::servedOnlyWithFifteenMinutesLeft()
{
    QFETCH(int, secondsLater);
    QFETCH(bool, served);

    BrokerRig rig;
    rig.broker->setProfiles({directRole(u"old"_s), directRole(u"other"_s, u"Other"_s)});
    QVERIFY(rig.activateWithCode(u"old"_s));
    const auto first = rig.broker->credentials(u"old"_s);
    QVERIFY(first);
    // No longer wanted, so nothing refreshes it: only the serving rule decides.
    QVERIFY(rig.activateWithCode(u"other"_s));

    QVERIFY(rig.advance(secondsLater, secondsLater));
    const auto credentials = rig.broker->credentials(u"old"_s);
    QCOMPARE(credentials.has_value(), served);
    if (served)
        QCOMPARE(*credentials, *first);
    QCOMPARE(rig.broker->status(u"old"_s).state,
             served ? ProfileState::Ready : ProfileState::Inactive);
}

void tst_CredentialBroker::credentialsNeverStartIo()
{
    BrokerRig rig;
    Profile keyStoreRole = directRole(u"stored"_s);
    keyStoreRole.secretLocation = SecretLocation::KeyStore;
    keyStoreRole.secretAccessKey.clear();
    rig.broker->setProfiles({directRole(), keyStoreRole,
                             roleProfile(baseProfile(), u"mfa"_s, u"Admin"_s), baseProfile()});
    QVERIFY(rig.settle());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);

    for (const QString &name : {u"direct"_s, u"stored"_s, u"mfa"_s, u"base"_s, u"unknown"_s})
        QVERIFY(!rig.broker->credentials(name));
    QCOMPARE(rig.sts.calls().size(), 0);
    QCOMPARE(rig.store.operations(), QStringList());
    QCOMPARE(rig.sts.queuedCount(), 0);
    QCOMPARE(rig.store.queuedCount(), 0);
    QCOMPARE(prompts.count(), 0);

    QVERIFY(rig.activateWithCode(u"direct"_s));
    QCOMPARE(rig.sts.calls().size(), 1);
    for (int i = 0; i < 3; ++i)
        QVERIFY(rig.broker->credentials(u"direct"_s));
    QCOMPARE(rig.sts.calls().size(), 1);
    QCOMPARE(rig.sts.queuedCount(), 0);
}

void tst_CredentialBroker::refreshFailureThenRecovery()
{
    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    const QDateTime start = rig.clock.now();
    QVERIFY(rig.activateWithCode(u"direct"_s));
    const auto first = rig.broker->credentials(u"direct"_s);
    QVERIFY(first);
    QSignalSpy failures(rig.broker.get(), &CredentialBroker::refreshFailed);
    rig.sts.failNext(throttled(), 1000);

    QVERIFY(rig.advance(2400, 2400));
    QCOMPARE(failures.count(), 1);
    QCOMPARE(failures.at(0).at(0).toString(), u"direct"_s);
    QCOMPARE(failures.at(0).at(1).value<StsError>().code, StsErrorCode::Throttled);
    ProfileStatus status = rig.broker->status(u"direct"_s);
    QCOMPARE(status.state, ProfileState::Ready);
    QVERIFY(status.lastError);
    QCOMPARE(status.lastError->code, StsErrorCode::Throttled);

    // The old credentials are served while they have 15 minutes left (until 45:00)...
    for (int second = 2401; second <= 2700; ++second) {
        QVERIFY(rig.advance(1, 1));
        QCOMPARE(rig.broker->credentials(u"direct"_s), first);
    }
    // ... and never after.
    QVERIFY(rig.advance(1, 1));
    QVERIFY(!rig.broker->credentials(u"direct"_s));
    QCOMPARE(rig.broker->status(u"direct"_s).state, ProfileState::Failed);

    // Backoff 5, 10, 20, 40, 80, 120 s after the failed refresh at 40:00.
    QList<qint64> callSeconds;
    for (const FakeStsCall &call : rig.sts.calls())
        callSeconds << start.secsTo(call.at);
    QCOMPARE(callSeconds, (QList<qint64>{0, 2400, 2405, 2415, 2435, 2475, 2555, 2675}));
    QCOMPARE(failures.count(), 7);

    rig.sts.clearFailures();
    QVERIFY(rig.advance(2794 - 2701, 1));
    QCOMPARE(rig.sts.calls().size(), 8);
    QVERIFY(!rig.broker->credentials(u"direct"_s));
    QVERIFY(rig.advance(1, 1));
    QCOMPARE(rig.sts.calls().size(), 9);
    QCOMPARE(start.secsTo(rig.sts.calls().constLast().at), 2795);
    const auto recovered = rig.broker->credentials(u"direct"_s);
    QVERIFY(recovered);
    QCOMPARE(recovered->expiration, rig.clock.now().addSecs(3600));
    status = rig.broker->status(u"direct"_s);
    QCOMPARE(status.state, ProfileState::Ready);
    QVERIFY(!status.lastError);
}

void tst_CredentialBroker::retryDelay_data()
{
    QTest::addColumn<int>("failures");
    QTest::addColumn<double>("jitter");
    QTest::addColumn<qint64>("msecs");

    QTest::addRow("first retry after 5 s") << 1 << 0.0 << qint64(5000);
    QTest::addRow("second after 10 s") << 2 << 0.0 << qint64(10000);
    QTest::addRow("third after 20 s") << 3 << 0.0 << qint64(20000);
    QTest::addRow("sixth would be 160 s: capped at 2 min") << 6 << 0.0 << qint64(120000);
    QTest::addRow("fiftieth: still 2 min") << 50 << 0.0 << qint64(120000);
    QTest::addRow("full jitter halves the delay") << 1 << 1.0 << qint64(2500);
    QTest::addRow("half jitter takes a quarter off") << 3 << 0.5 << qint64(15000);
    QTest::addRow("jitter out of range is clamped") << 6 << 7.0 << qint64(60000);
}

void tst_CredentialBroker::retryDelay()
{
    QFETCH(int, failures);
    QFETCH(double, jitter);
    QFETCH(qint64, msecs);
    QCOMPARE(detail::retryDelayMsecs(failures, CredentialBroker::firstRetrySeconds,
                                     CredentialBroker::maxRetrySeconds, jitter),
             msecs);
}

void tst_CredentialBroker::permanentFailureWaitsForRenew()
{
    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    rig.sts.failNext(StsError{StsErrorCode::AccessDenied, u"AccessDenied"_s,
                              u"not authorized to perform: sts:AssumeRole"_s, 403});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    ProfileStatus status = rig.broker->status(u"direct"_s);
    QCOMPARE(status.state, ProfileState::Failed);
    QCOMPARE(status.lastError->code, StsErrorCode::AccessDenied);

    QVERIFY(rig.advance(10 * 60));
    rig.broker->request(u"direct"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.calls().size(), 1);

    rig.broker->renew(u"direct"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.calls().size(), 2);
    status = rig.broker->status(u"direct"_s);
    QCOMPARE(status.state, ProfileState::Ready);
    QVERIFY(!status.lastError);
}

void tst_CredentialBroker::failedRenewalIsRetried()
{
    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    const QString first = rig.broker->credentials(u"direct"_s)->accessKeyId;

    rig.sts.failNext(throttled());
    rig.broker->renew(u"direct"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.calls().size(), 2);
    QCOMPARE(rig.broker->credentials(u"direct"_s)->accessKeyId, first);
    QCOMPARE(rig.broker->status(u"direct"_s).lastError->code, StsErrorCode::Throttled);

    // The credentials in hand have 55 minutes left, yet the renewal asked for is retried.
    QVERIFY(rig.advance(5));
    QCOMPARE(rig.sts.calls().size(), 3);
    QVERIFY(rig.broker->credentials(u"direct"_s)->accessKeyId != first);
    QVERIFY(!rig.broker->status(u"direct"_s).lastError);
    QVERIFY(rig.advance(10 * 60));
    QCOMPARE(rig.sts.calls().size(), 3);
}

void tst_CredentialBroker::activeProfileChangesAreAnnounced()
{
    BrokerRig rig;
    const Profile direct = directRole();
    Profile other = direct;
    other.name = u"other"_s;
    rig.broker->setProfiles({direct, other});
    QSignalSpy changed(rig.broker.get(), &CredentialBroker::activeProfileChanged);

    QVERIFY(rig.broker->setActiveProfile(u"direct"_s));
    QVERIFY(rig.broker->setActiveProfile(u"direct"_s)); // no change, no signal
    QVERIFY(rig.broker->setActiveProfile(u"other"_s));
    rig.broker->setProfiles({direct}); // the active profile was removed
    QVERIFY(rig.broker->setActiveProfile(u"direct"_s));
    rig.broker->logout();
    rig.broker->clearActiveProfile(); // already none
    QCOMPARE(changed.size(), 5);
    const QStringList announced{changed.at(0).at(0).toString(), changed.at(1).at(0).toString(),
                                changed.at(2).at(0).toString(), changed.at(3).at(0).toString(),
                                changed.at(4).at(0).toString()};
    QCOMPARE(announced, (QStringList{u"direct"_s, u"other"_s, QString(), u"direct"_s, QString()}));
}

void tst_CredentialBroker::wakeUpAtEarliestDueTime()
{
    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    const QDateTime start = rig.clock.now();
    QCOMPARE(rig.broker->nextWakeUp(), QDateTime());
    QVERIFY(rig.activateWithCode(u"direct"_s));
    QCOMPARE(rig.broker->nextWakeUp(), start.addSecs(40 * 60));

    rig.broker->clearActiveProfile();
    QCOMPARE(rig.broker->nextWakeUp(), start.addSecs(45 * 60).addMSecs(1));
    QVERIFY(rig.advance(45 * 60 + 1, 45 * 60 + 1));
    QCOMPARE(rig.broker->nextWakeUp(), QDateTime());
    QCOMPARE(rig.sts.calls().size(), 1);
}

void tst_CredentialBroker::shortGrantIsNotRefreshedInALoop()
{
    BrokerRig rig;
    rig.sts.grantAtMost(1000);
    rig.broker->setProfiles({directRole()});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    QCOMPARE(rig.sts.calls().size(), 1);
    QVERIFY(rig.broker->credentials(u"direct"_s));

    QVERIFY(rig.advance(119, 119));
    QCOMPARE(rig.sts.calls().size(), 1);
    QVERIFY(rig.advance(1, 1));
    QCOMPARE(rig.sts.calls().size(), 2);
}

void tst_CredentialBroker::requestedProfilesStayFresh()
{
    BrokerRig rig;
    rig.broker->setProfiles(
            {directRole(u"a"_s, u"A"_s), directRole(u"b"_s, u"B"_s), directRole(u"c"_s, u"C"_s)});
    rig.broker->setActiveProfile(u"a"_s);
    rig.broker->request(u"b"_s);
    QVERIFY(rig.settle());

    QVERIFY(rig.advance(2 * 60 * 60));
    QHash<QString, int> perRole;
    for (const FakeStsCall &call : rig.sts.calls())
        ++perRole[call.roleArn.section(QLatin1Char('/'), -1)];
    // At 0, 40, 80 and 120 minutes each; c was never asked for.
    QCOMPARE(perRole.value(u"A"_s), 4);
    QCOMPARE(perRole.value(u"B"_s), 4);
    QCOMPARE(perRole.value(u"C"_s), 0);
    QVERIFY(rig.broker->credentials(u"a"_s));
    QVERIFY(rig.broker->credentials(u"b"_s));
}

QTEST_GUILESS_MAIN(tst_CredentialBroker)
#include "tst_credentialbroker.moc"
