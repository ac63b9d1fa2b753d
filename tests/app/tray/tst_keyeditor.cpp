#include <optional>

#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "imsa/profileloader.h"
#include "imsa/sessioncodec.h"
#include "service/keymanager.h"
#include "service/profilestore.h"
#include "tray/keyeditor.h"
#include "tray/profileswindow.h"

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

const QByteArray alphaSecretLine =
        "  aws_secret_access_key: je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY\n";
const QByteArray baseSecretLine =
        "  aws_secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n";

/// Two base profiles with their secrets in the file, and a role on one of them.
const QByteArray twoSecrets = "alpha:\n"
                              "  aws_access_key_id: AKIAI44QH8DHBEXAMPLE\n"
        + alphaSecretLine
        + "base:\n"
          "  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
        + baseSecretLine
        + "prod:\n"
          "  extends: base\n"
          "  role_arn: arn:aws:iam::123456789012:role/Admin\n";

QByteArray without(QByteArray text, const QByteArray &line)
{
    return text.replace(line, "");
}

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
    app::KeyManager keys{rig.store, *rig.broker};
    KeyEditor editor{keys};
    QString file;
    QList<Profile> profiles;

private:
    QTemporaryDir m_dir;
};

/// "Profiles and keys…" over `twoSecrets` in the ~/.imsa of a temporary home, with a broker on
/// fakes.
class WindowRig
{
public:
    WindowRig()
    {
        QFile out(paths.imsaFile);
        if (!out.open(QIODevice::WriteOnly) || out.write(twoSecrets) != twoSecrets.size())
            qFatal("cannot write the sample file");
        out.close();
        profiles.load();
        rig.broker->setProfiles(profiles.profiles().profiles);
        // After loading, as the tray opens the window: it lists the profiles it finds then.
        keys.emplace(rig.store, *rig.broker);
        window.emplace(profiles, *keys);
    }

    QTemporaryDir home;
    const ConfigPaths paths = pathsIn(home);
    app::ProfileStore profiles{paths};
    BrokerRig rig;
    std::optional<app::KeyManager> keys;
    std::optional<ProfilesWindow> window;

private:
    static ConfigPaths pathsIn(const QTemporaryDir &home)
    {
        if (!home.isValid())
            qFatal("no temporary directory");
        ConfigPaths paths;
        paths.imsaFile = home.filePath(QStringLiteral(".imsa"));
        paths.awsConfigFile = home.filePath(QStringLiteral(".aws/config"));
        paths.awsCredentialsFile = home.filePath(QStringLiteral(".aws/credentials"));
        return paths;
    }
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
    void aMoveEndsOnTheProfileItStartedWith();
    void saysTheSecretIsInBothPlacesWhenTheFileChanged();
    void theProfileListIsBlockedWhileAMoveRuns();
    void theConsoleButtonIsForRoleProfiles();
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

void tst_KeyEditor::aMoveEndsOnTheProfileItStartedWith()
{
    EditorRig rig(twoSecrets);
    rig.rig.store.setHolding(true);
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::mouseClick(rig.child<QPushButton>("move"), Qt::LeftButton);
    QTRY_COMPARE(rig.rig.store.heldCount(), 1);
    // The user looks at another profile while the key store is still busy.
    rig.editor.setProfile(rig.profile(QStringLiteral("alpha")));
    QVERIFY(!rig.child<QPushButton>("move")->isEnabled());
    rig.rig.store.setHolding(false);
    rig.rig.store.release();
    QTRY_VERIFY(rig.rig.settle() && !rig.child<QLabel>("result")->text().isEmpty());

    QCOMPARE(rig.read(rig.file), without(twoSecrets, baseSecretLine));
    QVERIFY(!rig.rig.store.contains(QStringLiteral("alpha")));
    const auto keys = decodeBaseKeys(rig.rig.store.value(QStringLiteral("base")));
    QVERIFY(keys.ok());
    QCOMPARE(keys.value().secretAccessKey, baseSecret);
}

void tst_KeyEditor::saysTheSecretIsInBothPlacesWhenTheFileChanged()
{
    EditorRig rig(withSecret);
    rig.rig.store.setHolding(true);
    rig.editor.setProfile(rig.profile(QStringLiteral("base")));
    QTest::mouseClick(rig.child<QPushButton>("move"), Qt::LeftButton);
    QTRY_COMPARE(rig.rig.store.heldCount(), 1);
    const QByteArray edited = withSecret + "# saved from an editor meanwhile\n";
    QFile out(rig.file);
    QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Truncate));
    QCOMPARE(out.write(edited), edited.size());
    out.close();
    rig.rig.store.setHolding(false);
    rig.rig.store.release();

    QTRY_COMPARE(rig.child<QLabel>("result")->text(),
                 QStringLiteral("The secret is now in the key store, but also still in %1, which "
                                "could not be changed: %1 changed while the secret was being "
                                "stored; nothing was taken out of it")
                         .arg(rig.file));
    QCOMPARE(rig.read(rig.file), edited);
    QVERIFY(rig.child<QPushButton>("move")->isEnabled());
}

void tst_KeyEditor::theProfileListIsBlockedWhileAMoveRuns()
{
    WindowRig windowRig;
    BrokerRig &rig = windowRig.rig;
    ProfilesWindow &window = *windowRig.window;
    window.setAttribute(Qt::WA_DeleteOnClose, false);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    auto *list = window.findChild<QListWidget *>(QStringLiteral("profiles"));
    QVERIFY(list);
    const QListWidgetItem *alpha =
            list->findItems(QStringLiteral("alpha"), Qt::MatchExactly).first();
    list->setCurrentItem(list->findItems(QStringLiteral("base"), Qt::MatchExactly).first());

    rig.store.setHolding(true);
    QTest::mouseClick(window.findChild<QPushButton *>(QStringLiteral("move")), Qt::LeftButton);
    QTRY_COMPARE(rig.store.heldCount(), 1);
    const bool listBlocked = !list->isEnabled();
    QTest::mouseClick(list->viewport(), Qt::LeftButton, {}, list->visualItemRect(alpha).center());
    const QString selectedDuringMove = list->currentItem()->text();
    rig.store.setHolding(false);
    rig.store.release();
    auto *result = window.findChild<QLabel *>(QStringLiteral("result"));
    QTRY_VERIFY(rig.settle() && !result->text().isEmpty());

    QFile in(windowRig.paths.imsaFile);
    QVERIFY(in.open(QIODevice::ReadOnly));
    QCOMPARE(in.readAll(), without(twoSecrets, baseSecretLine));
    QVERIFY(listBlocked);
    QCOMPARE(selectedDuringMove, QStringLiteral("base"));
    QTRY_VERIFY(list->isEnabled());
}

void tst_KeyEditor::theConsoleButtonIsForRoleProfiles()
{
    WindowRig windowRig;
    ProfilesWindow &window = *windowRig.window;
    QSignalSpy requested(&window, &ProfilesWindow::consoleRequested);
    auto *list = window.findChild<QListWidget *>(QStringLiteral("profiles"));
    auto *console = window.findChild<QPushButton *>(QStringLiteral("console"));
    QVERIFY(list && console);
    QCOMPARE(console->text(), QStringLiteral("Open AWS console"));

    // AWS signs in only role credentials: not for the keys of base.
    list->setCurrentItem(list->findItems(QStringLiteral("base"), Qt::MatchExactly).first());
    QVERIFY(!console->isEnabled());
    list->setCurrentItem(list->findItems(QStringLiteral("prod"), Qt::MatchExactly).first());
    QVERIFY(console->isEnabled());
    console->click();
    QCOMPARE(requested.size(), 1);
    QCOMPARE(requested.first().first().toString(), QStringLiteral("prod"));
}

QTEST_MAIN(tst_KeyEditor)
#include "tst_keyeditor.moc"
