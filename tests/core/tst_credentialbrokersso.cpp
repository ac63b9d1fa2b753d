#include <QSignalSpy>
#include <QTest>

#include "brokerrig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// IAM Identity Center profiles in the broker: role credentials from the SSO source, chaining on
// them, and what happens without a sign-in. The source itself (tokens, portal) is tested in
// tst_ssorolecredentials.
class tst_CredentialBrokerSso : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void servesRoleCredentialsWithoutSts();
    void chainsARoleOnSsoCredentials();
    void waitsForSignInWithoutRetrying();
    void signInOfAnotherSessionChangesNothing();
    void renewsBeforeExpiry();
    void endedSignInServesUntilExpiryOnly();
    void transientFailureIsRetried();
    void changedSsoSettingsDropCredentials();
};

namespace {

const QString sessionName = u"my-sso"_s;

Profile ssoProfile(const QString &name = u"dev"_s, const QString &role = u"Developer"_s)
{
    Profile profile;
    profile.name = name;
    profile.keyProfile = name;
    profile.region = u"eu-west-1"_s;
    profile.sso.sessionName = sessionName;
    profile.sso.startUrl = u"https://example.awsapps.com/start"_s;
    profile.sso.region = u"eu-west-1"_s;
    profile.sso.accountId = u"111122223333"_s;
    profile.sso.roleName = role;
    return profile;
}

} // namespace

void tst_CredentialBrokerSso::servesRoleCredentialsWithoutSts()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());

    QCOMPARE(rig.sso.calls().size(), 1);
    QCOMPARE(rig.sso.calls().constFirst(), ssoProfile().sso);
    QVERIFY(rig.sts.calls().isEmpty());
    const auto credentials = rig.broker->credentials(u"dev"_s);
    QVERIFY(credentials);
    QVERIFY(credentials->accessKeyId.startsWith(u"ASIASSO"_s));
    QCOMPARE(credentials->expiration, rig.clock.now().addSecs(3600));
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::Ready);
}

void tst_CredentialBrokerSso::chainsARoleOnSsoCredentials()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    Profile chained = ssoProfile(u"prod-admin"_s);
    chained.roleArn = u"arn:aws:iam::444455556666:role/Admin"_s;
    chained.roleDurationSeconds = 4 * 3600;
    rig.broker->setProfiles({chained});
    rig.broker->setActiveProfile(u"prod-admin"_s);
    QVERIFY(rig.settle());

    QCOMPARE(rig.sso.calls().size(), 1);
    QCOMPARE(rig.sts.calls().size(), 1);
    const FakeStsCall call = rig.sts.calls().constFirst();
    QCOMPARE(call.action, u"AssumeRole"_s);
    QCOMPARE(call.roleArn, chained.roleArn);
    QVERIFY(call.signedWithSession);
    QVERIFY(call.accessKeyId.startsWith(u"ASIASSO"_s));
    // Role chaining: AWS allows one hour whatever the profile asks.
    QCOMPARE(call.durationSeconds, CredentialBroker::chainedRoleMaxSeconds);
    QCOMPARE(rig.broker->status(u"prod-admin"_s).state, ProfileState::Ready);
}

void tst_CredentialBrokerSso::waitsForSignInWithoutRetrying()
{
    BrokerRig rig;
    rig.broker->setProfiles({ssoProfile()});
    QSignalSpy failed(rig.broker.get(), &CredentialBroker::refreshFailed);
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());

    ProfileStatus status = rig.broker->status(u"dev"_s);
    QCOMPARE(status.state, ProfileState::Failed);
    QVERIFY(status.lastError);
    QCOMPARE(status.lastError->code, StsErrorCode::SignInNeeded);
    QCOMPARE(failed.size(), 1);
    // Only a person can sign in: asking the portal again would only fail again.
    QVERIFY(rig.advance(3 * 3600));
    QCOMPARE(rig.sso.calls().size(), 1);

    rig.sso.signIn(sessionName);
    rig.broker->ssoSignedIn(sessionName);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sso.calls().size(), 2);
    status = rig.broker->status(u"dev"_s);
    QCOMPARE(status.state, ProfileState::Ready);
    QVERIFY(!status.lastError);
}

void tst_CredentialBrokerSso::signInOfAnotherSessionChangesNothing()
{
    BrokerRig rig;
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    rig.sso.signIn(u"other-session"_s);
    rig.broker->ssoSignedIn(u"other-session"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sso.calls().size(), 1);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::Failed);
}

void tst_CredentialBrokerSso::renewsBeforeExpiry()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    const QDateTime firstExpiry = rig.broker->credentials(u"dev"_s)->expiration;

    // A day of one-hour credentials, looked at every minute: never a minute without.
    for (int minute = 0; minute < 24 * 60; ++minute) {
        QVERIFY(rig.advance(60));
        QVERIFY2(rig.broker->credentials(u"dev"_s),
                 qPrintable(u"nothing served at minute %1"_s.arg(minute)));
    }
    QVERIFY(rig.broker->credentials(u"dev"_s)->expiration > firstExpiry);
    // Renewed at 20 minutes before expiry, so every 40 minutes: 36 renewals a day, plus the first.
    QCOMPARE(rig.sso.calls().size(), 24 * 60 / 40 + 1);
}

void tst_CredentialBrokerSso::endedSignInServesUntilExpiryOnly()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    const QDateTime expiry = rig.broker->credentials(u"dev"_s)->expiration;
    rig.sso.signOut(sessionName);

    QVERIFY(rig.advance(40 * 60 + 1, 1)); // the renewal fails: sign-in needed
    QCOMPARE(rig.broker->status(u"dev"_s).lastError->code, StsErrorCode::SignInNeeded);
    QVERIFY(rig.broker->credentials(u"dev"_s)); // still good for 20 minutes: served
    QVERIFY(rig.advance(qint64(5 * 60) - 2, 1));
    QVERIFY(rig.broker->credentials(u"dev"_s));
    QVERIFY(rig.advance(2, 1));
    QVERIFY(!rig.broker->credentials(u"dev"_s)); // under 15 minutes left: never served
    QVERIFY(rig.clock.now() < expiry);
    QCOMPARE(rig.broker->status(u"dev"_s).state, ProfileState::Failed);
}

void tst_CredentialBrokerSso::transientFailureIsRetried()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    rig.sso.failNext(StsError{StsErrorCode::ServerError, u"InternalServerException"_s,
                              u"portal failing"_s, 500});
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    QVERIFY(!rig.broker->credentials(u"dev"_s));
    QVERIFY(rig.advance(CredentialBroker::firstRetrySeconds, 1));
    QCOMPARE(rig.sso.calls().size(), 2);
    QVERIFY(rig.broker->credentials(u"dev"_s));
}

void tst_CredentialBrokerSso::changedSsoSettingsDropCredentials()
{
    BrokerRig rig;
    rig.sso.signIn(sessionName);
    rig.broker->setProfiles({ssoProfile()});
    rig.broker->setActiveProfile(u"dev"_s);
    QVERIFY(rig.settle());
    const QString first = rig.broker->credentials(u"dev"_s)->accessKeyId;

    rig.broker->setProfiles({ssoProfile(u"dev"_s, u"ReadOnly"_s)});
    QVERIFY(rig.settle());
    QCOMPARE(rig.sso.calls().size(), 2);
    QCOMPARE(rig.sso.calls().constLast().roleName, u"ReadOnly"_s);
    QVERIFY(rig.broker->credentials(u"dev"_s)->accessKeyId != first);
}

QTEST_GUILESS_MAIN(tst_CredentialBrokerSso)
#include "tst_credentialbrokersso.moc"
