#include <QLoggingCategory>
#include <QSignalSpy>
#include <QTest>

#include "brokerrig.h"
#include "imsa/redact.h"
#include "imsa/sessioncodec.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// MFA sessions: one per base identity, kept in the key store across restarts, asked for once
// per need, never retried with an old code.
class tst_CredentialBrokerMfa : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oneSessionAcrossRoleSwitches();
    void sessionExpiryAsksOnce();
    void wrongCodeIsRejectedAndNotRetried();
    void codeLostToTheNetworkIsNotRetried();
    void cancelMfa();
    void sessionRestoredAfterRestart();
    void unusableStoredSessionIsRemoved_data();
    void unusableStoredSessionIsRemoved();
    void expiredTokenAsksForANewCode();
    void baseProfileAsksBeforeItsSessionEnds();
    void logoutClearsMemoryAndStore();
    void sessionFollowsTheKeyNotWhereItsSecretLives();
    void twelveHours();
    void noSecretInLog();

private:
    static constexpr QLatin1StringView assumeRole{"AssumeRole"};
    static constexpr QLatin1StringView getSessionToken{"GetSessionToken"};
};

namespace {

const QString sessionAccount = u"session:base|arn:aws:iam::123456789012:mfa/alice"_s;

/// base, dev, test and prod: three roles on one base identity with MFA.
QList<Profile> teamProfiles(int sessionSeconds = Profile::defaultMfaSessionDurationSeconds)
{
    Profile base = baseProfile();
    base.mfaSessionDurationSeconds = sessionSeconds;
    return {base, roleProfile(base, u"dev"_s, u"Dev"_s), roleProfile(base, u"test"_s, u"Test"_s),
            roleProfile(base, u"prod"_s, u"Prod"_s)};
}

QStringList firstArguments(const QSignalSpy &spy)
{
    QStringList names;
    for (const QList<QVariant> &arguments : spy)
        names << arguments.at(0).toString();
    return names;
}

QStringList capturedLog;

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    capturedLog << QString::fromLatin1(context.category) + u": "_s + message;
}

} // namespace

void tst_CredentialBrokerMfa::oneSessionAcrossRoleSwitches()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    QSignalSpy satisfied(rig.broker.get(), &CredentialBroker::mfaSatisfied);

    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(prompts.at(0), (QList<QVariant>{u"dev"_s, aliceMfaSerial}));
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::NeedsMfa);
    QVERIFY(!rig.broker->credentials(u"dev"_s));
    QCOMPARE(rig.sts.calls().size(), 0);

    rig.broker->submitMfaCode(u"dev"_s, validCode);
    QVERIFY(rig.settle());
    QCOMPARE(firstArguments(satisfied), QStringList{u"dev"_s});
    const FakeStsCall session = rig.sts.last(getSessionToken);
    QCOMPARE(session.mfaSerial, aliceMfaSerial);
    QCOMPARE(session.tokenCode, validCode);
    QCOMPARE(session.durationSeconds, 43200);

    for (const QString &name : {u"test"_s, u"prod"_s, u"dev"_s}) {
        QVERIFY(rig.broker->setActiveProfile(name));
        QVERIFY(rig.settle());
        QVERIFY(rig.broker->credentials(name));
        QCOMPARE(rig.broker->status(name).state, ProfileState::Ready);
    }
    QCOMPARE(rig.sts.count(getSessionToken), 1);
    QCOMPARE(rig.sts.count(assumeRole), 3);
    QStringList roles;
    for (const FakeStsCall &call : rig.sts.calls()) {
        if (call.action == assumeRole) {
            roles << call.roleArn.section(QLatin1Char('/'), -1);
            QVERIFY(call.signedWithSession);
            QVERIFY(call.accessKeyId != baseKeyId);
        }
    }
    QCOMPARE(roles, (QStringList{u"Dev"_s, u"Test"_s, u"Prod"_s}));
    QCOMPARE(prompts.count(), 1);
}

void tst_CredentialBrokerMfa::sessionExpiryAsksOnce()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles(3600));
    const QDateTime start = rig.clock.now();
    QVERIFY(rig.activateWithCode(u"dev"_s));
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);

    // At 40:00 the session still has 20 minutes: it signs the refresh (role until 1:40).
    QVERIFY(rig.advance(40 * 60));
    QCOMPARE(rig.sts.count(assumeRole), 2);
    // At 45:00 + 1 s it has less than 15 minutes: gone, from memory and from the store.
    QVERIFY(rig.store.contains(sessionAccount));
    QVERIFY(rig.advance(5 * 60 + 1, 1));
    QVERIFY(!rig.store.contains(sessionAccount));
    QVERIFY(!rig.broker->status(u"dev"_s).mfaSessionExpiration.isValid());
    QCOMPARE(prompts.count(), 0);

    // The role credentials are due at 1:20 and only a code can help.
    QVERIFY(rig.advance(80 * 60 - start.secsTo(rig.clock.now())));
    QCOMPARE(start.secsTo(rig.clock.now()), 80 * 60);
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::NeedsMfa);
    QVERIFY(rig.broker->credentials(u"dev"_s));
    QVERIFY(rig.advance(5 * 60 + 1));
    QVERIFY(!rig.broker->credentials(u"dev"_s));
    QVERIFY(rig.advance(3 * 60 * 60));
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.sts.calls().size(), 3);

    rig.broker->submitMfaCode(u"dev"_s, validCode);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.count(getSessionToken), 2);
    QCOMPARE(rig.sts.count(assumeRole), 3);
    QVERIFY(rig.broker->credentials(u"dev"_s));
}

void tst_CredentialBrokerMfa::wrongCodeIsRejectedAndNotRetried()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    QSignalSpy rejected(rig.broker.get(), &CredentialBroker::mfaCodeRejected);
    QSignalSpy satisfied(rig.broker.get(), &CredentialBroker::mfaSatisfied);
    rig.broker->setActiveProfile(u"dev"_s);
    rig.broker->request(u"prod"_s);
    QVERIFY(rig.settle());
    QCOMPARE(firstArguments(prompts), (QStringList{u"dev"_s, u"prod"_s}));

    rig.broker->submitMfaCode(u"dev"_s, u"555111"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.at(0).at(0).toString(), u"dev"_s);
    QCOMPARE(rejected.at(0).at(1).value<StsError>().code, StsErrorCode::WrongMfaCode);
    const ProfileStatus status = rig.broker->status(u"dev"_s);
    QCOMPARE(status.state, ProfileState::NeedsMfa);
    QCOMPARE(status.lastError->code, StsErrorCode::WrongMfaCode);

    QVERIFY(rig.advance(10 * 60));
    rig.broker->request(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.calls().size(), 1);
    QCOMPARE(prompts.count(), 2);

    // One code at a time: a second one while the first is checked is ignored.
    rig.sts.setHolding(true);
    rig.broker->submitMfaCode(u"prod"_s, validCode);
    rig.broker->submitMfaCode(u"dev"_s, validCode);
    QCOMPARE(rig.sts.pendingCount(), 1);
    rig.sts.setHolding(false);
    rig.sts.completePending();
    QVERIFY(rig.settle());
    QCOMPARE(firstArguments(satisfied), (QStringList{u"dev"_s, u"prod"_s}));
    QCOMPARE(rig.sts.count(getSessionToken), 2);
    QCOMPARE(rig.sts.count(assumeRole), 2);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::Ready);
    QVERIFY(!rig.broker->status(u"dev"_s).lastError);
}

void tst_CredentialBrokerMfa::codeLostToTheNetworkIsNotRetried()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy rejected(rig.broker.get(), &CredentialBroker::mfaCodeRejected);
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    rig.sts.setHolding(true);
    rig.broker->submitMfaCode(u"dev"_s, validCode);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::NeedsMfa);

    // Transient, yet STS may have used the code up: only the human may try again.
    rig.sts.failPending(StsError{StsErrorCode::Timeout, {}, u"no answer in 10 s"_s, 0});
    QCOMPARE(rejected.count(), 1);
    QCOMPARE(rejected.at(0).at(1).value<StsError>().code, StsErrorCode::Timeout);
    QVERIFY(rig.advance(10 * 60));
    QCOMPARE(rig.sts.calls().size(), 1);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::NeedsMfa);
}

void tst_CredentialBrokerMfa::cancelMfa()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(prompts.count(), 1);

    rig.broker->cancelMfa(u"dev"_s);
    QCOMPARE(rig.broker->activeProfile(), QString());
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::Inactive);
    QVERIFY(!rig.broker->credentials(u"dev"_s));
    QVERIFY(rig.advance(60 * 60));
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.sts.calls().size(), 0);

    rig.broker->request(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(prompts.count(), 2);
}

void tst_CredentialBrokerMfa::sessionRestoredAfterRestart()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QVERIFY(rig.activateWithCode(u"dev"_s));
    QVERIFY(rig.store.contains(sessionAccount));
    const auto stored = decodeSessionCredentials(rig.store.value(sessionAccount));
    QVERIFY(stored.ok());
    QCOMPARE(stored.value().expiration, rig.clock.now().addSecs(43200));
    QCOMPARE(rig.sts.calls().constLast().accessKeyId, stored.value().accessKeyId);

    rig.restart();
    QVERIFY(rig.advance(10 * 60));
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    rig.broker->setProfiles(teamProfiles());
    rig.broker->setActiveProfile(u"prod"_s);
    QVERIFY(rig.settle());

    QCOMPARE(prompts.count(), 0);
    QCOMPARE(rig.sts.count(getSessionToken), 1);
    const FakeStsCall role = rig.sts.last(assumeRole);
    QCOMPARE(role.roleArn, u"arn:aws:iam::123456789012:role/Prod"_s);
    QCOMPARE(role.accessKeyId, stored.value().accessKeyId);
    QVERIFY(rig.broker->credentials(u"prod"_s));
    QCOMPARE(rig.broker->status(u"prod"_s).mfaSessionExpiration, stored.value().expiration);
}

void tst_CredentialBrokerMfa::unusableStoredSessionIsRemoved_data()
{
    QTest::addColumn<int>("secondsLeft");
    QTest::addColumn<bool>("readable");

    QTest::addRow("14 minutes left: too short to serve") << 14 * 60 << true;
    QTest::addRow("expired an hour ago") << -3600 << true;
    QTest::addRow("not a session at all") << 0 << false;
}

void tst_CredentialBrokerMfa::unusableStoredSessionIsRemoved()
{
    QFETCH(int, secondsLeft);
    QFETCH(bool, readable);

    BrokerRig rig;
    const AwsCredentials old{u"ASIAOLDSESSION000001"_s, u"oldSecret"_s, u"oldToken"_s,
                             rig.clock.now().addSecs(secondsLeft)};
    rig.store.insert(sessionAccount, readable ? encodeSessionCredentials(old) : "{}"_ba);
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());

    QCOMPARE(prompts.count(), 1);
    QVERIFY(!rig.store.contains(sessionAccount));
    QCOMPARE(rig.sts.calls().size(), 0);
}

void tst_CredentialBrokerMfa::expiredTokenAsksForANewCode()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QVERIFY(rig.activateWithCode(u"dev"_s));
    const auto first = rig.broker->credentials(u"dev"_s);
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    QSignalSpy failures(rig.broker.get(), &CredentialBroker::refreshFailed);

    rig.sts.failNext(StsError{StsErrorCode::ExpiredToken, u"ExpiredToken"_s,
                              u"The security token included in the request is expired"_s, 400});
    rig.broker->renew(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(failures.count(), 1);
    QCOMPARE(prompts.count(), 1);
    QVERIFY(!rig.store.contains(sessionAccount));
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::NeedsMfa);
    // The role credentials themselves are still good for 45 minutes.
    QCOMPARE(rig.broker->credentials(u"dev"_s), first);
}

void tst_CredentialBrokerMfa::baseProfileAsksBeforeItsSessionEnds()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles(3600));
    QVERIFY(rig.activateWithCode(u"base"_s));
    const auto session = rig.broker->credentials(u"base"_s);
    QVERIFY(session);
    QCOMPARE(session->expiration, rig.broker->status(u"base"_s).mfaSessionExpiration);
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    QSignalSpy satisfied(rig.broker.get(), &CredentialBroker::mfaSatisfied);

    QVERIFY(rig.advance(39 * 60));
    QCOMPARE(prompts.count(), 0);
    QVERIFY(rig.advance(60));
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.broker->status(u"base"_s).state, ProfileState::NeedsMfa);
    QCOMPARE(rig.broker->credentials(u"base"_s), session);
    QVERIFY(rig.advance(5 * 60 + 1, 1));
    QVERIFY(!rig.broker->credentials(u"base"_s));

    rig.broker->submitMfaCode(u"base"_s, validCode);
    QVERIFY(rig.settle());
    QCOMPARE(firstArguments(satisfied), QStringList{u"base"_s});
    QCOMPARE(rig.sts.count(getSessionToken), 2);
    QCOMPARE(rig.sts.count(assumeRole), 0);
    QCOMPARE(rig.broker->credentials(u"base"_s)->expiration, rig.clock.now().addSecs(3600));
}

void tst_CredentialBrokerMfa::logoutClearsMemoryAndStore()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QVERIFY(rig.activateWithCode(u"dev"_s));
    rig.broker->request(u"base"_s);
    QVERIFY(rig.settle());
    QVERIFY(rig.broker->credentials(u"base"_s));
    QVERIFY(rig.store.contains(sessionAccount));
    QSignalSpy changes(rig.broker.get(), &CredentialBroker::credentialsChanged);

    rig.broker->logout();
    QVERIFY(rig.settle());
    QVERIFY(!rig.store.contains(sessionAccount));
    QCOMPARE(rig.broker->activeProfile(), QString());
    for (const QString &name : {u"base"_s, u"dev"_s}) {
        QVERIFY(!rig.broker->credentials(name));
        const ProfileStatus status = rig.broker->status(name);
        QCOMPARE(status.state, ProfileState::Inactive);
        QVERIFY(!status.mfaSessionExpiration.isValid());
    }
    QCOMPARE(firstArguments(changes), (QStringList{u"base"_s, u"dev"_s}));
    QVERIFY(rig.advance(2 * 60 * 60));
    QCOMPARE(rig.sts.calls().size(), 2);

    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    QCOMPARE(prompts.count(), 1);
}

void tst_CredentialBrokerMfa::sessionFollowsTheKeyNotWhereItsSecretLives()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);
    QVERIFY(rig.activateWithCode(u"dev"_s));
    QCOMPARE(prompts.count(), 1);

    // The tray's "move the secret to the keychain": same key id, secret now in the key store.
    rig.store.insert(u"base"_s, encodeBaseKeys(AwsCredentials{baseKeyId, baseSecret, {}, {}}));
    QList<Profile> moved = teamProfiles();
    for (Profile &profile : moved) {
        profile.secretAccessKey.clear();
        profile.secretLocation = SecretLocation::KeyStore;
    }
    rig.broker->setProfiles(moved);
    QVERIFY(rig.activateWithCode(u"prod"_s));
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.sts.count(getSessionToken), 1);

    // Another key is another IAM user, possibly: its session must start afresh.
    QList<Profile> otherKey = moved;
    for (Profile &profile : otherKey)
        profile.accessKeyId = u"AKIAOTHERKEY00000001"_s;
    rig.broker->setProfiles(otherKey);
    rig.broker->setActiveProfile(u"test"_s);
    QVERIFY(rig.settle());
    QCOMPARE(prompts.count(), 2);
}

void tst_CredentialBrokerMfa::twelveHours()
{
    BrokerRig rig;
    rig.broker->setProfiles(teamProfiles());
    const QDateTime start = rig.clock.now();
    QVERIFY(rig.activateWithCode(u"dev"_s));
    QSignalSpy prompts(rig.broker.get(), &CredentialBroker::mfaRequired);

    for (int minute = 1; minute < 12 * 60; ++minute) {
        QVERIFY(rig.advance(60));
        QVERIFY2(rig.broker->credentials(u"dev"_s), qPrintable(u"minute %1"_s.arg(minute)));
    }
    // Refreshed at 20 minutes left of one-hour role credentials: every 40 minutes.
    QList<qint64> refreshMinutes;
    for (const FakeStsCall &call : rig.sts.calls()) {
        if (call.action == assumeRole)
            refreshMinutes << start.secsTo(call.at) / 60;
    }
    QList<qint64> expected;
    for (qint64 minute = 0; minute < 12 * 60 - 20; minute += 40)
        expected << minute;
    QCOMPARE(expected.size(), 18);
    QCOMPARE(refreshMinutes, expected);
    QCOMPARE(rig.sts.count(getSessionToken), 1);
    QCOMPARE(prompts.count(), 0);

    // 12:00: the role credentials are due and the 12-hour session is over.
    QVERIFY(rig.advance(60));
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(rig.sts.calls().size(), 19);
}

void tst_CredentialBrokerMfa::noSecretInLog()
{
    capturedLog.clear();
    QLoggingCategory::setFilterRules(u"imsa.*=true"_s);
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    const QString code = u"918273"_s;
    const QString wrongCode = u"555111"_s;
    {
        BrokerRig rig;
        rig.sts.setValidMfaCode(code);
        rig.broker->setProfiles(teamProfiles());
        rig.broker->setActiveProfile(u"dev"_s);
        QVERIFY(rig.settle());
        rig.broker->submitMfaCode(u"dev"_s, wrongCode);
        QVERIFY(rig.settle());
        rig.broker->submitMfaCode(u"dev"_s, code);
        QVERIFY(rig.settle());
        rig.sts.failNext(StsError{StsErrorCode::ServerError, u"InternalFailure"_s, u"oops"_s, 500});
        QVERIFY(rig.advance(2 * 60 * 60));
        rig.restart();
        rig.broker->setProfiles(teamProfiles());
        rig.broker->setActiveProfile(u"base"_s);
        QVERIFY(rig.settle());
        rig.broker->logout();
        QVERIFY(rig.settle());

        QStringList secrets = rig.sts.issuedSecrets();
        secrets << baseSecret << baseKeyId << code << wrongCode;
        QVERIFY(secrets.size() > 10);
        const QString log = capturedLog.join(QLatin1Char('\n'));
        for (const QString &secret : std::as_const(secrets))
            QVERIFY2(!log.contains(secret), qPrintable(u"leaked: "_s + secret.left(4)));
        // The log is there and useful: lifecycle with names and redacted key ids.
        QVERIFY(log.contains(u"imsa.broker: active profile: dev"_s));
        QVERIFY(log.contains(redactKeyId(baseKeyId)));
        QVERIFY(log.contains(u"restored the MFA session"_s));
    }
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
}

QTEST_GUILESS_MAIN(tst_CredentialBrokerMfa)
#include "tst_credentialbrokermfa.moc"
