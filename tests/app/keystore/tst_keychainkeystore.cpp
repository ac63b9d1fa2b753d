#include <csignal>
#include <memory>
#include <optional>

#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/keystorecalls.h"
#include "keystore/keychainkeystore.h"
#include "keystore/keystorefactory.h"

using namespace Qt::StringLiterals;
using imsa::app::KeychainKeyStore;

// Runs under tests/app/keystore/run-with-keyring.sh, twice: against a private, unlocked GNOME
// Keyring (IMSA_TEST_KEYRING=private), and with no session bus at all (IMSA_TEST_KEYRING=none,
// only the *WithoutBus functions). Each function skips itself in the other setting, and everything
// skips when started by hand, so that nothing ever touches a real keyring.

namespace {

using imsa::test::ReadResult;

constexpr int callbackTimeoutMs = 20000;
const imsa::test::KeyStoreCalls blocking(callbackTimeoutMs);
const QString noCallback = u"no callback within 20 s"_s;

// What libsecret reports when there is neither $DBUS_SESSION_BUS_ADDRESS nor $DISPLAY (GLib's
// gdbusaddress.c), behind the prefix KeychainKeyStore adds for every backend failure.
const QString noBusError =
        u"Secret Service not reachable: Cannot autolaunch D-Bus without X11 $DISPLAY"_s;
// What probeSecretService() says before any keychain call: no bus (libdbus's words, through
// QtDBus), or a bus on which nothing provides the Secret Service.
const QString noSessionBus =
        u"no D-Bus session bus: Unable to autolaunch a dbus-daemon without a $DISPLAY for X11"_s;
const QString noSecretService =
        u"nothing on the D-Bus session bus provides org.freedesktop.secrets (no keyring daemon "
        "running or installed)"_s;

/// What `probe` (KeychainKeyStore::probe or probeSecretService) answers, as "available" or
/// "unavailable: WHY", so that QCOMPARE prints the reason.
QString probeNow(void (*probe)(QObject *,
                               std::function<void(bool, QString)>) = &KeychainKeyStore::probe)
{
    QObject context;
    std::optional<QString> outcome;
    probe(&context, [&](bool available, const QString &why) {
        outcome = available ? u"available"_s : u"unavailable: "_s + why;
    });
    if (!QTest::qWaitFor(
                [&] {
                    return outcome.has_value();
                },
                callbackTimeoutMs))
        return noCallback;
    return *outcome;
}

/// The chosen store's description and the warning, one per line.
QString chooseNow()
{
    QObject context;
    std::optional<QString> outcome;
    imsa::app::chooseKeyStore(&context,
                              [&](std::unique_ptr<imsa::KeyStore> store, const QString &warning) {
                                  outcome = store->description() + u'\n' + warning;
                              });
    if (!QTest::qWaitFor(
                [&] {
                    return outcome.has_value();
                },
                callbackTimeoutMs))
        return noCallback;
    return *outcome;
}

/// A read outcome as one comparable line.
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

struct ToolResult
{
    int exitCode = -1;
    QByteArray output;
};

ToolResult run(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.start(QStandardPaths::findExecutable(program), arguments);
    if (!process.waitForFinished(callbackTimeoutMs))
        return {};
    return {process.exitCode(), process.readAllStandardOutput()};
}

/// The pid of whoever owns the Secret Service name on the session bus, or 0.
qint64 secretServicePid()
{
    const ToolResult reply =
            run(u"dbus-send"_s,
                {u"--session"_s, u"--print-reply"_s, u"--dest=org.freedesktop.DBus"_s,
                 u"/org/freedesktop/DBus"_s, u"org.freedesktop.DBus.GetConnectionUnixProcessID"_s,
                 u"string:org.freedesktop.secrets"_s});
    // The reply ends in a line "   uint32 PID".
    const qsizetype at = reply.output.lastIndexOf("uint32 ");
    return reply.exitCode == 0 && at >= 0 ? reply.output.mid(at + 7).trimmed().toLongLong() : 0;
}

} // namespace

class tst_KeychainKeyStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();

    void writeThenRead_data();
    void writeThenRead();
    void overwriteReplacesValue();
    void readMissingIsNullopt();
    void removeDeletesEntry();
    void removeMissingSucceeds();
    void secretToolSeesQtKeychainAttributes();
    void callbackDroppedWhenContextDies();
    void probeFindsKeyring();
    void chooseKeyStore_data();
    void chooseKeyStore();
    void hungKeyringTimesOutOnce();

    void probeFailsWithoutBus();
    void readFailsWithoutBus();
    void writeFailsWithoutBus();
    void chooseFallsBackToFileWithoutBus();
    void probeSecretServiceDecidesAtOnceWithoutBus();
    void probeSecretServiceDecidesAtOnceWithoutSecretService();
    void chooseFallsBackToFileWithoutSecretService();

    void cleanup();

private:
    QTemporaryDir m_stateHome;
};

void tst_KeychainKeyStore::initTestCase()
{
    QVERIFY(m_stateHome.isValid());
    // chooseKeyStore() names the fallback file; keep it inside this test.
    qputenv("XDG_STATE_HOME", QFile::encodeName(m_stateHome.path()));
}

void tst_KeychainKeyStore::init()
{
    const QString keyring = qEnvironmentVariable("IMSA_TEST_KEYRING");
    const QString function = QString::fromLatin1(QTest::currentTestFunction());
    const bool withoutBus = function.endsWith("WithoutBus"_L1);
    const bool withoutSecretService = function.endsWith("WithoutSecretService"_L1);
    if (keyring.isEmpty())
        QSKIP("run through run-with-keyring.sh; refusing to touch a real keyring");
    if (withoutBus && keyring != "none"_L1)
        QSKIP("needs no session bus: runs as the ctest entry tst_keychainkeystore_nobus");
    if (withoutSecretService && keyring != "busonly"_L1)
        QSKIP("needs a bare bus: runs as the ctest entry tst_keychainkeystore_busonly");
    if (!withoutBus && !withoutSecretService && keyring != "private"_L1)
        QSKIP("needs the private keyring: runs as the ctest entry tst_keychainkeystore");
}

void tst_KeychainKeyStore::cleanup()
{
    qunsetenv("IMSA_KEYSTORE");
}

void tst_KeychainKeyStore::writeThenRead_data()
{
    QTest::addColumn<QString>("account");
    QTest::addColumn<QByteArray>("secret");

    QTest::addRow("text secret") << u"text"_s << QByteArray("wJalrXUtnFEMI/K7MDENG");
    QTest::addRow("binary secret with NUL bytes")
            << u"binary"_s << QByteArray("\0\x01\xff\0tail\0", 9);
    QTest::addRow("empty secret") << u"empty"_s << QByteArray();
    QTest::addRow("non-ASCII account name") << u"profil-ä/ß"_s << QByteArray("s");
}

void tst_KeychainKeyStore::writeThenRead()
{
    QFETCH(QString, account);
    QFETCH(QByteArray, secret);

    KeychainKeyStore writer;
    QCOMPARE(blocking.write(writer, account, secret), QString());
    KeychainKeyStore reader;
    QCOMPARE(show(blocking.read(reader, account)), value(secret));
}

void tst_KeychainKeyStore::overwriteReplacesValue()
{
    KeychainKeyStore store;
    QCOMPARE(blocking.write(store, u"overwrite"_s, "first"), QString());
    QCOMPARE(blocking.write(store, u"overwrite"_s, "second"), QString());
    QCOMPARE(show(blocking.read(store, u"overwrite"_s)), value("second"));
}

void tst_KeychainKeyStore::readMissingIsNullopt()
{
    KeychainKeyStore store;
    QCOMPARE(show(blocking.read(store, u"never-written"_s)), u"missing"_s);
}

void tst_KeychainKeyStore::removeDeletesEntry()
{
    KeychainKeyStore store;
    QCOMPARE(blocking.write(store, u"gone"_s, "1"), QString());
    QCOMPARE(blocking.write(store, u"kept"_s, "2"), QString());

    QCOMPARE(blocking.remove(store, u"gone"_s), QString());

    QCOMPARE(show(blocking.read(store, u"gone"_s)), u"missing"_s);
    QCOMPARE(show(blocking.read(store, u"kept"_s)), value("2"));
}

void tst_KeychainKeyStore::removeMissingSucceeds()
{
    KeychainKeyStore store;
    QCOMPARE(blocking.remove(store, u"never-written"_s), QString());
}

void tst_KeychainKeyStore::secretToolSeesQtKeychainAttributes()
{
    if (QStandardPaths::findExecutable(u"secret-tool"_s).isEmpty())
        QSKIP("secret-tool (libsecret-tools) is not installed");

    const QByteArray secret("\0cross-check\xff", 13);
    KeychainKeyStore store;
    QCOMPARE(blocking.write(store, u"cross-check"_s, secret), QString());

    // QtKeychain's libsecret schema "org.qt.keychain": server = service, user = account,
    // type = base64 for binary data, which it stores base64-encoded.
    const ToolResult found = run(u"secret-tool"_s,
                                 {u"lookup"_s, u"server"_s, u"imsa"_s, u"user"_s, u"cross-check"_s,
                                  u"type"_s, u"base64"_s});
    QCOMPARE(found.exitCode, 0);
    QCOMPARE(found.output.trimmed(), secret.toBase64());

    // The names one might guess are not the ones used.
    const ToolResult guessed =
            run(u"secret-tool"_s,
                {u"lookup"_s, u"service"_s, u"imsa"_s, u"account"_s, u"cross-check"_s});
    QCOMPARE(guessed.exitCode, 1);
    QCOMPARE(guessed.output, QByteArray());
}

void tst_KeychainKeyStore::callbackDroppedWhenContextDies()
{
    KeychainKeyStore store;
    auto doomed = std::make_unique<QObject>();
    bool called = false;
    store.write(u"dropped"_s, "secret", doomed.get(), [&](const imsa::KeyStore::WriteResult &) {
        called = true;
    });
    QVERIFY(!called);
    doomed.reset();

    // QtKeychain runs jobs one at a time, in order: once a later one has answered, the write
    // has finished too, and its callback was dropped. The write itself still happened.
    QCOMPARE(show(blocking.read(store, u"dropped"_s)), value("secret"));
    QVERIFY(!called);
}

void tst_KeychainKeyStore::probeFindsKeyring()
{
    QCOMPARE(probeNow(), u"available"_s);
}

void tst_KeychainKeyStore::chooseKeyStore_data()
{
    QTest::addColumn<QString>("forced");
    QTest::addColumn<QString>("expected");

    const QString file = m_stateHome.path() + u"/imsa/keystore.json"_s;
    QTest::addRow("probe finds the keyring") << QString() << u"Secret Service\n"_s;
    QTest::addRow("IMSA_KEYSTORE=keychain") << u"keychain"_s << u"Secret Service\n"_s;
    QTest::addRow("IMSA_KEYSTORE=file")
            << u"file"_s
            << u"file "_s + file + u" (not encrypted)\nIMSA_KEYSTORE=file; secrets are kept in "_s
                    + file + u" (mode 0600, not encrypted)"_s;
    QTest::addRow("unknown IMSA_KEYSTORE is ignored")
            << u"tpm"_s
            << u"Secret Service\nIMSA_KEYSTORE=tpm is neither \"keychain\" nor \"file\" and was ignored"_s;
}

void tst_KeychainKeyStore::chooseKeyStore()
{
    QFETCH(QString, forced);
    QFETCH(QString, expected);

    if (!forced.isEmpty())
        qputenv("IMSA_KEYSTORE", forced.toUtf8());
    QCOMPARE(chooseNow(), expected);
}

void tst_KeychainKeyStore::hungKeyringTimesOutOnce()
{
    const qint64 daemon = secretServicePid();
    QVERIFY2(daemon > 0, "no process owns org.freedesktop.secrets");
    KeychainKeyStore store(std::chrono::seconds(1));
    QCOMPARE(blocking.write(store, u"hung"_s, "before"), QString());

    // A stopped daemon never answers: the call must give up on its own, and only once.
    QCOMPARE(::kill(static_cast<pid_t>(daemon), SIGSTOP), 0);
    auto resume = qScopeGuard([daemon] {
        ::kill(static_cast<pid_t>(daemon), SIGCONT);
    });
    QObject context;
    int calls = 0;
    QString outcome;
    store.read(u"hung"_s, &context, [&](const ReadResult &result) {
        ++calls;
        outcome = show(result);
    });
    QTRY_COMPARE_WITH_TIMEOUT(calls, 1, callbackTimeoutMs);
    QCOMPARE(outcome,
             u"error: Secret Service not reachable: no answer within 1 s (a keyring waiting to be "
             "unlocked, or a hung keyring daemon)"_s);

    // Once resumed, the abandoned read finishes before the next job (QtKeychain runs them in
    // order), and its late answer is not delivered a second time.
    resume.dismiss();
    QCOMPARE(::kill(static_cast<pid_t>(daemon), SIGCONT), 0);
    QCOMPARE(show(blocking.read(store, u"hung"_s)), value("before"));
    QCOMPARE(calls, 1);
}

void tst_KeychainKeyStore::probeFailsWithoutBus()
{
    QCOMPARE(probeNow(), u"unavailable: "_s + noBusError);
}

void tst_KeychainKeyStore::readFailsWithoutBus()
{
    KeychainKeyStore store;
    QCOMPARE(show(blocking.read(store, u"aws"_s)), u"error: "_s + noBusError);
}

void tst_KeychainKeyStore::writeFailsWithoutBus()
{
    KeychainKeyStore store;
    QCOMPARE(blocking.write(store, u"aws"_s, "secret"), noBusError);
    QCOMPARE(blocking.remove(store, u"aws"_s), noBusError);
}

void tst_KeychainKeyStore::chooseFallsBackToFileWithoutBus()
{
    const QString file = m_stateHome.path() + u"/imsa/keystore.json"_s;
    QCOMPARE(chooseNow(),
             u"file "_s + file + u" (not encrypted)\nno Secret Service available ("_s + noSessionBus
                     + u"); secrets are kept in "_s + file + u" (mode 0600, not encrypted)"_s);
}

void tst_KeychainKeyStore::probeSecretServiceDecidesAtOnceWithoutBus()
{
    // Decided from the bus connection, not by a keychain call that could wait for its timeout.
    QCOMPARE(probeNow(&imsa::app::probeSecretService), u"unavailable: "_s + noSessionBus);
}

void tst_KeychainKeyStore::probeSecretServiceDecidesAtOnceWithoutSecretService()
{
    QCOMPARE(probeNow(&imsa::app::probeSecretService), u"unavailable: "_s + noSecretService);
}

void tst_KeychainKeyStore::chooseFallsBackToFileWithoutSecretService()
{
    const QString file = m_stateHome.path() + u"/imsa/keystore.json"_s;
    QCOMPARE(chooseNow(),
             u"file "_s + file + u" (not encrypted)\nno Secret Service available ("_s
                     + noSecretService + u"); secrets are kept in "_s + file
                     + u" (mode 0600, not encrypted)"_s);
}

QTEST_GUILESS_MAIN(tst_KeychainKeyStore)
#include "tst_keychainkeystore.moc"
