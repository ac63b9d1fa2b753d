#include <algorithm>
#include <optional>

#include <QCoreApplication>
#include <QObject>
#include <QTest>

#include "fakes/memorykeystore.h"
#include "imsa/detail/mfasessionstore.h"
#include "imsa/sessioncodec.h"

using namespace imsa;
using namespace imsa::detail;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// The broker's MFA sessions without the broker: one identity per base keys + MFA device, its
// session in memory and in the key store, and key store answers that arrive too late.
class tst_MfaSessionStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void identityPerBaseKeysAndDevice();
    void readStored_data();
    void readStored();
    void lateReadIsIgnored_data();
    void lateReadIsIgnored();
    void staleReadKeepsASessionObtainedMeanwhile_data();
    void staleReadKeepsASessionObtainedMeanwhile();
    void setSessionEndsTheWait();
    void saveWritesTheSession();
    void failedSaveIsLoggedWithoutTheSecret();
    void dropSession();
    void reconcile_data();
    void reconcile();
    void forgetAllRemovesEveryStoredSession();
};

namespace {

const QString baseKeyId = u"AKIAIOSFODNN7EXAMPLE"_s;
const QString aliceSerial = u"arn:aws:iam::123456789012:mfa/alice"_s;
const QString aliceAccount = u"session:base|arn:aws:iam::123456789012:mfa/alice"_s;

Profile mfaProfile(const QString &name = u"base"_s, const QString &serial = aliceSerial)
{
    Profile profile;
    profile.name = name;
    profile.keyProfile = u"base"_s;
    profile.accessKeyId = baseKeyId;
    profile.secretAccessKey = u"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"_s;
    profile.mfaSerial = serial;
    return profile;
}

Profile roleOn(const Profile &base, const QString &name)
{
    Profile profile = base;
    profile.name = name;
    profile.roleArn = u"arn:aws:iam::123456789012:role/"_s + name;
    return profile;
}

AwsCredentials session(const QString &keyId = u"ASIASESSION000000001"_s)
{
    return AwsCredentials{keyId, u"sessionSecret"_s, u"sessionToken"_s,
                          QDateTime(QDate(2026, 11, 25), QTime(21, 0), Qt::UTC)};
}

struct Rig
{
    /// Runs the key store's queued operations, and whatever they start. Bounded.
    [[nodiscard]] bool settle()
    {
        for (int round = 0; round < 100; ++round) {
            if (keyStore.queuedCount() == 0)
                return true;
            QCoreApplication::processEvents();
        }
        return false;
    }

    QStringList removals() const
    {
        QStringList removed = keyStore.operations().filter(u"remove "_s);
        std::sort(removed.begin(), removed.end());
        return removed;
    }

    MemoryKeyStore keyStore;
    QObject context;
    MfaSessionStore sessions{keyStore, &context};
};

} // namespace

void tst_MfaSessionStore::identityPerBaseKeysAndDevice()
{
    Rig rig;
    Profile noMfa = mfaProfile(u"plain"_s);
    noMfa.mfaSerial.clear();
    QVERIFY(!rig.sessions.find(noMfa));
    QVERIFY(!rig.sessions.find(mfaProfile()));

    MfaSessionStore::Identity &base = rig.sessions.identityOf(mfaProfile());
    QCOMPARE(base.keyFingerprint, baseKeyId);
    QCOMPARE(base.stored, MfaSessionStore::Identity::StoredSession::Unread);
    QVERIFY(!base.session);
    QVERIFY(base.generation != 0);
    QCOMPARE(&rig.sessions.identityOf(roleOn(mfaProfile(), u"dev"_s)), &base);
    QCOMPARE(rig.sessions.find(roleOn(mfaProfile(), u"prod"_s)), &base);
    QCOMPARE(rig.sessions.find(u"base|"_s + aliceSerial, base.generation), &base);

    const MfaSessionStore::Identity &bob =
            rig.sessions.identityOf(mfaProfile(u"bob"_s, u"arn:aws:iam::123456789012:mfa/bob"_s));
    QVERIFY(bob.generation != base.generation);
    QCOMPARE(rig.sessions.identities().keys().size(), 2);
    QCOMPARE(rig.keyStore.operations(), QStringList());
}

void tst_MfaSessionStore::readStored_data()
{
    QTest::addColumn<QByteArray>("entry");
    QTest::addColumn<QString>("failure");
    QTest::addColumn<bool>("restored");
    QTest::addColumn<bool>("entryRemoved");

    QTest::addRow("no entry: nothing to restore") << QByteArray() << QString() << false << false;
    QTest::addRow("a stored session is handed over")
            << encodeSessionCredentials(session()) << QString() << true << false;
    QTest::addRow("an unreadable entry is removed")
            << R"({"AccessKeyId":"ASIASESSION000000001"})"_ba << QString() << false << true;
    QTest::addRow("a failed read restores nothing and keeps the entry")
            << encodeSessionCredentials(session()) << u"the keyring is locked"_s << false << false;
}

void tst_MfaSessionStore::readStored()
{
    QFETCH(QByteArray, entry);
    QFETCH(QString, failure);
    QFETCH(bool, restored);
    QFETCH(bool, entryRemoved);

    Rig rig;
    if (!entry.isEmpty())
        rig.keyStore.insert(aliceAccount, entry);
    rig.keyStore.setFailure(failure);
    if (!failure.isEmpty())
        QTest::ignoreMessage(QtWarningMsg,
                             qPrintable(u"could not read the stored MFA session of base|"_s
                                        + aliceSerial + u": the keyring is locked"_s));
    if (entryRemoved)
        QTest::ignoreMessage(QtWarningMsg,
                             qPrintable(u"stored MFA session of base|"_s + aliceSerial
                                        + u" is unreadable (SecretAccessKey is missing); "
                                          "removed"_s));
    int answers = 0;
    std::optional<AwsCredentials> answer;
    rig.sessions.readStored(roleOn(mfaProfile(), u"dev"_s),
                            [&](const std::optional<AwsCredentials> &stored) {
                                ++answers;
                                answer = stored;
                            });
    const MfaSessionStore::Identity &identity = *rig.sessions.find(mfaProfile());
    QCOMPARE(identity.stored, MfaSessionStore::Identity::StoredSession::Reading);
    QCOMPARE(answers, 0);

    QVERIFY(rig.settle());
    QCOMPARE(answers, 1);
    QCOMPARE(answer.has_value(), restored);
    if (restored)
        QCOMPARE(*answer, session());
    QCOMPARE(identity.stored, MfaSessionStore::Identity::StoredSession::Read);
    // Whether the session is still worth using is the broker's call: memory stays as it was.
    QVERIFY(!identity.session);
    QCOMPARE(rig.keyStore.contains(aliceAccount), !entry.isEmpty() && !entryRemoved);
    QCOMPARE(rig.removals(),
             entryRemoved ? QStringList{u"remove "_s + aliceAccount} : QStringList());
}

void tst_MfaSessionStore::lateReadIsIgnored_data()
{
    QTest::addColumn<QString>("change");

    QTest::addRow("after a logout") << u"logout"_s;
    QTest::addRow("after the profiles lost the identity") << u"unused"_s;
    QTest::addRow("after new base keys made the identity anew") << u"new keys"_s;
}

void tst_MfaSessionStore::lateReadIsIgnored()
{
    QFETCH(QString, change);

    Rig rig;
    rig.keyStore.insert(aliceAccount, encodeSessionCredentials(session()));
    rig.keyStore.setHolding(true);
    int answers = 0;
    rig.sessions.readStored(mfaProfile(), [&answers](const std::optional<AwsCredentials> &) {
        ++answers;
    });
    const quint64 readFor = rig.sessions.find(mfaProfile())->generation;

    Profile newKeys = mfaProfile();
    newKeys.accessKeyId = u"AKIAOTHERKEY00000001"_s;
    if (change == u"logout"_s)
        rig.sessions.forgetAll({});
    else if (change == u"unused"_s)
        rig.sessions.reconcile({});
    else
        rig.sessions.reconcile({newKeys});
    QVERIFY(!rig.sessions.find(u"base|"_s + aliceSerial, readFor));
    const MfaSessionStore::Identity &made = rig.sessions.identityOf(newKeys);
    QVERIFY(made.generation != readFor);

    rig.keyStore.release();
    QVERIFY(rig.settle());
    QCOMPARE(answers, 0);
    QCOMPARE(made.stored, MfaSessionStore::Identity::StoredSession::Unread);
    QVERIFY(!made.session);
}

void tst_MfaSessionStore::staleReadKeepsASessionObtainedMeanwhile_data()
{
    QTest::addColumn<QByteArray>("entry");

    QTest::addRow("an unreadable entry") << R"({"AccessKeyId":"ASIASESSION000000001"})"_ba;
    QTest::addRow("an older session") << encodeSessionCredentials(session());
}

void tst_MfaSessionStore::staleReadKeepsASessionObtainedMeanwhile()
{
    QFETCH(QByteArray, entry);

    // The app starts reading the stored session; before the keyring answers, the user types
    // a code and the new session is saved. The read answers with the old entry.
    Rig rig;
    rig.keyStore.insert(aliceAccount, entry);
    rig.keyStore.setHolding(true);
    int answers = 0;
    std::optional<AwsCredentials> answer;
    rig.sessions.readStored(mfaProfile(), [&](const std::optional<AwsCredentials> &stored) {
        ++answers;
        answer = stored;
    });
    const AwsCredentials fresh = session(u"ASIASESSION000000002"_s);
    rig.sessions.setSession(u"base|"_s + aliceSerial, fresh);
    rig.sessions.save(u"base|"_s + aliceSerial, fresh);

    rig.keyStore.release();
    QVERIFY(rig.settle());
    QCOMPARE(answers, 1);
    QVERIFY(!answer);
    QCOMPARE(rig.removals(), QStringList());
    QCOMPARE(rig.keyStore.value(aliceAccount), encodeSessionCredentials(fresh));
    QCOMPARE(rig.sessions.find(mfaProfile())->session->accessKeyId, fresh.accessKeyId);
}

void tst_MfaSessionStore::setSessionEndsTheWait()
{
    Rig rig;
    MfaSessionStore::Identity &identity = rig.sessions.identityOf(mfaProfile());
    identity.waiting = {u"dev"_s, u"prod"_s};

    QCOMPARE(rig.sessions.setSession(u"base|"_s + aliceSerial, session()),
             (QStringList{u"dev"_s, u"prod"_s}));
    QVERIFY(identity.session);
    QCOMPARE(*identity.session, session());
    QVERIFY(identity.waiting.isEmpty());
    // The key store holds nothing newer: a session in hand means it is not read any more.
    QCOMPARE(identity.stored, MfaSessionStore::Identity::StoredSession::Read);
    QCOMPARE(rig.sessions.setSession(u"base|"_s + aliceSerial, session(u"ASIASESSION000000002"_s)),
             QStringList());
    QCOMPARE(identity.session->accessKeyId, u"ASIASESSION000000002"_s);
    QCOMPARE(rig.keyStore.operations(), QStringList());
}

void tst_MfaSessionStore::saveWritesTheSession()
{
    Rig rig;
    rig.sessions.save(u"base|"_s + aliceSerial, session());
    QVERIFY(rig.settle());
    QCOMPARE(rig.keyStore.operations(), QStringList{u"write "_s + aliceAccount});
    const auto stored = decodeSessionCredentials(rig.keyStore.value(aliceAccount));
    QVERIFY(stored.ok());
    QCOMPARE(stored.value(), session());
}

void tst_MfaSessionStore::failedSaveIsLoggedWithoutTheSecret()
{
    Rig rig;
    rig.keyStore.setFailure(u"the keyring is locked"_s);
    QTest::ignoreMessage(QtWarningMsg,
                         qPrintable(u"could not store the MFA session of base|"_s + aliceSerial
                                    + u": the keyring is locked"_s));
    rig.sessions.save(u"base|"_s + aliceSerial, session());
    QVERIFY(rig.settle());
    QVERIFY(!rig.keyStore.contains(aliceAccount));
}

void tst_MfaSessionStore::dropSession()
{
    Rig rig;
    rig.keyStore.insert(aliceAccount, encodeSessionCredentials(session()));
    MfaSessionStore::Identity &identity = rig.sessions.identityOf(mfaProfile());
    const quint64 generation = identity.generation;
    QVERIFY(rig.sessions.setSession(u"base|"_s + aliceSerial, session()).isEmpty());
    identity.waiting = {u"dev"_s};

    QVERIFY(rig.sessions.dropSession(u"base|"_s + aliceSerial));
    QVERIFY(!identity.session);
    // The identity stays, and with it the profiles waiting for a code.
    QCOMPARE(rig.sessions.find(u"base|"_s + aliceSerial, generation), &identity);
    QCOMPARE(identity.waiting, QStringList{u"dev"_s});
    QVERIFY(rig.settle());
    QVERIFY(!rig.keyStore.contains(aliceAccount));

    QVERIFY(!rig.sessions.dropSession(u"base|arn:aws:iam::123456789012:mfa/bob"_s));
    QVERIFY(rig.settle());
    QCOMPARE(rig.removals(), QStringList{u"remove "_s + aliceAccount});
}

void tst_MfaSessionStore::reconcile_data()
{
    QTest::addColumn<QList<Profile>>("profiles");
    QTest::addColumn<bool>("kept");
    QTest::addColumn<bool>("storedRemoved");
    QTest::addColumn<QStringList>("waiting");

    const Profile base = mfaProfile();
    QTest::addRow("unchanged profiles keep the session and its waiting profiles")
            << QList<Profile>{base, roleOn(base, u"dev"_s), roleOn(base, u"prod"_s)} << true
            << false << QStringList{u"dev"_s, u"prod"_s};
    QTest::addRow("a removed profile no longer waits")
            << QList<Profile>{base, roleOn(base, u"dev"_s)} << true << false
            << QStringList{u"dev"_s};
    Profile moved = base;
    moved.secretAccessKey.clear();
    moved.secretLocation = SecretLocation::KeyStore;
    QTest::addRow("a secret moved into the key store keeps the session")
            << QList<Profile>{moved, roleOn(moved, u"dev"_s), roleOn(moved, u"prod"_s)} << true
            << false << QStringList{u"dev"_s, u"prod"_s};
    Profile otherKey = base;
    otherKey.accessKeyId = u"AKIAOTHERKEY00000001"_s;
    QTest::addRow("another key id forgets the session, also in the key store")
            << QList<Profile>{otherKey, roleOn(otherKey, u"dev"_s)} << false << true
            << QStringList();
    Profile noMfa = base;
    noMfa.mfaSerial.clear();
    QTest::addRow("an identity no profile uses is forgotten, its stored session kept")
            << QList<Profile>{noMfa, roleOn(noMfa, u"dev"_s)} << false << false << QStringList();
}

void tst_MfaSessionStore::reconcile()
{
    QFETCH(QList<Profile>, profiles);
    QFETCH(bool, kept);
    QFETCH(bool, storedRemoved);
    QFETCH(QStringList, waiting);

    Rig rig;
    rig.keyStore.insert(aliceAccount, encodeSessionCredentials(session()));
    MfaSessionStore::Identity &identity = rig.sessions.identityOf(mfaProfile());
    const quint64 generation = identity.generation;
    QVERIFY(rig.sessions.setSession(u"base|"_s + aliceSerial, session()).isEmpty());
    identity.waiting = {u"dev"_s, u"prod"_s};

    rig.sessions.reconcile(profiles);
    QVERIFY(rig.settle());
    MfaSessionStore::Identity *after = rig.sessions.find(u"base|"_s + aliceSerial, generation);
    QCOMPARE(after != nullptr, kept);
    QCOMPARE(rig.sessions.identities().size(), kept ? 1 : 0);
    if (after) {
        QVERIFY(after->session);
        QCOMPARE(*after->session, session());
        QCOMPARE(after->waiting, waiting);
    }
    QCOMPARE(rig.keyStore.contains(aliceAccount), !storedRemoved);
    QCOMPARE(rig.removals(),
             storedRemoved ? QStringList{u"remove "_s + aliceAccount} : QStringList());
}

void tst_MfaSessionStore::forgetAllRemovesEveryStoredSession()
{
    Rig rig;
    const Profile bob = mfaProfile(u"bob"_s, u"arn:aws:iam::123456789012:mfa/bob"_s);
    const Profile carol = mfaProfile(u"carol"_s, u"arn:aws:iam::123456789012:mfa/carol"_s);
    Profile noMfa = mfaProfile(u"plain"_s);
    noMfa.mfaSerial.clear();
    rig.sessions.identityOf(mfaProfile());
    rig.sessions.identityOf(bob);

    // carol's identity was never made in this run, yet an earlier one may have stored a session.
    rig.sessions.forgetAll({mfaProfile(), roleOn(mfaProfile(), u"dev"_s), carol, noMfa});
    QVERIFY(rig.sessions.identities().isEmpty());
    QVERIFY(!rig.sessions.find(mfaProfile()));
    QVERIFY(rig.settle());
    QCOMPARE(rig.removals(),
             (QStringList{u"remove "_s + aliceAccount,
                          u"remove session:base|arn:aws:iam::123456789012:mfa/bob"_s,
                          u"remove session:base|arn:aws:iam::123456789012:mfa/carol"_s}));
}

QTEST_GUILESS_MAIN(tst_MfaSessionStore)
#include "tst_mfasessionstore.moc"
