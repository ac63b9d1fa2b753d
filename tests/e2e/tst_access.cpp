// Who took the credentials (issue #16), with real programs on loopback: curl and a Python
// client fetch credentials from the running app and show up in `imsa log --json` with their
// pid and executable; `access: ask` keeps an unknown client out until `imsa allow`.
#include <unistd.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

const QString python = u"/usr/bin/python3"_s;

// Prints its pid, then fetches the served role's credentials the way an SDK does (IMDSv2);
// exits 0 with credentials, 3 when refused.
const QByteArray clientScript = R"(
import os, sys, urllib.request, urllib.error
print(os.getpid(), flush=True)
base = sys.argv[1]
def call(method, path, headers):
    request = urllib.request.Request(base + path, method=method, headers=headers)
    with urllib.request.urlopen(request, timeout=5) as answer:
        return answer.read().decode()
token = call("PUT", "latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds": "60"})
headers = {"X-aws-ec2-metadata-token": token}
role = call("GET", "latest/meta-data/iam/security-credentials/", headers)
try:
    call("GET", "latest/meta-data/iam/security-credentials/" + role, headers)
except urllib.error.HTTPError:
    sys.exit(3)
)";

struct Client
{
    qint64 pid = -1;
    int exitCode = -1;
};

} // namespace

class tst_Access : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void curlAndPythonAreLoggedWithPidAndExecutable();
    void awsCliIsToldApartFromOtherPythonPrograms();
    void askKeepsAnUnknownClientOutUntilAllowed();
    void followShowsNewLinesAsTheyCome();
    void repeatsOnOneConnectionAreCounted();
    void exportIsLoggedWithItsCaller();
    void exportOfAnAskProfileNeedsTheCallerApproved();
    void aClientOfAnotherUserIsLoggedByItsUid();
    void badAccessValueIsAConfigError();

private:
    void writeConfig(const QByteArray &devAccess);
    /// Runs `program ARGUMENTS`, which print their own pid first.
    Client runClient(const QString &program, const QStringList &arguments);

    Client runPython()
    {
        return runClient(python, {m_env->path(u"client.py"_s), m_env->endpoint()});
    }

    Client runCurl();
    QList<QJsonObject> logLines(const QStringList &options = {});
    static std::optional<QJsonObject> lineOf(const QList<QJsonObject> &lines, qint64 pid);

    std::unique_ptr<E2eEnvironment> m_env;
};

void tst_Access::init()
{
    if (!QFile::exists(python) || !QFile::exists(u"/usr/bin/curl"_s))
        QSKIP("python3 and curl are needed (scripts/setup-debian.sh --with-tests)");
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeDefaultConfig();
    m_env->writeFile(u"client.py"_s, clientScript);
    QVERIFY2(m_env->startSts(), qPrintable(m_env->error()));
}

void tst_Access::cleanup()
{
    m_env.reset();
}

void tst_Access::writeConfig(const QByteArray &devAccess)
{
    QFile file(m_env->path(u"home/.imsa"_s));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QByteArray config = file.readAll();
    file.close();
    const QByteArray withAccess = "  region: eu-west-1\n  access: " + devAccess + '\n';
    config.replace("  region: eu-west-1\n", withAccess);
    m_env->writeFile(u"home/.imsa"_s, config);
}

Client tst_Access::runClient(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessEnvironment(m_env->environment());
    process.setWorkingDirectory(m_env->path(u"home"_s));
    process.start(program, arguments);
    Client client;
    if (!process.waitForFinished(30'000)) {
        process.kill();
        process.waitForFinished(2000);
        return client;
    }
    client.pid = process.readAllStandardOutput().split('\n').first().trimmed().toLongLong();
    client.exitCode = process.exitCode();
    return client;
}

Client tst_Access::runCurl()
{
    // The shell prints its pid and becomes curl: the pid curl connects with.
    const QString url =
            m_env->endpoint() + u"latest/meta-data/iam/security-credentials/Developer"_s;
    return runClient(u"/bin/sh"_s,
                     {u"-c"_s, u"echo $$; exec /usr/bin/curl -sf -o /dev/null \"$0\""_s, url});
}

QList<QJsonObject> tst_Access::logLines(const QStringList &options)
{
    const CommandResult log = m_env->imsa(QStringList{u"log"_s, u"--json"_s} + options);
    if (log.exitCode != 0)
        qWarning() << log.err;
    QList<QJsonObject> lines;
    for (const QString &line : log.out.split(u'\n', Qt::SkipEmptyParts))
        lines.append(QJsonDocument::fromJson(line.toUtf8()).object());
    return lines;
}

std::optional<QJsonObject> tst_Access::lineOf(const QList<QJsonObject> &lines, qint64 pid)
{
    for (const QJsonObject &line : lines) {
        if (line.value(u"pid"_s).toInteger() == pid)
            return line;
    }
    return std::nullopt;
}

void tst_Access::curlAndPythonAreLoggedWithPidAndExecutable()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));

    const Client curl = runCurl();
    QCOMPARE(curl.exitCode, 0);
    const Client pythonClient = runPython();
    QCOMPARE(pythonClient.exitCode, 0);

    const QList<QJsonObject> lines = logLines();
    const std::optional<QJsonObject> curlLine = lineOf(lines, curl.pid);
    QVERIFY2(curlLine, qPrintable(u"no line for curl's pid %1"_s.arg(curl.pid)));
    QCOMPARE(curlLine->value(u"exe"_s).toString(), u"/usr/bin/curl"_s);
    QCOMPARE(curlLine->value(u"profile"_s).toString(), u"dev"_s);
    QCOMPARE(curlLine->value(u"route"_s).toString(), u"imds"_s);
    QCOMPARE(curlLine->value(u"result"_s).toString(), u"served"_s);
    QCOMPARE(curlLine->value(u"uid"_s).toInteger(), qint64(::getuid()));
    QVERIFY(curlLine->value(u"cmdline"_s).toString().startsWith(u"/usr/bin/curl -sf"_s));

    const std::optional<QJsonObject> pythonLine = lineOf(lines, pythonClient.pid);
    QVERIFY2(pythonLine, qPrintable(u"no line for python's pid %1"_s.arg(pythonClient.pid)));
    const QString interpreter = QFileInfo(python).canonicalFilePath();
    QCOMPARE(pythonLine->value(u"exe"_s).toString(), interpreter);
    QCOMPARE(pythonLine->value(u"program"_s).toString(),
             interpreter + u' ' + m_env->path(u"client.py"_s));

    // The people's view and the filters.
    const CommandResult text = m_env->imsa({u"log"_s});
    QVERIFY(text.out.contains(u"pid %1 /usr/bin/curl"_s.arg(curl.pid)));
    QVERIFY(logLines({u"--profile"_s, u"prod"_s}).isEmpty());
    QCOMPARE(logLines({u"--since"_s, u"1h"_s}).size(), lines.size());
    QVERIFY(logLines({u"--since"_s, u"2999-01-01"_s}).isEmpty());
}

void tst_Access::awsCliIsToldApartFromOtherPythonPrograms()
{
    const QString awsCli = u"/usr/bin/aws"_s; // Debian's v2, a Python script
    if (!QFile::exists(awsCli))
        QSKIP("Debian's awscli is needed (scripts/setup-debian.sh --with-tests)");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));
    const CommandResult aws = m_env->run(awsCli,
                                         {u"sts"_s, u"get-caller-identity"_s, u"--endpoint-url"_s,
                                          m_env->stsUrl(), u"--query"_s, u"Arn"_s},
                                         m_env->clientEnvironment());
    QVERIFY2(aws.exitCode == 0, qPrintable(aws.err));
    QCOMPARE(runPython().exitCode, 0);

    QStringList programs;
    for (const QJsonObject &line : logLines())
        programs.append(line.value(u"program"_s).toString());
    const QString interpreter = QFileInfo(python).canonicalFilePath();
    QVERIFY2(programs.contains(interpreter + u" /usr/bin/aws"_s), qPrintable(programs.join(u'|')));
    QVERIFY(programs.contains(interpreter + u' ' + m_env->path(u"client.py"_s)));
}

void tst_Access::askKeepsAnUnknownClientOutUntilAllowed()
{
    writeConfig("ask");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));

    const Client refused = runPython();
    QCOMPARE(refused.exitCode, 3);
    const std::optional<QJsonObject> denied = lineOf(logLines(), refused.pid);
    QVERIFY(denied);
    QCOMPARE(denied->value(u"result"_s).toString(), u"denied"_s);

    // As a user would type it: the interpreter (a link to python3.X) and the script.
    const CommandResult allow =
            m_env->imsa({u"allow"_s, u"dev"_s, python, m_env->path(u"client.py"_s)});
    QVERIFY2(allow.exitCode == 0, qPrintable(allow.err));
    const Client served = runPython();
    QCOMPARE(served.exitCode, 0);
    QCOMPARE(lineOf(logLines(), served.pid)->value(u"result"_s).toString(), u"served"_s);

    // Approving that script approved neither curl nor Python as a whole.
    QCOMPARE(runCurl().exitCode, 22); // curl -f: HTTP 404
    const Client inlineCode =
            runClient(python, {u"-c"_s, QString::fromUtf8(clientScript), m_env->endpoint()});
    QCOMPARE(inlineCode.exitCode, 3);

    const CommandResult deny =
            m_env->imsa({u"deny"_s, u"dev"_s, python, m_env->path(u"client.py"_s)});
    QVERIFY2(deny.exitCode == 0, qPrintable(deny.err));
    QCOMPARE(runPython().exitCode, 3);
}

void tst_Access::followShowsNewLinesAsTheyCome()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));
    QProcess follow;
    follow.setProcessEnvironment(m_env->environment());
    follow.start(imsaBinary(), {u"log"_s, u"--follow"_s, u"--json"_s, u"--profile"_s, u"dev"_s});
    QVERIFY(follow.waitForStarted(5000));

    const Client curl = runCurl();
    QCOMPARE(curl.exitCode, 0);
    const QByteArray pidField = "\"pid\":" + QByteArray::number(curl.pid) + ',';
    QByteArray shown;
    QTRY_VERIFY_WITH_TIMEOUT((shown += follow.readAllStandardOutput()).contains(pidField), 5000);
    follow.kill();
    QVERIFY(follow.waitForFinished(5000));
}

void tst_Access::repeatsOnOneConnectionAreCounted()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));
    // Five credentials fetches on one keep-alive connection, as an SDK's pool does.
    const QString keepAlive = uR"(
import http.client, os, sys, urllib.parse
print(os.getpid(), flush=True)
url = urllib.parse.urlparse(sys.argv[1])
connection = http.client.HTTPConnection(url.hostname, url.port, timeout=5)
for _ in range(5):
    connection.request("GET", "/latest/meta-data/iam/security-credentials/Developer")
    assert connection.getresponse().read()
connection.close()
)"_s;
    const Client client = runClient(python, {u"-c"_s, keepAlive, m_env->endpoint()});
    QCOMPARE(client.exitCode, 0);
    // The repeats are written when the app sees the connection end.
    QList<QJsonObject> ofClient;
    QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                ofClient.clear();
                for (const QJsonObject &line : logLines()) {
                    if (line.value(u"pid"_s).toInteger() == client.pid)
                        ofClient.append(line);
                }
                return ofClient.size() == 2;
            }(),
            5000);
    QVERIFY(!ofClient.at(0).contains(u"repeats"_s));
    QCOMPARE(ofClient.at(1).value(u"repeats"_s).toInteger(), 4);
    QCOMPARE(ofClient.at(1).value(u"result"_s).toString(), u"served"_s);
}

void tst_Access::exportIsLoggedWithItsCaller()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult exported =
            m_env->imsa({u"export"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    const QList<QJsonObject> lines = logLines();
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().value(u"route"_s).toString(), u"cli"_s);
    QCOMPARE(lines.first().value(u"profile"_s).toString(), u"dev"_s);
    QVERIFY(lines.first().value(u"cmdline"_s).toString().contains(u"export dev"_s));
    QVERIFY(lines.first().value(u"pid"_s).toInteger() > 0);
    // The program is the one that ran imsa: this test.
    QCOMPARE(lines.first().value(u"program"_s).toString(),
             QFileInfo(QCoreApplication::applicationFilePath()).canonicalFilePath());
    for (const QJsonObject &line : lines) // never a secret in the log
        QVERIFY(!QJsonDocument(line).toJson().contains(E2eEnvironment::secretAccessKey));
}

void tst_Access::exportOfAnAskProfileNeedsTheCallerApproved()
{
    writeConfig("ask");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // The program asked about is the one that ran imsa: this test.
    const QString caller = QFileInfo(QCoreApplication::applicationFilePath()).canonicalFilePath();
    const CommandResult refused =
            m_env->imsa({u"export"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains(u"%1 is not approved for dev: imsa allow dev %1"_s.arg(caller)),
             qPrintable(refused.err));
    QVERIFY(!refused.out.contains(QLatin1StringView(E2eEnvironment::secretAccessKey)));
    const CommandResult process = m_env->imsa({u"credential-process"_s, u"dev"_s});
    QVERIFY(process.exitCode != 0);
    QVERIFY2(process.err.contains(u"is not approved for dev"_s), qPrintable(process.err));
    const QList<QJsonObject> lines = logLines();
    QCOMPARE(lines.size(), 2);
    QCOMPARE(lines.first().value(u"route"_s).toString(), u"cli"_s);
    QCOMPARE(lines.first().value(u"result"_s).toString(), u"denied"_s);
    QCOMPARE(lines.first().value(u"program"_s).toString(), caller);

    const CommandResult allow = m_env->imsa({u"allow"_s, u"dev"_s, caller});
    QVERIFY2(allow.exitCode == 0, qPrintable(allow.err));
    const CommandResult exported =
            m_env->imsa({u"export"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.err));
    QVERIFY(exported.out.contains(u"AWS_SECRET_ACCESS_KEY"_s));
}

void tst_Access::aClientOfAnotherUserIsLoggedByItsUid()
{
    if (::geteuid() != 0 || !QFile::exists(u"/usr/bin/setpriv"_s))
        QSKIP("needs root and setpriv to run a client as another uid");
    writeConfig("ask");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));

    // uid 65534 (nobody): its /proc/PID/fd is closed to us, so only the kernel's uid is known,
    // and an `ask` profile refuses it.
    const QString url =
            m_env->endpoint() + u"latest/meta-data/iam/security-credentials/Developer"_s;
    const CommandResult other = m_env->run(
            u"/usr/bin/setpriv"_s,
            {u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s, u"/usr/bin/curl"_s,
             u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-w"_s, u"%{http_code}"_s, url});
    QCOMPARE(other.out, u"404"_s);
    const QList<QJsonObject> lines = logLines();
    QCOMPARE(lines.size(), 1);
    QCOMPARE(lines.first().value(u"uid"_s).toInteger(), 65534);
    QCOMPARE(lines.first().value(u"pid"_s).toInteger(), -1);
    QCOMPARE(lines.first().value(u"unresolved"_s).toString(), u"other user"_s);
    QCOMPARE(lines.first().value(u"result"_s).toString(), u"denied"_s);
}

void tst_Access::badAccessValueIsAConfigError()
{
    writeConfig("sometimes");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult profiles = m_env->imsa({u"profiles"_s});
    const QString expected = m_env->path(u"home/.imsa"_s)
            + u":12:11: profile 'dev', key 'access': must be allow, notify or ask"_s;
    const QString printed = profiles.out + profiles.err;
    QVERIFY2(printed.contains(expected), qPrintable(printed));
}

QTEST_GUILESS_MAIN(tst_Access)
#include "tst_access.moc"
