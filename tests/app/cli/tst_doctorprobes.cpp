#include <unistd.h>

#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "cli/doctorprobes.h"
#include "cli/firstrun.h"

using namespace Qt::StringLiterals;
using namespace imsa::cli;

// What `imsa doctor` reads from the system (doctorprobes.cpp), checked against this process
// and local stand-ins; the first-run text; and one run of the real binary. Nothing here
// leaves 127.0.0.1.
namespace {

/// Answers every connection with `response` once the request has arrived, or never.
class StandInHttp : public QTcpServer
{
public:
    explicit StandInHttp(QByteArray response)
        : m_response(std::move(response))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    if (!socket->readAll().contains("\r\n\r\n") || m_response.isEmpty())
                        return;
                    socket->write(m_response);
                    socket->disconnectFromHost();
                });
            }
        });
    }

    QUrl url() const { return QUrl(u"http://127.0.0.1:%1/"_s.arg(serverPort())); }

private:
    QByteArray m_response;
};

} // namespace

class tst_DoctorProbes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseHttpDate_data();
    void parseHttpDate();
    void fetchServerDate_data();
    void fetchServerDate();
    void fetchServerDateTimesOut();
    void findsOwnListeningSocket();
    void hasNoNewPrivileges_data();
    void hasNoNewPrivileges();
    void runCommandReportsExitAndOutput();
    void runCommandReportsWhatCannotStart();
    void exampleImsaFileIsValid();
    void firstRunHelpNamesTheFiles();
    void binaryReportsEnvironmentKeys();
};

void tst_DoctorProbes::parseHttpDate_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QDateTime>("expected");
    // RFC 9110 section 5.6.7's own example.
    QTest::addRow("IMF-fixdate") << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT")
                                 << QDateTime(QDate(1994, 11, 6), QTime(8, 49, 37), Qt::UTC);
    QTest::addRow("surrounding spaces")
            << QByteArray(" Wed, 25 Nov 2026 23:59:59 GMT ")
            << QDateTime(QDate(2026, 11, 25), QTime(23, 59, 59), Qt::UTC);
    QTest::addRow("not GMT") << QByteArray("Sun, 06 Nov 1994 08:49:37 +0100") << QDateTime();
    QTest::addRow("RFC 850 form") << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << QDateTime();
    QTest::addRow("impossible day") << QByteArray("Sun, 31 Nov 1994 08:49:37 GMT") << QDateTime();
    QTest::addRow("empty") << QByteArray() << QDateTime();
}

void tst_DoctorProbes::parseHttpDate()
{
    QFETCH(QByteArray, value);
    QFETCH(QDateTime, expected);
    const std::optional<QDateTime> parsed = imsa::cli::parseHttpDate(value);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

void tst_DoctorProbes::fetchServerDate_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<QString>("expected"); // ISO date, or text the error contains
    QTest::addRow("an error status still carries the time")
            << QByteArray("HTTP/1.1 404 Not Found\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                          "Content-Length: 0\r\nConnection: close\r\n\r\n")
            << u"1994-11-06T08:49:37Z"_s;
    QTest::addRow("a redirect is not followed")
            << QByteArray("HTTP/1.1 302 Found\r\nDate: Wed, 25 Nov 2026 10:00:00 GMT\r\n"
                          "Location: http://192.0.2.1/\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n")
            << u"2026-11-25T10:00:00Z"_s;
    QTest::addRow("no Date header") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"
                                                  "Connection: close\r\n\r\n")
                                    << u"no Date header"_s;
    QTest::addRow("a broken Date header")
            << QByteArray("HTTP/1.1 200 OK\r\nDate: yesterday\r\nContent-Length: 0\r\n"
                          "Connection: close\r\n\r\n")
            << u"not an HTTP date"_s;
}

void tst_DoctorProbes::fetchServerDate()
{
    QFETCH(QByteArray, response);
    QFETCH(QString, expected);
    StandInHttp server(response);
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const imsa::Result<QDateTime, imsa::Failure> date =
            imsa::cli::fetchServerDate(server.url(), 5000);
    if (date)
        QCOMPARE(date.value().toString(Qt::ISODate), expected);
    else
        QVERIFY2(date.error().message.contains(expected), qPrintable(date.error().message));
}

void tst_DoctorProbes::fetchServerDateTimesOut()
{
    StandInHttp silent{QByteArray()};
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    QElapsedTimer timer;
    timer.start();
    const imsa::Result<QDateTime, imsa::Failure> date =
            imsa::cli::fetchServerDate(silent.url(), 300);
    QVERIFY(!date.ok());
    QVERIFY2(timer.elapsed() < 5000, "the timeout bounds the wait");
}

void tst_DoctorProbes::findsOwnListeningSocket()
{
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    const QList<TcpListener> listeners = tcpListeners();
    const auto mine =
            std::find_if(listeners.cbegin(), listeners.cend(), [&](const TcpListener &listener) {
                return listener.port == server.serverPort()
                        && listener.address == QHostAddress::LocalHost;
            });
    QVERIFY2(mine != listeners.cend(), "/proc/net/tcp lists this test's socket");
    QCOMPARE(mine->uid, uint(::getuid()));
    const std::optional<SocketOwner> owner = findSocketOwner(mine->inode);
    QVERIFY(owner);
    QCOMPARE(owner->pid, qint64(::getpid()));
    QCOMPARE(owner->name, u"tst_doctorprobe"_s); // comm is cut at 15 characters
    QVERIFY(!findSocketOwner(mine->inode, u"/nonexistent"_s));
}

void tst_DoctorProbes::hasNoNewPrivileges_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<bool>("expected");
    QTest::addRow("set") << QByteArray("Name:\tbash\nNoNewPrivs:\t1\nSeccomp:\t2\n") << true;
    QTest::addRow("clear") << QByteArray("Name:\tbash\nNoNewPrivs:\t0\n") << false;
    QTest::addRow("missing (old kernel)") << QByteArray("Name:\tbash\n") << false;
}

void tst_DoctorProbes::hasNoNewPrivileges()
{
    QFETCH(QByteArray, status);
    QFETCH(bool, expected);
    QCOMPARE(imsa::cli::hasNoNewPrivileges(status), expected);
}

void tst_DoctorProbes::runCommandReportsExitAndOutput()
{
    const CommandOutput output =
            runCommand(u"/bin/sh"_s, {u"-c"_s, u"echo cap_net_admin: no; echo oops >&2; exit 1"_s});
    QVERIFY(output.started);
    QCOMPARE(output.exitCode, 1);
    QCOMPARE(output.standardOutput, QByteArray("cap_net_admin: no\n"));
    QCOMPARE(output.standardError, QByteArray("oops\n"));
}

void tst_DoctorProbes::runCommandReportsWhatCannotStart()
{
    QTemporaryDir dir;
    const CommandOutput output = runCommand(dir.filePath(u"absent"_s), {u"--check"_s});
    QVERIFY(!output.started);
    QVERIFY(!output.error.isEmpty());
}

void tst_DoctorProbes::exampleImsaFileIsValid()
{
    const imsa::ProfileSet set = imsa::parseImsaYaml(exampleImsaFile().toUtf8(), u"example"_s);
    QCOMPARE(set.errors.size(), 0);
    QCOMPARE(set.profiles.size(), 2);
    const imsa::Profile *prod = set.find(u"prod"_s);
    QVERIFY(prod);
    QCOMPARE(prod->keyProfile, u"base"_s);
    QCOMPARE(prod->roleArn, u"arn:aws:iam::123456789012:role/Admin"_s);
    QCOMPARE(prod->mfaSerial, u"arn:aws:iam::123456789012:mfa/jane"_s);
    QCOMPARE(prod->region, u"eu-west-1"_s);
}

void tst_DoctorProbes::firstRunHelpNamesTheFiles()
{
    const imsa::ConfigPaths paths{u"/h/.imsa"_s, false, u"/h/.aws/config"_s,
                                  u"/h/.aws/credentials"_s};
    const QString help = firstRunHelp(paths);
    QVERIFY(help.contains(u"save this as /h/.imsa"_s));
    QVERIFY(help.contains(u"chmod 600 /h/.imsa"_s));
    QVERIFY(help.contains(u"Or, in /h/.aws/config:"_s));
    QVERIFY(help.contains(u"with the keys in /h/.aws/credentials:"_s));
    QVERIFY(help.contains(exampleImsaFile()));
    QVERIFY(help.contains(u"Then: imsa assume prod\n"_s));
    // The IAM Identity Center example is a session the AWS CLI and imsa read as it stands.
    const qsizetype session = help.indexOf(u"[sso-session my-sso]"_s);
    QVERIFY(session > 0);
    const QString section = help.mid(session, help.indexOf(u"\n\n"_s, session) - session);
    QString unindented;
    for (const QString &line : section.split(u'\n'))
        unindented += line.trimmed() + u'\n';
    const imsa::ProfileSet set =
            imsa::parseAwsConfig(unindented.toUtf8(), paths.awsConfigFile, {}, {});
    QCOMPARE(set.errors.size(), 0);
    QCOMPARE(set.ssoSignIns().size(), 1);
    QCOMPARE(set.ssoSignIns().constFirst().startUrl, u"https://my-company.awsapps.com/start"_s);
    QVERIFY(help.endsWith(u"Then: imsa login my-sso, and imsa assume ACCOUNT-NAME/ROLE (imsa sso "
                          u"list shows them)\n"_s));
}

void tst_DoctorProbes::binaryReportsEnvironmentKeys()
{
    const QString binary = qEnvironmentVariable("IMSA_BINARY");
    if (binary.isEmpty())
        QSKIP("IMSA_BINARY is not set (ctest sets it)");
    QTemporaryDir home;
    QVERIFY(home.isValid());
    // Not AWS's documented example secret: the first-run example printed below contains that.
    const QString secret = u"e2eSecretThatMustNeverBePrinted/0123456789"_s;
    // A clean environment: no proxy, keychain or AWS setting of the machine leaks in.
    QProcessEnvironment env;
    env.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    env.insert(u"LANG"_s, u"C.UTF-8"_s);
    env.insert(u"HOME"_s, home.path());
    env.insert(u"XDG_STATE_HOME"_s, home.filePath(u"state"_s));
    env.insert(u"IMSA_RUNTIME_DIR"_s, home.filePath(u"run"_s));
    env.insert(u"IMSA_HELPER"_s, home.filePath(u"no-helper"_s));
    env.insert(u"IMSA_KEYSTORE"_s, u"file"_s);
    env.insert(u"ASAN_OPTIONS"_s, u"detect_leaks=0"_s);
    env.insert(u"AWS_ACCESS_KEY_ID"_s, u"AKIAIOSFODNN7EXAMPLE"_s);
    env.insert(u"AWS_SECRET_ACCESS_KEY"_s, secret);
    QProcess doctor;
    doctor.setProcessEnvironment(env);
    doctor.start(binary, {u"doctor"_s, u"--offline"_s});
    QVERIFY2(doctor.waitForStarted(), qPrintable(doctor.errorString()));
    QVERIFY(doctor.waitForFinished(30'000));
    const QString out = QString::fromUtf8(doctor.readAllStandardOutput());
    QCOMPARE(doctor.exitCode(), 1);
    QVERIFY2(out.contains(u"\nFAIL  environment credentials: AWS_ACCESS_KEY_ID, "
                          "AWS_SECRET_ACCESS_KEY are set: AWS tools use them before instance "
                          "metadata Fix: unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY "
                          "AWS_SESSION_TOKEN"_s),
             qPrintable(out));
    QVERIFY2(out.contains(u"\nskip  clock: "_s), qPrintable(out));
    QVERIFY2(out.contains(u"\nFAIL  helper: "_s + home.filePath(u"no-helper"_s)
                          + u" does not exist"_s),
             qPrintable(out));
    QVERIFY2(out.contains(u"imsa has no usable profile yet"_s), qPrintable(out));
    QVERIFY(!out.contains(secret));
}

QTEST_GUILESS_MAIN(tst_DoctorProbes)
#include "tst_doctorprobes.moc"
