#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>

#include "../core/brokerrig.h"
#include "imsa/profileloader.h"
#include "imsa/sessioncodec.h"
#include "keyeditor.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;

// The key part of "Profiles and keys…": keys typed in go to the key store as the JSON the
// broker reads; "Move secret to keychain" stores the file's secret and takes exactly its line
// out of ~/.imsa, with a backup and the file's mode kept; no secret is shown afterwards.
namespace {

const QByteArray withSecret = "# my keys\n"
                              "base:\n"
                              "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
                              "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"
                              "  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice\n"
                              "prod:\n"
                              "  extends: base\n"
                              "  role_arn: arn:aws:iam::123456789012:role/Admin\n";

class EditorRig
{
public:
    explicit EditorRig(const QByteArray &imsaFile)
    {
        if (!m_dir.isValid())
            qFatal("no temporary directory");
        file = m_dir.filePath(QStringLiteral(".imsa"));
        QFile out(file);
        if (!out.open(QIODevice::WriteOnly) || out.write(imsaFile) != imsaFile.size())
            qFatal("cannot write the sample file");
        out.close();
        QFile::setPermissions(file, QFile::ReadOwner | QFile::WriteOwner);
        profiles = parseImsaYaml(imsaFile, file).profiles;
        rig.broker->setProfiles(profiles);
    }

    Profile profile(const QString &name) const
    {
        for (const Profile &candidate : profiles) {
            if (candidate.name == name)
                return candidate;
        }
        qFatal("no such profile");
    }

    template <typename T>
    T *child(const char *name) const
    {
        return editor.findChild<T *>(QLatin1StringView(name));
    }

    QByteArray read(const QString &path) const
    {
        QFile in(path);
        return in.open(QIODevice::ReadOnly) ? in.readAll() : QByteArray();
    }

    BrokerRig rig;
    KeyEditor editor{rig.store, *rig.broker};
    QString file;
    QList<Profile> profiles;

private:
    QTemporaryDir m_dir;
};

} // namespace

class tst_KeyEditor : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void onlyBaseProfilesHaveKeys();
    void movesTheSecretOutOfTheFile();
    void refusesAMoveItCannotDoCleanly();
    void savesTypedKeysAsTheBrokerReadsThem();
    void rejectsSomethingThatIsNoKey_data();
    void rejectsSomethingThatIsNoKey();
    void reportsAKeyStoreFailure();
};

void tst_KeyEditor::onlyBaseProfilesHaveKeys()
{
    EditorRig rig(withSecret);
    rig.editor.setProfile(rig.profile(QStringLiteral("prod")));
    QVERIFY(rig.editor.isHidden());
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QVERIFY(!rig.editor.isHidden());
    QVERIFY(!rig.child<QPushButton>("move")->isHidden());
    QVERIFY(rig.child<QPushButton>("save")->isHidden());
}

void tst_KeyEditor::movesTheSecretOutOfTheFile()
{
    EditorRig rig(withSecret);
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::mouseClick(rig.child<QPushButton>("move"), Qt::LeftButton);
    QTRY_VERIFY(rig.rig.store.contains(QStringLiteral("base")));
    QTRY_VERIFY(!rig.child<QLabel>("result")->text().isEmpty());

    const auto keys = decodeBaseKeys(rig.rig.store.value(QStringLiteral("base")));
    QVERIFY(keys.ok());
    QCOMPARE(keys.value().accessKeyId, baseKeyId);
    QCOMPARE(keys.value().secretAccessKey, baseSecret);

    QByteArray expected = withSecret;
    expected.replace("  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "");
    QCOMPARE(rig.read(rig.file), expected);
    QCOMPARE(rig.read(rig.file + QStringLiteral(".bak")), withSecret);
    const QFile::Permissions others = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup
            | QFile::ReadOther | QFile::WriteOther | QFile::ExeOther;
    for (const QString &path : QStringList{rig.file, rig.file + QStringLiteral(".bak")}) {
        QVERIFY(QFile::permissions(path).testFlag(QFile::ReadOwner));
        QCOMPARE(QFile::permissions(path) & others, QFile::Permissions());
    }

    const QString message = rig.child<QLabel>("result")->text();
    QVERIFY2(message.startsWith(QStringLiteral("Moved the secret of base to the key store.")),
             qPrintable(message));
    QVERIFY(!message.contains(baseSecret));
    // What the file now says: the profile's secret is in the key store.
    const ProfileSet reloaded = parseImsaYaml(rig.read(rig.file), rig.file);
    QCOMPARE(reloaded.errors.size(), 0);
    QCOMPARE(reloaded.find(QStringLiteral("base"))->secretLocation, SecretLocation::KeyStore);
}

void tst_KeyEditor::refusesAMoveItCannotDoCleanly()
{
    // An anchored profile may lend its lines to others: removing one would change them too.
    const QByteArray anchored =
            "base: &keys\n"
            "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
            "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";
    EditorRig rig(anchored);
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::mouseClick(rig.child<QPushButton>("move"), Qt::LeftButton);
    QVERIFY(rig.rig.settle());
    QCOMPARE(rig.child<QLabel>("result")->text(),
             QStringLiteral("Cannot take the secret out of %1 safely: profile 'base' (line 1): it "
                            "carries a YAML anchor, so other profiles may share its lines. Edit "
                            "the file by hand.")
                     .arg(rig.file));
    QVERIFY(rig.rig.store.operations().isEmpty());
    QCOMPARE(rig.read(rig.file), anchored);
    QVERIFY(!QFile::exists(rig.file + QStringLiteral(".bak")));
}

void tst_KeyEditor::savesTypedKeysAsTheBrokerReadsThem()
{
    EditorRig rig("base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n");
    const Profile base = rig.profile(QStringLiteral("base"));
    QCOMPARE(base.secretLocation, SecretLocation::KeyStore);
    rig.editor.setProfile(base);
    QVERIFY(!rig.child<QPushButton>("save")->isHidden());
    QVERIFY(rig.child<QPushButton>("move")->isHidden());
    QCOMPARE(rig.child<QLineEdit>("secret")->echoMode(), QLineEdit::Password);

    QTest::keyClicks(rig.child<QLineEdit>("keyId"), QStringLiteral("AKIAI44QH8DHBEXAMPLE"));
    QTest::keyClicks(rig.child<QLineEdit>("secret"),
                     QStringLiteral("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"));
    QTest::mouseClick(rig.child<QPushButton>("save"), Qt::LeftButton);
    QTRY_VERIFY(rig.rig.store.contains(QStringLiteral("base")));
    QTRY_COMPARE(rig.child<QLabel>("result")->text(),
                 QStringLiteral("Saved the keys of base (****MPLE) to the key store."));

    const auto keys = decodeBaseKeys(rig.rig.store.value(QStringLiteral("base")));
    QVERIFY(keys.ok());
    QCOMPARE(keys.value().accessKeyId, QStringLiteral("AKIAI44QH8DHBEXAMPLE"));
    QCOMPARE(keys.value().secretAccessKey,
             QStringLiteral("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY"));
    QCOMPARE(rig.child<QLineEdit>("keyId")->text(), QString());
    QCOMPARE(rig.child<QLineEdit>("secret")->text(), QString());
}

void tst_KeyEditor::rejectsSomethingThatIsNoKey_data()
{
    QTest::addColumn<QString>("keyId");
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("message");

    QTest::addRow("lower-case key id")
            << QStringLiteral("akiai44qh8dhbexample")
            << QStringLiteral("je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY")
            << QStringLiteral("An access key ID is 16 or more capital letters and digits, like "
                              "AKIAIOSFODNN7EXAMPLE.");
    QTest::addRow("secret with a space")
            << QStringLiteral("AKIAI44QH8DHBEXAMPLE")
            << QStringLiteral("je7MtGbClwBF/2Zp9Utk h3yCo8nvbEXAMPLEKEY")
            << QStringLiteral("That does not look like a secret access key (40 characters, no "
                              "spaces).");
    QTest::addRow("secret too short")
            << QStringLiteral("AKIAI44QH8DHBEXAMPLE") << QStringLiteral("short")
            << QStringLiteral("That does not look like a secret access "
                              "key (40 characters, no spaces).");
}

void tst_KeyEditor::rejectsSomethingThatIsNoKey()
{
    QFETCH(QString, keyId);
    QFETCH(QString, secret);
    QFETCH(QString, message);

    EditorRig rig("base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n");
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::keyClicks(rig.child<QLineEdit>("keyId"), keyId);
    QTest::keyClicks(rig.child<QLineEdit>("secret"), secret);
    QTest::mouseClick(rig.child<QPushButton>("save"), Qt::LeftButton);
    QVERIFY(rig.rig.settle());
    QCOMPARE(rig.child<QLabel>("result")->text(), message);
    QVERIFY(rig.rig.store.operations().isEmpty());
}

void tst_KeyEditor::reportsAKeyStoreFailure()
{
    EditorRig rig(withSecret);
    rig.rig.store.setFailure(QStringLiteral("the keyring is locked"));
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::mouseClick(rig.child<QPushButton>("move"), Qt::LeftButton);
    QTRY_COMPARE(rig.child<QLabel>("result")->text(),
                 QStringLiteral("The key store refused the secret: the keyring is locked"));
    QCOMPARE(rig.read(rig.file), withSecret);
    QVERIFY(!QFile::exists(rig.file + QStringLiteral(".bak")));
}

QTEST_MAIN(tst_KeyEditor)
#include "tst_keyeditor.moc"
