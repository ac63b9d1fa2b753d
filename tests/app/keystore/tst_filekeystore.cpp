#include <memory>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/keystorecalls.h"
#include "keystore/filekeystore.h"

using namespace Qt::StringLiterals;
using imsa::app::FileKeyStore;

namespace {

using imsa::test::ReadResult;

constexpr int callbackTimeoutMs = 5000;
const imsa::test::KeyStoreCalls blocking(callbackTimeoutMs);

/// A read outcome as one comparable line, so that QCOMPARE prints what went wrong.
QString show(const ReadResult &result)
{
    if (!result.ok())
        return u"error: "_s + result.error().message;
    if (!result.value())
        return u"missing"_s;
    return u"value "_s + QString::fromLatin1(result.value()->toHex());
}

QString value(const QByteArray &secret)
{
    return u"value "_s + QString::fromLatin1(secret.toHex());
}

/// Permission bits as `ls -l` shows them in octal, straight from stat(2).
int modeOf(const QString &path)
{
    struct stat info
    { };

    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return -1;
    return static_cast<int>(info.st_mode & 07777);
}

QByteArray contentsOf(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeRaw(const QString &path, const QByteArray &data, int mode = 0600)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(data);
    file.close();
    QCOMPARE(::chmod(QFile::encodeName(path).constData(), static_cast<mode_t>(mode)), 0);
}

} // namespace

class tst_FileKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void roundTrip_data();
    void roundTrip();
    void storesBase64Json();
    void missingEntryIsNullopt_data();
    void missingEntryIsNullopt();
    void overwriteReplacesValue();
    void removeDeletesOnlyThatAccount();
    void removeMissingSucceeds_data();
    void removeMissingSucceeds();
    void fileIsPrivate_data();
    void fileIsPrivate();
    void refusesFileOthersCanAccess_data();
    void refusesFileOthersCanAccess();
    void refusesFileOfAnotherUser();
    void refusesDirectoryInPlaceOfFile();
    void callbacksWaitForEventLoop();
    void callbackDroppedWhenContextDies();
    void corruptFileIsReportedAndKept_data();
    void corruptFileIsReportedAndKept();
    void descriptionNamesPath();
    void defaultPath_data();
    void defaultPath();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
};

void tst_FileKeyStore::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    // A directory that does not exist yet, as on first use.
    m_path = m_dir->filePath(u"state/imsa/keystore.json"_s);
}

void tst_FileKeyStore::cleanup()
{
    m_dir.reset();
}

void tst_FileKeyStore::roundTrip_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QByteArray>("secret");

    QTest::addRow("text secret") << u"default"_s << QByteArray("wJalrXUtnFEMI/K7MDENG");
    QTest::addRow("binary secret with NUL bytes")
            << u"binary"_s << QByteArray("\0\x01\xff\0tail\0", 9);
    QTest::addRow("empty secret") << u"empty"_s << QByteArray();
    QTest::addRow("non-ASCII account name") << u"profil-ä/ß"_s << QByteArray("s");
}

void tst_FileKeyStore::roundTrip()
{
    QFETCH(QString, account);
    QFETCH(QByteArray, secret);

    FileKeyStore writer(m_path);
    QCOMPARE(blocking.write(writer, account, secret), QString());

    // A second instance proves the value went to disk, not into a cache.
    FileKeyStore reader(m_path);
    QCOMPARE(show(blocking.read(reader, account)), value(secret));
}

void tst_FileKeyStore::storesBase64Json()
{
    FileKeyStore store(m_path);
    QCOMPARE(blocking.write(store, u"aws"_s, "secret"), QString());

    const QByteArray raw = contentsOf(m_path);
    QVERIFY(!raw.contains("secret"));
    const QJsonObject root = QJsonDocument::fromJson(raw).object();
    QCOMPARE(root.value("version"_L1).toInt(), 1);
    // base64("secret") = "c2VjcmV0" (RFC 4648 alphabet).
    QCOMPARE(root.value("entries"_L1).toObject(), QJsonObject({{"aws"_L1, "c2VjcmV0"_L1}}));
}

void tst_FileKeyStore::missingEntryIsNullopt_data()
{
    QTest::addColumn<bool>("fileExists");

    QTest::addRow("no file yet") << false;
    QTest::addRow("file holds other accounts only") << true;
}

void tst_FileKeyStore::missingEntryIsNullopt()
{
    QFETCH(bool, fileExists);

    FileKeyStore store(m_path);
    if (fileExists)
        QCOMPARE(blocking.write(store, u"other"_s, "x"), QString());

    QCOMPARE(show(blocking.read(store, u"wanted"_s)), u"missing"_s);
    QCOMPARE(QFile::exists(m_path), fileExists);
}

void tst_FileKeyStore::overwriteReplacesValue()
{
    FileKeyStore store(m_path);
    QCOMPARE(blocking.write(store, u"aws"_s, "first"), QString());
    QCOMPARE(blocking.write(store, u"aws"_s, "second"), QString());

    QCOMPARE(show(blocking.read(store, u"aws"_s)), value("second"));
}

void tst_FileKeyStore::removeDeletesOnlyThatAccount()
{
    FileKeyStore store(m_path);
    QCOMPARE(blocking.write(store, u"gone"_s, "1"), QString());
    QCOMPARE(blocking.write(store, u"kept"_s, "2"), QString());

    QCOMPARE(blocking.remove(store, u"gone"_s), QString());

    QCOMPARE(show(blocking.read(store, u"gone"_s)), u"missing"_s);
    QCOMPARE(show(blocking.read(store, u"kept"_s)), value("2"));
}

void tst_FileKeyStore::removeMissingSucceeds_data()
{
    QTest::addColumn<bool>("fileExists");

    QTest::addRow("no file yet") << false;
    QTest::addRow("file holds other accounts only") << true;
}

void tst_FileKeyStore::removeMissingSucceeds()
{
    QFETCH(bool, fileExists);

    FileKeyStore store(m_path);
    if (fileExists)
        QCOMPARE(blocking.write(store, u"other"_s, "x"), QString());
    const QByteArray before = contentsOf(m_path);

    QCOMPARE(blocking.remove(store, u"wanted"_s), QString());
    QCOMPARE(contentsOf(m_path), before);
}

void tst_FileKeyStore::fileIsPrivate_data()
{
    QTest::addColumn<bool>("directoryExists");
    QTest::addColumn<int>("umask");
    QTest::addColumn<int>("expectedDirectoryMode");

    QTest::addRow("missing directory is created 0700") << false << 022 << 0700;
    QTest::addRow("umask 000 still gives 0600 and 0700") << false << 0 << 0700;
    QTest::addRow("existing directory is left as it is") << true << 022 << 0755;
}

void tst_FileKeyStore::fileIsPrivate()
{
    QFETCH(bool, directoryExists);
    QFETCH(int, umask);
    QFETCH(int, expectedDirectoryMode);

    const QString directory = QFileInfo(m_path).absolutePath();
    if (directoryExists) {
        QVERIFY(QDir().mkpath(directory));
        QCOMPARE(::chmod(QFile::encodeName(directory).constData(), 0755), 0);
    }

    const mode_t previous = ::umask(static_cast<mode_t>(umask));
    FileKeyStore store(m_path);
    const QString first = blocking.write(store, u"aws"_s, "secret");
    const QString second = blocking.write(store, u"aws"_s, "rewritten");
    ::umask(previous);

    QCOMPARE(first, QString());
    QCOMPARE(second, QString());
    QCOMPARE(modeOf(m_path), 0600);
    QCOMPARE(modeOf(directory), expectedDirectoryMode);
    // No lock file or half-written temporary file is left next to the store.
    QCOMPARE(QDir(directory).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
             QStringList{u"keystore.json"_s});
}

void tst_FileKeyStore::refusesFileOthersCanAccess_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("modeText");

    QTest::addRow("world-readable 0644") << 0644 << u"0644"_s;
    QTest::addRow("group-readable 0640") << 0640 << u"0640"_s;
    QTest::addRow("group-writable 0620") << 0620 << u"0620"_s;
    QTest::addRow("world-writable 0602") << 0602 << u"0602"_s;
}

void tst_FileKeyStore::refusesFileOthersCanAccess()
{
    QFETCH(int, mode);
    QFETCH(QString, modeText);

    FileKeyStore store(m_path);
    QCOMPARE(blocking.write(store, u"aws"_s, "secret"), QString());
    QCOMPARE(::chmod(QFile::encodeName(m_path).constData(), static_cast<mode_t>(mode)), 0);
    const QByteArray before = contentsOf(m_path);

    const QString expected = u"refusing to use "_s + m_path
            + u": other users can access it (mode "_s + modeText + u"); fix it with: chmod 600 "_s
            + m_path;
    QCOMPARE(show(blocking.read(store, u"aws"_s)), u"error: "_s + expected);
    // Writing is refused too and does not "repair" the mode behind the user's back.
    QCOMPARE(blocking.write(store, u"aws"_s, "new"), expected);
    QCOMPARE(modeOf(m_path), mode);
    QCOMPARE(contentsOf(m_path), before);

    // The advice in the message is enough to fix it.
    QCOMPARE(::chmod(QFile::encodeName(m_path).constData(), 0600), 0);
    QCOMPARE(show(blocking.read(store, u"aws"_s)), value("secret"));
}

void tst_FileKeyStore::refusesFileOfAnotherUser()
{
    if (::geteuid() != 0)
        QSKIP("giving a file to another user needs root");

    FileKeyStore store(m_path);
    QCOMPARE(blocking.write(store, u"aws"_s, "secret"), QString());
    const uid_t nobody = 65534;
    QCOMPARE(::chown(QFile::encodeName(m_path).constData(), nobody, nobody), 0);

    QCOMPARE(show(blocking.read(store, u"aws"_s)),
             u"error: refusing to use "_s + m_path
                     + u": it belongs to uid 65534, not to you (uid 0); fix it with: chown 0 "_s
                     + m_path);
}

void tst_FileKeyStore::refusesDirectoryInPlaceOfFile()
{
    QVERIFY(QDir().mkpath(m_path));

    FileKeyStore store(m_path);
    QCOMPARE(show(blocking.read(store, u"aws"_s)),
             u"error: refusing to use "_s + m_path + u": it is not a regular file"_s);
}

void tst_FileKeyStore::callbacksWaitForEventLoop()
{
    FileKeyStore store(m_path);
    QObject context;
    bool wrote = false;
    bool read = false;
    bool removed = false;

    store.write(u"aws"_s, "secret", &context, [&](const imsa::KeyStore::WriteResult &) {
        wrote = true;
    });
    QVERIFY(!wrote);
    store.read(u"aws"_s, &context, [&](const ReadResult &) {
        read = true;
    });
    QVERIFY(!read);
    store.remove(u"aws"_s, &context, [&](const imsa::KeyStore::WriteResult &) {
        removed = true;
    });
    QVERIFY(!removed);

    QTRY_VERIFY_WITH_TIMEOUT(wrote && read && removed, callbackTimeoutMs);
}

void tst_FileKeyStore::callbackDroppedWhenContextDies()
{
    FileKeyStore store(m_path);
    auto doomed = std::make_unique<QObject>();
    bool called = false;
    store.write(u"aws"_s, "secret", doomed.get(), [&](const imsa::KeyStore::WriteResult &) {
        called = true;
    });
    doomed.reset();

    // Callbacks are delivered in order: once a later one arrives, the dropped one never will.
    QCOMPARE(show(blocking.read(store, u"aws"_s)), value("secret"));
    QVERIFY(!called);
}

void tst_FileKeyStore::corruptFileIsReportedAndKept_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("reason");
    QTest::addColumn<bool>("reasonIsPrefix");

    QTest::addRow("truncated JSON") << QByteArray(R"({"version": 1, "entries": {"aws": "c2Vrcml0)")
                                    << u"not JSON: "_s << true;
    QTest::addRow("empty file") << QByteArray() << u"not JSON: "_s << true;
    QTest::addRow("JSON array") << QByteArray(R"(["sekrit"])")
                                << u"expected an object with \"version\": 1"_s << false;
    QTest::addRow("unknown version") << QByteArray(R"({"version": 2, "entries": {}})")
                                     << u"expected an object with \"version\": 1"_s << false;
    QTest::addRow("entries not an object") << QByteArray(R"({"version": 1, "entries": ["sekrit"]})")
                                           << u"\"entries\" is not an object"_s << false;
    QTest::addRow("entry not a string")
            << QByteArray(R"({"version": 1, "entries": {"aws": 7}})")
            << u"the entry for \"aws\" is not a base64 string"_s << false;
    QTest::addRow("entry not base64")
            << QByteArray(R"({"version": 1, "entries": {"aws": "sekrit!"}})")
            << u"the entry for \"aws\" is not a base64 string"_s << false;
}

void tst_FileKeyStore::corruptFileIsReportedAndKept()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, reason);
    QFETCH(bool, reasonIsPrefix);

    writeRaw(m_path, content);
    FileKeyStore store(m_path);

    const QString prefix = m_path + u" is not a valid imsa key store ("_s + reason;
    const QString suffix = u"); it was left untouched, move it away to start over"_s;
    const ReadResult read = blocking.read(store, u"aws"_s);
    QVERIFY(!read.ok());
    if (reasonIsPrefix) {
        QVERIFY2(read.error().message.startsWith(prefix) && read.error().message.endsWith(suffix),
                 qPrintable(read.error().message));
    } else {
        QCOMPARE(read.error().message, prefix + suffix);
    }
    // Whatever the file holds stays out of messages: it may be a secret.
    QVERIFY(!read.error().message.contains("sekrit"_L1));
    QVERIFY(!read.error().message.contains("c2Vrcml0"_L1));

    // Neither a write nor a remove replaces the user's data with a fresh store.
    QCOMPARE(blocking.write(store, u"other"_s, "x"), read.error().message);
    QCOMPARE(blocking.remove(store, u"aws"_s), read.error().message);
    QCOMPARE(contentsOf(m_path), content);
}

void tst_FileKeyStore::descriptionNamesPath()
{
    QCOMPARE(FileKeyStore(u"/home/alice/.local/state/imsa/keystore.json"_s).description(),
             u"file /home/alice/.local/state/imsa/keystore.json (not encrypted)"_s);
}

void tst_FileKeyStore::defaultPath_data()
{
    QTest::addColumn<QByteArray>("stateHome");
    QTest::addColumn<bool>("stateHomeSet");
    QTest::addColumn<QString>("expected");

    QTest::addRow("XDG_STATE_HOME set")
            << QByteArray("/srv/state") << true << u"/srv/state/imsa/keystore.json"_s;
    QTest::addRow("XDG_STATE_HOME unset")
            << QByteArray() << false << u"/home/alice/.local/state/imsa/keystore.json"_s;
    QTest::addRow("XDG_STATE_HOME empty")
            << QByteArray() << true << u"/home/alice/.local/state/imsa/keystore.json"_s;
    QTest::addRow("relative XDG_STATE_HOME is ignored, as the XDG spec says")
            << QByteArray("state") << true << u"/home/alice/.local/state/imsa/keystore.json"_s;
}

void tst_FileKeyStore::defaultPath()
{
    QFETCH(QByteArray, stateHome);
    QFETCH(bool, stateHomeSet);
    QFETCH(QString, expected);

    const QByteArray oldHome = qgetenv("HOME");
    const std::optional<QByteArray> oldStateHome = qEnvironmentVariableIsSet("XDG_STATE_HOME")
            ? std::optional(qgetenv("XDG_STATE_HOME"))
            : std::nullopt;

    qputenv("HOME", "/home/alice");
    if (stateHomeSet)
        qputenv("XDG_STATE_HOME", stateHome);
    else
        qunsetenv("XDG_STATE_HOME");
    const QString actual = FileKeyStore::defaultPath();

    qputenv("HOME", oldHome);
    if (oldStateHome)
        qputenv("XDG_STATE_HOME", *oldStateHome);
    else
        qunsetenv("XDG_STATE_HOME");

    QCOMPARE(actual, expected);
}

QTEST_GUILESS_MAIN(tst_FileKeyStore)
#include "tst_filekeystore.moc"
