#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "fakes/keystorecalls.h"
#include "imsa/profileloader.h"
#include "imsa/sessioncodec.h"
#include "service/keymanager.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::test;

// The keys window's work without the window: a move of a secret from ~/.imsa into the key
// store finishes on the profile it started with, and whatever fails on the way (the key store,
// its read-back, the file) the secret stays in the file.
namespace {

const QString otherKeyId = QStringLiteral("AKIAI44QH8DHBEXAMPLE");
const QString otherSecret = QStringLiteral("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY");
const QByteArray alphaSecretLine =
        "  aws_secret_access_key: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n";
const QByteArray baseSecretLine =
        "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// Two base profiles with their secrets in the file, and a role that uses base's keys.
const QByteArray twoSecrets = "# my keys\n"
                              "alpha:\n"
                              "  aws_access_key_id: AKIAI44QH8DHBEXAMPLE\n"
        + alphaSecretLine
        + "base:\n"
          "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
        + baseSecretLine
        + "  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice\n"
          "prod:\n"
          "  extends: base\n"
          "  role_arn: arn:aws:iam::123456789012:role/Admin\n";

QByteArray without(QByteArray text, const QByteArray &line)
{
    return text.replace(line, "");
}

/// A key store that takes every write but may not give it back: a failing read, no entry or
/// other bytes, as a keychain that lost or mangled the entry would.
class ForgetfulKeyStore final : public KeyStore
{
public:
    enum class ReadBack {
        Same,
        Fails,
        Nothing,
        Different
    };

    void read(const QString &account, QObject *context, ReadDone done) override
    {
        memory.read(account, context, [this, done](ReadResult result) {
            switch (readBack) {
            case ReadBack::Same:
                break;
            case ReadBack::Fails:
                result = Failure{QStringLiteral("the collection is locked")};
                break;
            case ReadBack::Nothing:
                result = std::optional<QByteArray>();
                break;
            case ReadBack::Different:
                result = std::optional<QByteArray>(QByteArrayLiteral("{}"));
                break;
            }
            done(result);
        });
    }

    void write(const QString &account, const QByteArray &secret, QObject *context,
               WriteDone done) override
    {
        memory.write(account, secret, context, std::move(done));
    }

    void remove(const QString &account, QObject *context, WriteDone done) override
    {
        memory.remove(account, context, std::move(done));
    }

    QString description() const override { return memory.description(); }

    MemoryKeyStore memory;
    ReadBack readBack = ReadBack::Same;
};

class ManagerRig
{
public:
    explicit ManagerRig(const QByteArray &imsaFile)
    {
        if (!m_dir.isValid())
            qFatal("no temporary directory");
        file = m_dir.filePath(QStringLiteral(".imsa"));
        write(imsaFile);
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
    }

    Profile profile(const QString &name) const
    {
        const ProfileSet set = parseImsaYaml(imsaFile(), file);
        if (const Profile *found = set.find(name))
            return *found;
        qFatal("no such profile");
    }

    void write(const QByteArray &content) const
    {
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly | QIODevice::Truncate)
            || out.write(content) != content.size())
            qFatal("cannot write the sample file");
    }

    QByteArray read(const QString &path) const
    {
        QFile in(path);
        return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
    }

    QByteArray imsaFile() const { return read(file); }

    QString backup() const { return file + QStringLiteral(".bak"); }

    /// The result of the job under way, once it ends.
    [[nodiscard]] std::optional<KeyResult> waitForResult()
    {
        if (results.isEmpty() && !results.wait(5000))
            return std::nullopt;
        return results.takeFirst().first().value<KeyResult>();
    }

    /// The base keys stored under `account`, as the broker would read them.
    AwsCredentials stored(const QString &account) const
    {
        const auto keys = decodeBaseKeys(store.memory.value(account));
        return keys ? keys.value() : AwsCredentials();
    }

    FakeClock clock;
    FakeSts sts{clock};
    ForgetfulKeyStore store;
    CredentialBroker broker{sts, store, clock};
    KeyManager manager{store, broker};
    QSignalSpy results{&manager, &KeyManager::finished};
    QSignalSpy busy{&manager, &KeyManager::busyChanged};
    QString file;

private:
    QTemporaryDir m_dir;
};

} // namespace

Q_DECLARE_METATYPE(ForgetfulKeyStore::ReadBack)

class tst_KeyManager : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void movesTheSecretOutOfTheFile();
    void aMoveEndsOnTheProfileItStartedWith();
    void storesTheSecretTheFileHoldsNow();
    void keyStoreFailureLeavesTheFile_data();
    void keyStoreFailureLeavesTheFile();
    void fileFailureKeepsTheSecretInTheFile_data();
    void fileFailureKeepsTheSecretInTheFile();
    void profilesSharingBaseKeys();
    void twoProfilesWithTheSameKeys();
    void refusesWhatItCannotMoveCleanly_data();
    void refusesWhatItCannotMoveCleanly();
    void refusesAProfileOfTheAwsFiles();
    void leavesAReadOnlyFileAlone();
    void savesTypedKeys();
    void refusesTypedKeysThatAreNoKeys_data();
    void refusesTypedKeysThatAreNoKeys();
    void reportsAKeyStoreThatRefusesTypedKeys();

private:
    static void captureLog(QtMsgType, const QMessageLogContext &, const QString &message);
    static QStringList s_log;
};

QStringList tst_KeyManager::s_log;

void tst_KeyManager::captureLog(QtMsgType, const QMessageLogContext &, const QString &message)
{
    s_log << message;
}

void tst_KeyManager::initTestCase()
{
    qRegisterMetaType<KeyResult>();
}

void tst_KeyManager::movesTheSecretOutOfTheFile()
{
    ManagerRig rig(twoSecrets);
    QLoggingCategory::setFilterRules(QStringLiteral("imsa.*=true"));
    s_log.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureLog);
    const auto started = rig.manager.moveSecret(rig.profile(QStringLiteral("base")));
    QVERIFY(started.ok());
    QVERIFY(rig.manager.isBusy());
    QVERIFY(rig.results.isEmpty());
    const auto result = rig.waitForResult();
    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());

    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Moved);
    QCOMPARE(result->profile, QStringLiteral("base"));
    QCOMPARE(result->file, rig.file);
    QVERIFY(!rig.manager.isBusy());
    QCOMPARE(rig.busy.size(), 2);
    // Written, read back, and only then out of the file.
    QCOMPARE(rig.store.memory.operations(),
             QStringList({QStringLiteral("write base"), QStringLiteral("read base")}));
    QCOMPARE(rig.stored(QStringLiteral("base")).accessKeyId, baseKeyId);
    QCOMPARE(rig.stored(QStringLiteral("base")).secretAccessKey, baseSecret);
    QCOMPARE(rig.imsaFile(), without(twoSecrets, baseSecretLine));
    QCOMPARE(rig.read(rig.backup()), twoSecrets);
    for (const QString &path : {rig.file, rig.backup()})
        QCOMPARE(QFile::permissions(path) & ~(QFile::ReadUser | QFile::WriteUser | QFile::ExeUser),
                 QFile::ReadOwner | QFile::WriteOwner);
    QVERIFY(!s_log.isEmpty());
    QVERIFY2(!s_log.join(QLatin1Char('\n')).contains(baseSecret), qPrintable(s_log.join(u'\n')));

    // What the file now says: base's secret, and so prod's, is in the key store.
    const ProfileSet reloaded = parseImsaYaml(rig.imsaFile(), rig.file);
    QCOMPARE(reloaded.errors.size(), 0);
    QCOMPARE(reloaded.find(QStringLiteral("base"))->secretLocation, SecretLocation::KeyStore);
    QCOMPARE(reloaded.find(QStringLiteral("alpha"))->secretAccessKey, otherSecret);
}

void tst_KeyManager::aMoveEndsOnTheProfileItStartedWith()
{
    ManagerRig rig(twoSecrets);
    rig.store.memory.setHolding(true);
    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("base"))).ok());
    QCOMPARE(rig.store.memory.heldCount(), 1);
    // Whatever the window asks meanwhile, for another profile, waits for the first move.
    const auto second = rig.manager.moveSecret(rig.profile(QStringLiteral("alpha")));
    QVERIFY(!second.ok());
    QCOMPARE(second.error().code, KeyResult::Code::Busy);
    const auto typed = rig.manager.saveKeys(QStringLiteral("alpha"), otherKeyId, otherSecret);
    QVERIFY(!typed.ok());
    QCOMPARE(typed.error().code, KeyResult::Code::Busy);
    rig.store.memory.setHolding(false);
    rig.store.memory.release();

    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Moved);
    QCOMPARE(result->profile, QStringLiteral("base"));
    QCOMPARE(rig.imsaFile(), without(twoSecrets, baseSecretLine));
    QVERIFY(!rig.store.memory.contains(QStringLiteral("alpha")));
    QCOMPARE(rig.stored(QStringLiteral("base")).secretAccessKey, baseSecret);
}

void tst_KeyManager::storesTheSecretTheFileHoldsNow()
{
    // The window shows the profile as it was loaded; the file has a new secret since. The
    // line that leaves the file is the new one, so that is the one to keep.
    ManagerRig rig(twoSecrets);
    const Profile shown = rig.profile(QStringLiteral("base"));
    const QString newSecret = QStringLiteral("NEW") + QString(37, QLatin1Char('x'));
    const QByteArray newLine = "  aws_secret_access_key: " + newSecret.toUtf8() + "\n";
    QByteArray edited = twoSecrets;
    edited.replace(baseSecretLine, newLine);
    rig.write(edited);

    QVERIFY(rig.manager.moveSecret(shown).ok());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Moved);
    QCOMPARE(rig.stored(QStringLiteral("base")).secretAccessKey, newSecret);
    QCOMPARE(rig.imsaFile(), without(edited, newLine));
}

void tst_KeyManager::keyStoreFailureLeavesTheFile_data()
{
    QTest::addColumn<bool>("writeFails");
    QTest::addColumn<ForgetfulKeyStore::ReadBack>("readBack");
    QTest::addColumn<KeyResult::Code>("code");
    QTest::addColumn<QString>("detail");

    QTest::addRow("the key store refuses the write")
            << true << ForgetfulKeyStore::ReadBack::Same << KeyResult::Code::StoreFailed
            << QStringLiteral("the keyring is locked");
    QTest::addRow("the read-back fails")
            << false << ForgetfulKeyStore::ReadBack::Fails << KeyResult::Code::VerifyFailed
            << QStringLiteral("the collection is locked");
    QTest::addRow("the read-back finds no entry")
            << false << ForgetfulKeyStore::ReadBack::Nothing << KeyResult::Code::VerifyFailed
            << QStringLiteral("it read back nothing");
    QTest::addRow("the read-back gives other bytes")
            << false << ForgetfulKeyStore::ReadBack::Different << KeyResult::Code::VerifyFailed
            << QStringLiteral("it read back different");
}

void tst_KeyManager::keyStoreFailureLeavesTheFile()
{
    QFETCH(bool, writeFails);
    QFETCH(ForgetfulKeyStore::ReadBack, readBack);
    QFETCH(KeyResult::Code, code);
    QFETCH(QString, detail);

    ManagerRig rig(twoSecrets);
    if (writeFails)
        rig.store.memory.setFailure(QStringLiteral("the keyring is locked"));
    rig.store.readBack = readBack;
    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("base"))).ok());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, code);
    QCOMPARE(result->profile, QStringLiteral("base"));
    QCOMPARE(result->detail, detail);
    QCOMPARE(rig.imsaFile(), twoSecrets);
    QVERIFY(!QFile::exists(rig.backup()));
    QVERIFY(!rig.manager.isBusy());
}

void tst_KeyManager::fileFailureKeepsTheSecretInTheFile_data()
{
    QTest::addColumn<QString>("meanwhile");
    QTest::addColumn<QString>("detail");

    QTest::addRow("edited meanwhile") << QStringLiteral("edit") << QStringLiteral("changed while");
    QTest::addRow("deleted meanwhile") << QStringLiteral("delete") << QStringLiteral("cannot read");
    // Root writes read-only files, but no one writes a file over a directory.
    QTest::addRow("backup not writable")
            << QStringLiteral("block backup") << QStringLiteral("cannot write");
    QTest::addRow("a second move of the same secret")
            << QStringLiteral("move again") << QStringLiteral("changed while");
}

void tst_KeyManager::fileFailureKeepsTheSecretInTheFile()
{
    QFETCH(QString, meanwhile);
    QFETCH(QString, detail);

    ManagerRig rig(twoSecrets);
    rig.store.memory.setHolding(true);
    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("base"))).ok());
    QByteArray expected = twoSecrets;
    if (meanwhile == QLatin1StringView("edit")) {
        expected += "# a comment added in an editor\n";
        rig.write(expected);
    } else if (meanwhile == QLatin1StringView("delete")) {
        QVERIFY(QFile::remove(rig.file));
        expected.clear();
    } else if (meanwhile == QLatin1StringView("block backup")) {
        QVERIFY(QDir().mkdir(rig.backup()));
    } else {
        // Another imsa (a second window) took the line out already: this move must not take
        // out what is now there.
        ManagerRig other(twoSecrets);
        other.file = rig.file;
        QVERIFY(other.manager.moveSecret(other.profile(QStringLiteral("base"))).ok());
        const auto first = other.waitForResult();
        QVERIFY(first);
        QCOMPARE(first->code, KeyResult::Code::Moved);
        expected = without(twoSecrets, baseSecretLine);
        QVERIFY(QFile::remove(rig.backup()));
    }
    rig.store.memory.setHolding(false);
    rig.store.memory.release();

    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::FileFailed);
    QVERIFY2(result->detail.contains(detail), qPrintable(result->detail));
    QVERIFY2(result->detail.contains(rig.file), qPrintable(result->detail));
    QVERIFY(!result->detail.contains(baseSecret));
    QCOMPARE(rig.stored(QStringLiteral("base")).secretAccessKey, baseSecret);
    QCOMPARE(rig.imsaFile(), expected);
    if (meanwhile != QLatin1StringView("block backup"))
        QVERIFY(!QFile::exists(rig.backup()));
}

void tst_KeyManager::profilesSharingBaseKeys()
{
    // prod takes base's keys: its secret is base's and moves with it, never on its own.
    ManagerRig rig(twoSecrets);
    const auto refused = rig.manager.moveSecret(rig.profile(QStringLiteral("prod")));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, KeyResult::Code::NotMovable);
    QVERIFY(rig.store.memory.operations().isEmpty());
    QCOMPARE(rig.imsaFile(), twoSecrets);

    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("base"))).ok());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Moved);
    const ProfileSet reloaded = parseImsaYaml(rig.imsaFile(), rig.file);
    QCOMPARE(reloaded.errors.size(), 0);
    const Profile *prod = reloaded.find(QStringLiteral("prod"));
    QVERIFY(prod);
    QCOMPARE(prod->keyProfile, QStringLiteral("base"));
    QCOMPARE(prod->accessKeyId, baseKeyId);
    QCOMPARE(prod->secretLocation, SecretLocation::KeyStore);
    QCOMPARE(rig.store.memory.operations(),
             QStringList({QStringLiteral("write base"), QStringLiteral("read base")}));
}

void tst_KeyManager::twoProfilesWithTheSameKeys()
{
    // The same keys written out twice: each profile's line is its own, and a move takes only
    // that one.
    const QByteArray same = "first:\n"
                            "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
            + baseSecretLine
            + "second:\n"
              "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
            + baseSecretLine;
    ManagerRig rig(same);
    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("second"))).ok());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Moved);
    const QByteArray expected = "first:\n"
                                "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
            + baseSecretLine
            + "second:\n"
              "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n";
    QCOMPARE(rig.imsaFile(), expected);
    QVERIFY(!rig.store.memory.contains(QStringLiteral("first")));
    QCOMPARE(rig.stored(QStringLiteral("second")).secretAccessKey, baseSecret);
}

void tst_KeyManager::refusesWhatItCannotMoveCleanly_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("detail");

    QTest::addRow("an anchored profile lends its lines to others")
            << QByteArray("base: &keys\n"
                          "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
                          "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 1): it carries a YAML anchor, so other "
                              "profiles may share its lines");
    QTest::addRow("a secret set twice")
            << QByteArray("base:\n"
                          "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
                          "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
                          "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n")
            << QStringLiteral("base")
            << QStringLiteral("profile 'base' (line 4): aws_secret_access_key is set twice");
    QTest::addRow("a role on base keys")
            << twoSecrets << QStringLiteral("prod")
            << QStringLiteral("profile 'prod' (line 9): no aws_secret_access_key line of its own "
                              "(it may come from a merge key or another profile)");
}

void tst_KeyManager::refusesWhatItCannotMoveCleanly()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, profile);
    QFETCH(QString, detail);

    ManagerRig rig(content);
    Profile target;
    target.name = profile;
    target.keyProfile = profile;
    target.sourceFile = rig.file;
    const auto refused = rig.manager.moveSecret(target);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, KeyResult::Code::NotMovable);
    QCOMPARE(refused.error().profile, profile);
    QCOMPARE(refused.error().file, rig.file);
    QCOMPARE(refused.error().detail, detail);
    QVERIFY(!rig.manager.isBusy());
    QVERIFY(rig.busy.isEmpty());
    QVERIFY(rig.store.memory.operations().isEmpty());
    QCOMPARE(rig.imsaFile(), content);
    QVERIFY(!QFile::exists(rig.backup()));
}

void tst_KeyManager::refusesAProfileOfTheAwsFiles()
{
    ManagerRig rig(twoSecrets);
    Profile aws = rig.profile(QStringLiteral("base"));
    aws.source = ProfileSource::AwsConfig;
    const auto refused = rig.manager.moveSecret(aws);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, KeyResult::Code::NotMovable);
    QVERIFY(rig.store.memory.operations().isEmpty());
    QCOMPARE(rig.imsaFile(), twoSecrets);
}

void tst_KeyManager::leavesAReadOnlyFileAlone()
{
    // A new file renamed over a read-only one would replace it; only its mode tells. Root may
    // write any file, so this is a check for the user's own account.
    if (geteuid() == 0)
        QSKIP("root may write a read-only file");
    const QFile::Permissions readOnly = QFile::ReadOwner | QFile::ReadUser;
    ManagerRig rig(twoSecrets);
    QVERIFY(QFile::setPermissions(rig.file, readOnly));
    const auto refused = rig.manager.moveSecret(rig.profile(QStringLiteral("base")));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, KeyResult::Code::NotMovable);
    QCOMPARE(refused.error().detail, rig.file + QStringLiteral(" is read-only"));
    QVERIFY(rig.store.memory.operations().isEmpty());

    // Made read-only while the secret was on its way to the key store.
    QVERIFY(QFile::setPermissions(rig.file, readOnly | QFile::WriteOwner | QFile::WriteUser));
    rig.store.memory.setHolding(true);
    QVERIFY(rig.manager.moveSecret(rig.profile(QStringLiteral("base"))).ok());
    QVERIFY(QFile::setPermissions(rig.file, readOnly));
    rig.store.memory.setHolding(false);
    rig.store.memory.release();
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::FileFailed);
    QCOMPARE(result->detail, rig.file + QStringLiteral(" is read-only"));
    QCOMPARE(rig.imsaFile(), twoSecrets);
    QCOMPARE(QFile::permissions(rig.file), readOnly);
    QVERIFY(!QFile::exists(rig.backup()));
}

void tst_KeyManager::savesTypedKeys()
{
    ManagerRig rig("base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n");
    QVERIFY(rig.manager.saveKeys(QStringLiteral("base"), otherKeyId, otherSecret).ok());
    QVERIFY(rig.manager.isBusy());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::Saved);
    QCOMPARE(result->profile, QStringLiteral("base"));
    QCOMPARE(result->keyId, QStringLiteral("****MPLE"));
    QCOMPARE(rig.stored(QStringLiteral("base")).accessKeyId, otherKeyId);
    QCOMPARE(rig.stored(QStringLiteral("base")).secretAccessKey, otherSecret);
    QVERIFY(!rig.manager.isBusy());
}

void tst_KeyManager::refusesTypedKeysThatAreNoKeys_data()
{
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<KeyResult::Code>("code");

    QTest::addRow("lower-case key id")
            << QStringLiteral("akiai44qh8dhbexample") << otherSecret << KeyResult::Code::BadKeyId;
    QTest::addRow("secret with a space")
            << otherKeyId << QStringLiteral("je7MtGbClwBF/2Zp9Utk h3yCo8nvbEXAMPLEKEY")
            << KeyResult::Code::BadSecret;
    QTest::addRow("secret too short")
            << otherKeyId << QStringLiteral("short") << KeyResult::Code::BadSecret;
}

void tst_KeyManager::refusesTypedKeysThatAreNoKeys()
{
    QFETCH(QString, keyId);
    QFETCH(QString, secret);
    QFETCH(KeyResult::Code, code);

    ManagerRig rig("base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n");
    const auto refused = rig.manager.saveKeys(QStringLiteral("base"), keyId, secret);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, code);
    QVERIFY(rig.store.memory.operations().isEmpty());
    QVERIFY(rig.busy.isEmpty());
}

void tst_KeyManager::reportsAKeyStoreThatRefusesTypedKeys()
{
    ManagerRig rig("base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n");
    rig.store.memory.setFailure(QStringLiteral("the keyring is locked"));
    QVERIFY(rig.manager.saveKeys(QStringLiteral("base"), otherKeyId, otherSecret).ok());
    const auto result = rig.waitForResult();
    QVERIFY(result);
    QCOMPARE(result->code, KeyResult::Code::SaveFailed);
    QCOMPARE(result->detail, QStringLiteral("the keyring is locked"));
    QVERIFY(!rig.manager.isBusy());
}

QTEST_GUILESS_MAIN(tst_KeyManager)
#include "tst_keymanager.moc"
