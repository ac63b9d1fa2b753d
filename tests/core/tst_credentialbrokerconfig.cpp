#include <QSignalSpy>
#include <QTest>

#include "brokerrig.h"
#include "imsa/sessioncodec.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// Where the broker's inputs come from: base keys in the key store, profile changes, the STS
// endpoint of each call.
class tst_CredentialBrokerConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void keysFromKeyStore_data();
    void keysFromKeyStore();
    void keyStoreReadIsSharedAndNeverBlocks();
    void setProfiles_data();
    void setProfiles();
    void removedActiveProfileBecomesInactive();
    void endpointPerCall_data();
    void endpointPerCall();

private:
    static constexpr QLatin1StringView assumeRole{"AssumeRole"};
};

void tst_CredentialBrokerConfig::keysFromKeyStore_data()
{
    QTest::addColumn<QByteArray>("stored");
    QTest::addColumn<QString>("storeFailure");
    QTest::addColumn<QString>("usedKeyId");
    QTest::addColumn<StsErrorCode>("errorCode");
    QTest::addColumn<QString>("message");

    QTest::addRow("the stored key id wins over the file's")
            << R"({"AccessKeyId":"AKIASTOREDKEY0000001","SecretAccessKey":"storedSecret"})"_ba
            << QString() << u"AKIASTOREDKEY0000001"_s << StsErrorCode::Other << QString();
    QTest::addRow("key id from the file, secret from the store")
            << R"({"SecretAccessKey":"storedSecret"})"_ba << QString() << u"AKIAFILEKEYID0000001"_s
            << StsErrorCode::Other << QString();
    QTest::addRow("no entry: fails and says what to do")
            << QByteArray() << QString() << QString() << StsErrorCode::InvalidKeys
            << u"no secret key for profile 'base' in the key store (memory); store it for "
               "profile 'base' in the tray's \"Profiles and keys\" window, or put "
               "aws_secret_access_key in the profile's file"_s;
    QTest::addRow("entry without a secret")
            << R"({"AccessKeyId":"AKIASTOREDKEY0000001"})"_ba << QString() << QString()
            << StsErrorCode::InvalidKeys
            << u"the key store entry of profile 'base' is unusable: SecretAccessKey is missing; "
               "store it for profile 'base' in the tray's \"Profiles and keys\" window, or put "
               "aws_secret_access_key in the profile's file"_s;
    QTest::addRow("entry that is not JSON, content not repeated")
            << "storedSecret"_ba << QString() << QString() << StsErrorCode::InvalidKeys
            << u"the key store entry of profile 'base' is unusable: not valid JSON"_s;
    QTest::addRow("locked key store")
            << QByteArray() << u"the keyring is locked"_s << QString() << StsErrorCode::Other
            << u"could not read the secret key of profile 'base' from the key store (memory): "
               "the keyring is locked"_s;
}

void tst_CredentialBrokerConfig::keysFromKeyStore()
{
    QFETCH(QByteArray, stored);
    QFETCH(QString, storeFailure);
    QFETCH(QString, usedKeyId);
    QFETCH(StsErrorCode, errorCode);
    QFETCH(QString, message);

    BrokerRig rig;
    Profile profile = directRole();
    profile.accessKeyId = u"AKIAFILEKEYID0000001"_s;
    profile.secretAccessKey.clear();
    profile.secretLocation = SecretLocation::KeyStore;
    if (!stored.isEmpty())
        rig.store.insert(u"base"_s, stored);
    rig.store.setFailure(storeFailure);
    rig.broker->setProfiles({profile});
    QVERIFY(rig.activateWithCode(u"direct"_s));

    QCOMPARE(rig.store.operations(), QStringList{u"read base"_s});
    const ProfileStatus status = rig.broker->status(u"direct"_s);
    if (!usedKeyId.isEmpty()) {
        QCOMPARE(rig.sts.calls().size(), 1);
        QCOMPARE(rig.sts.calls().constFirst().accessKeyId, usedKeyId);
        QCOMPARE(status.state, ProfileState::Ready);
        return;
    }
    QCOMPARE(rig.sts.calls().size(), 0);
    QCOMPARE(status.state, ProfileState::Failed);
    QVERIFY(status.lastError);
    QCOMPARE(status.lastError->code, errorCode);
    QVERIFY2(status.lastError->message.startsWith(message), qPrintable(status.lastError->message));
    QVERIFY(!status.lastError->message.contains(u"storedSecret"_s));
}

void tst_CredentialBrokerConfig::keyStoreReadIsSharedAndNeverBlocks()
{
    BrokerRig rig;
    QList<Profile> profiles;
    for (const QString &name : {u"one"_s, u"two"_s, u"three"_s}) {
        Profile profile = directRole(name, name);
        profile.secretAccessKey.clear();
        profile.secretLocation = SecretLocation::KeyStore;
        profiles << profile;
    }
    rig.store.insert(u"base"_s, encodeBaseKeys(AwsCredentials{baseKeyId, baseSecret, {}, {}}));
    rig.store.setHolding(true);
    rig.broker->setProfiles(profiles);
    rig.broker->setActiveProfile(u"one"_s);
    rig.broker->request(u"two"_s);
    rig.broker->request(u"three"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.store.heldCount(), 1);
    QCOMPARE(rig.broker->status(u"two"_s).state, ProfileState::Fetching);
    QVERIFY(!rig.broker->credentials(u"two"_s));

    rig.store.release();
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.count(assumeRole), 3);
    QCOMPARE(rig.sts.calls().constLast().accessKeyId, baseKeyId);
    const auto first = rig.broker->credentials(u"one"_s);
    QVERIFY(first);

    // A reload drops cached keys: the next renewal reads the store again, and while the
    // store is slow the old credentials are still served.
    rig.broker->setProfiles(profiles);
    rig.broker->renew(u"one"_s);
    QVERIFY(rig.settle());
    QCOMPARE(rig.store.heldCount(), 1);
    QCOMPARE(rig.broker->credentials(u"one"_s), first);
    QCOMPARE(rig.broker->status(u"one"_s).state, ProfileState::Ready);
    rig.store.setHolding(false);
    rig.store.release();
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.count(assumeRole), 4);
    QVERIFY(rig.broker->credentials(u"one"_s) != first);
}

void tst_CredentialBrokerConfig::setProfiles_data()
{
    QTest::addColumn<Profile>("changed");
    QTest::addColumn<bool>("kept");

    Profile profile = directRole();
    profile.region = u"eu-central-1"_s;
    QTest::addRow("region changed: credentials kept") << profile << true;
    profile = directRole();
    profile.roleDurationSeconds = 7200;
    QTest::addRow("duration changed: credentials kept") << profile << true;
    profile = directRole();
    profile.roleArn = u"arn:aws:iam::123456789012:role/ReadOnly"_s;
    QTest::addRow("role ARN changed: dropped and fetched again") << profile << false;
    profile = directRole();
    profile.accessKeyId = u"AKIAOTHERKEY00000001"_s;
    QTest::addRow("base key changed: dropped and fetched again") << profile << false;
    profile = directRole();
    profile.externalId = u"partner-42"_s;
    QTest::addRow("external id changed: dropped and fetched again") << profile << false;
}

void tst_CredentialBrokerConfig::setProfiles()
{
    QFETCH(Profile, changed);
    QFETCH(bool, kept);

    BrokerRig rig;
    rig.broker->setProfiles({directRole()});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    const auto first = rig.broker->credentials(u"direct"_s);
    QVERIFY(first);
    QSignalSpy changes(rig.broker.get(), &CredentialBroker::credentialsChanged);

    rig.broker->setProfiles({changed});
    QCOMPARE(rig.broker->profiles(), QList<Profile>{changed});
    QCOMPARE(rig.broker->activeProfile(), u"direct"_s);
    QCOMPARE(rig.broker->credentials(u"direct"_s).has_value(), kept);
    QCOMPARE(changes.count(), kept ? 0 : 1);
    QVERIFY(rig.settle());
    QCOMPARE(rig.sts.count(assumeRole), kept ? 1 : 2);
    const FakeStsCall last = rig.sts.calls().constLast();
    QCOMPARE(last.roleArn, kept ? directRole().roleArn : changed.roleArn);
    QCOMPARE(last.accessKeyId, kept ? baseKeyId : changed.accessKeyId);
    QCOMPARE(rig.broker->credentials(u"direct"_s) == first, kept);
}

void tst_CredentialBrokerConfig::removedActiveProfileBecomesInactive()
{
    BrokerRig rig;
    rig.broker->setProfiles({directRole(), directRole(u"other"_s, u"Other"_s)});
    QVERIFY(rig.activateWithCode(u"direct"_s));
    QSignalSpy changes(rig.broker.get(), &CredentialBroker::credentialsChanged);
    QSignalSpy statuses(rig.broker.get(), &CredentialBroker::statusChanged);

    rig.broker->setProfiles({directRole(u"other"_s, u"Other"_s)});
    QVERIFY(rig.settle());
    QCOMPARE(rig.broker->activeProfile(), QString());
    QVERIFY(!rig.broker->credentials(u"direct"_s));
    QCOMPARE(rig.broker->status(u"direct"_s).state, ProfileState::Inactive);
    QCOMPARE(changes.count(), 1);
    QCOMPARE(changes.at(0).at(0).toString(), u"direct"_s);
    QCOMPARE(statuses.count(), 1);
    QCOMPARE(statuses.at(0).at(0).toString(), u"direct"_s);
    QCOMPARE(rig.sts.calls().size(), 1);
    QCOMPARE(rig.broker->nextWakeUp(), QDateTime());
}

void tst_CredentialBrokerConfig::endpointPerCall_data()
{
    QTest::addColumn<QString>("stsEndpoint");
    QTest::addColumn<QString>("environmentUrl");
    QTest::addColumn<QUrl>("url");

    QTest::addRow("the profile's sts_endpoint comes first")
            << u"http://127.0.0.1:4566/"_s << u"http://127.0.0.1:9999/"_s
            << QUrl(u"http://127.0.0.1:4566/"_s);
    QTest::addRow("then AWS_ENDPOINT_URL_STS from the broker's environment")
            << QString() << u"http://127.0.0.1:9999/"_s << QUrl(u"http://127.0.0.1:9999/"_s);
    QTest::addRow("else the regional endpoint of the profile's region")
            << QString() << QString() << QUrl(u"https://sts.eu-west-1.amazonaws.com"_s);
}

void tst_CredentialBrokerConfig::endpointPerCall()
{
    QFETCH(QString, stsEndpoint);
    QFETCH(QString, environmentUrl);
    QFETCH(QUrl, url);

    BrokerRig rig;
    QProcessEnvironment environment;
    if (!environmentUrl.isEmpty())
        environment.insert(u"AWS_ENDPOINT_URL_STS"_s, environmentUrl);
    rig.broker->setEnvironment(environment);
    Profile profile = roleProfile(baseProfile(), u"dev"_s, u"Dev"_s);
    profile.stsEndpoint = stsEndpoint;
    rig.broker->setProfiles({profile});
    QVERIFY(rig.activateWithCode(u"dev"_s));

    QCOMPARE(rig.sts.calls().size(), 2);
    for (const FakeStsCall &call : rig.sts.calls()) {
        QCOMPARE(call.endpoint.url, url);
        QCOMPARE(call.endpoint.signingRegion, u"eu-west-1"_s);
    }
}

QTEST_GUILESS_MAIN(tst_CredentialBrokerConfig)
#include "tst_credentialbrokerconfig.moc"
