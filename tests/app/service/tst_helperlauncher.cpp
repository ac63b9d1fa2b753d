#include <fcntl.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <QDir>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/helpertestsupport.h"

using namespace imsa::app;
using namespace imsa::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

class tst_HelperLauncher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void missingHelperNamesSetcapCommand_data();
    void missingHelperNamesSetcapCommand();
    void helperPathFor_data();
    void helperPathFor();
    void fakeHelperFailureIsReported_data();
    void fakeHelperFailureIsReported();
    void hangingHelperIsStoppedAfterTimeout();
    void helperGetsOnlyItsSocketAndNoEnvironment();
    void realMetadataServiceIsNamed();
    void removeMetadataAddressReportsTheOutcome_data();
    void removeMetadataAddressReportsTheOutcome();
    // Last: it sets no_new_privs on this test process, which cannot be undone.
    void noNewPrivilegesIsNamedInsteadOfSetcap();

private:
    QTemporaryDir m_dir;
};

void tst_HelperLauncher::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void tst_HelperLauncher::missingHelperNamesSetcapCommand_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("shellWord"); // how the path appears in the command

    QTest::addRow("plain path") << u"no-such-helper"_s << u"%DIR%/no-such-helper"_s;
    QTest::addRow("path with a space and a quote is shell-quoted")
            << u"it's missing"_s << u"'%DIR%/it'\\''s missing'"_s;
}

void tst_HelperLauncher::missingHelperNamesSetcapCommand()
{
    QFETCH(QString, name);
    QFETCH(QString, shellWord);

    const QString path = m_dir.filePath(name);
    const LauncherRun run = runLauncher(path);
    QVERIFY(!run.finishedSynchronously);
    QCOMPARE(run.signalCount, 1);
    QCOMPARE(run.result.listeningFd, qintptr(-1));
    QVERIFY2(run.result.error.startsWith(u"The privileged helper "_s + path + u" is missing"_s),
             qPrintable(run.result.error));
    const QString command = u"sudo setcap cap_net_bind_service,cap_net_admin+ep "_s
            + QString(shellWord).replace(u"%DIR%"_s, m_dir.path());
    QVERIFY2(run.result.error.endsWith(u"run: "_s + command), qPrintable(run.result.error));
}

void tst_HelperLauncher::helperPathFor_data()
{
    QTest::addColumn<QStringList>("files");
    QTest::addColumn<QString>("expected");

    QTest::addRow("installed layout wins over the build tree")
            << QStringList{u"libexec/imsa/imsa-helper"_s, u"bin/imsa-helper"_s}
            << u"libexec/imsa/imsa-helper"_s;
    QTest::addRow("build tree: next to the program")
            << QStringList{u"bin/imsa-helper"_s} << u"bin/imsa-helper"_s;
    QTest::addRow("nothing found: the system location")
            << QStringList{} << u"/usr/libexec/imsa/imsa-helper"_s;
}

void tst_HelperLauncher::helperPathFor()
{
    QFETCH(QStringList, files);
    QFETCH(QString, expected);

    QTemporaryDir prefix;
    QVERIFY(prefix.isValid());
    QVERIFY(QDir(prefix.path()).mkpath(u"bin"_s));
    for (const QString &file : files) {
        QVERIFY(QDir(prefix.path()).mkpath(QFileInfo(file).path()));
        QVERIFY(writeScript(prefix.filePath(file), u"exit 0"_s));
    }
    const QString result = HelperLauncher::helperPathFor(prefix.filePath(u"bin"_s));
    QCOMPARE(result, expected.startsWith(u'/') ? expected : prefix.filePath(expected));
}

void tst_HelperLauncher::fakeHelperFailureIsReported_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QStringList>("expected"); // %HELPER% stands for the script's path

    QTest::addRow("port taken: bind EADDRINUSE")
            << u"printf 'ERR bind EADDRINUSE: Address already in use\\n' >&3; exit 1"_s
            << QStringList{u"Port 80 on 169.254.169.254 is already in use (by another imsa or "
                           "aws-vault?)"_s,
                           u"sudo ss -ltnp 'sport = :80'"_s,
                           u"(bind EADDRINUSE: Address already in use)"_s};
    QTest::addRow("no CAP_NET_ADMIN: add-address EPERM")
            << u"printf 'ERR add-address EPERM: Operation not permitted\\n' >&3; exit 1"_s
            << QStringList{u"lacks the capabilities"_s,
                           u"(add-address EPERM: Operation not permitted)"_s,
                           u"Run: " + setcapCommand(u"%HELPER%"_s)};
    QTest::addRow("no CAP_NET_BIND_SERVICE: bind EACCES")
            << u"printf 'ERR bind EACCES: Permission denied\\n' >&3; exit 1"_s
            << QStringList{u"(bind EACCES: Permission denied)"_s,
                           u"Run: " + setcapCommand(u"%HELPER%"_s)};
    QTest::addRow("other failure: passed on verbatim")
            << u"printf 'ERR listen ENOBUFS: No buffer space available\\n' >&3; exit 1"_s
            << QStringList{u"could not listen on 169.254.169.254:80: listen ENOBUFS: No buffer "
                           "space available"_s};
    QTest::addRow("refusal: exit code 2 with the reason on stderr")
            << u"echo 'imsa-helper: refusing to run setuid' >&2; exit 2"_s
            << QStringList{u"%HELPER% refused to run: imsa-helper: refusing to run setuid"_s};
    QTest::addRow("OK without a socket")
            << u"printf 'OK\\n' >&3; exit 0"_s
            << QStringList{u"reported success but handed over no listening socket"_s};
    QTest::addRow("unexpected status line") << u"printf 'HELLO\\n' >&3; exit 0"_s
                                            << QStringList{u"sent an unexpected status: HELLO"_s};
    QTest::addRow("exit without a status")
            << u"echo 'something broke' >&2; exit 7"_s
            << QStringList{u"exited with code 7 without reporting a status. something broke"_s};
    QTest::addRow("crash") << u"kill -SEGV $$"_s << QStringList{u"%HELPER% crashed"_s};
}

void tst_HelperLauncher::fakeHelperFailureIsReported()
{
    QFETCH(QString, script);
    QFETCH(QStringList, expected);
    if (::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 && expected.join(u' ').contains(u"setcap"_s))
        QSKIP("this test runs with no_new_privs, where the launcher rightly gives no setcap "
              "advice");

    const QString path = m_dir.filePath(u"fake-helper"_s);
    QVERIFY(writeScript(path, script));
    const LauncherRun run = runLauncher(path);
    QVERIFY(!run.finishedSynchronously);
    QCOMPARE(run.signalCount, 1);
    QCOMPARE(run.result.listeningFd, qintptr(-1));
    for (QString part : expected) {
        part.replace(u"%HELPER%"_s, path);
        QVERIFY2(run.result.error.contains(part),
                 qPrintable(u"'%1' lacks '%2'"_s.arg(run.result.error, part)));
    }
}

void tst_HelperLauncher::hangingHelperIsStoppedAfterTimeout()
{
    const QString path = m_dir.filePath(u"hanging-helper"_s);
    QVERIFY(writeScript(path, u"exec /bin/sleep 30"_s));
    const LauncherRun run = runLauncher(path, 300ms);
    QCOMPARE(run.signalCount, 1);
    QCOMPARE(run.result.listeningFd, qintptr(-1));
    QVERIFY2(run.result.error.contains(u"did not answer within 300 ms and was stopped"_s),
             qPrintable(run.result.error));
}

void tst_HelperLauncher::helperGetsOnlyItsSocketAndNoEnvironment()
{
    // An inheritable descriptor (no FD_CLOEXEC) at a fixed number, as a careless library
    // might leave one.
    const int open = ::open("/dev/null", O_RDONLY);
    QVERIFY(open >= 0);
    const int leakable = ::fcntl(open, F_DUPFD, 100);
    ::close(open);
    QCOMPARE(leakable, 100);
    QCOMPARE(::fcntl(leakable, F_GETFD), 0);
    qputenv("IMSA_LEAK_PROBE", "secret-looking value");

    const QString path = m_dir.filePath(u"probe-helper"_s);
    const QString probe = uR"sh(s=ok
[ -S /proc/$$/fd/3 ] || s="fd 3 is not a socket"
[ -e /proc/$$/fd/100 ] && s="fd 100 leaked"
[ "$(/usr/bin/readlink /proc/$$/fd/0)" = /dev/null ] || s="stdin is not /dev/null"
[ "$(/usr/bin/readlink /proc/$$/fd/1)" = /dev/null ] || s="stdout is not /dev/null"
[ $# -eq 1 ] && [ "$1" = --fd=3 ] || s="arguments are: $*"
[ -z "${IMSA_LEAK_PROBE-}" ] || s="environment leaked"
echo "probe: $s" >&2
exit 2)sh"_s;
    QVERIFY(writeScript(path, probe));
    const LauncherRun run = runLauncher(path);
    ::close(leakable);
    qunsetenv("IMSA_LEAK_PROBE");
    QCOMPARE(run.signalCount, 1);
    QVERIFY2(run.result.error.endsWith(u"refused to run: probe: ok"_s),
             qPrintable(run.result.error));
}

void tst_HelperLauncher::realMetadataServiceIsNamed()
{
    const QString path = m_dir.filePath(u"cloud-helper"_s);
    QVERIFY(writeScript(path,
                        u"printf 'ERR check-network EADDRINUSE: Address already in use\\n' >&3; "
                        "exit 1"_s));
    const LauncherRun run = runLauncher(path);
    QCOMPARE(run.result.listeningFd, qintptr(-1));
    QVERIFY2(run.result.error.startsWith(u"This machine already reaches an instance metadata "
                                         "service at 169.254.169.254:80 (a cloud VM?)"_s),
             qPrintable(run.result.error));
}

void tst_HelperLauncher::removeMetadataAddressReportsTheOutcome_data()
{
    QTest::addColumn<QString>("script");
    QTest::addColumn<QString>("error"); // empty: success; %HELPER% stands for the script's path

    // The helper gets exactly `--remove`, no environment and nothing beyond stdio.
    QTest::addRow("removed") << uR"sh([ $# -eq 1 ] && [ "$1" = --remove ] || exit 9
[ -z "${IMSA_LEAK_PROBE-}" ] || exit 9
[ -e /proc/$$/fd/100 ] && exit 9
echo OK)sh"_s << QString();
    QTest::addRow("something still listens there")
            << u"echo 'ERR check-listener EADDRINUSE: Address already in use'; exit 1"_s
            << u"Could not take 169.254.169.254 off lo with %HELPER%: check-listener "
               "EADDRINUSE: Address already in use"_s;
    QTest::addRow("refused: the reason from stderr")
            << u"echo 'imsa-helper: unknown argument' >&2; exit 2"_s
            << u"Could not take 169.254.169.254 off lo with %HELPER%: imsa-helper: unknown "
               "argument"_s;
    QTest::addRow("missing helper")
            << QString() << u"Could not take 169.254.169.254 off lo: %HELPER% ("_s;
}

void tst_HelperLauncher::removeMetadataAddressReportsTheOutcome()
{
    QFETCH(QString, script);
    QFETCH(QString, error);
    const QString path = m_dir.filePath(u"remove-helper"_s);
    QFile::remove(path);
    if (!script.isEmpty())
        QVERIFY(writeScript(path, script));
    qputenv("IMSA_LEAK_PROBE", "x");
    const int open = ::open("/dev/null", O_RDONLY);
    const int leakable = ::fcntl(open, F_DUPFD, 100);
    ::close(open);
    QCOMPARE(::fcntl(leakable, F_GETFD), 0);

    const auto removed = HelperLauncher::removeMetadataAddress(path);
    const QString result = removed ? QString() : removed.error().message;
    ::close(leakable);
    qunsetenv("IMSA_LEAK_PROBE");
    error.replace(u"%HELPER%"_s, path);
    if (error.isEmpty())
        QCOMPARE(result, QString());
    else
        QVERIFY2(result.startsWith(error), qPrintable(result));
}

void tst_HelperLauncher::noNewPrivilegesIsNamedInsteadOfSetcap()
{
    // With no_new_privs, exec ignores file capabilities, so setcap advice would not help.
    QCOMPARE(::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
    const QString path = m_dir.filePath(u"nnp-helper"_s);
    QVERIFY(writeScript(
            path, u"printf 'ERR add-address EPERM: Operation not permitted\\n' >&3; exit 1"_s));
    const LauncherRun run = runLauncher(path);
    QCOMPARE(run.signalCount, 1);
    QVERIFY2(run.result.error.contains(u"imsa runs with no_new_privs"_s),
             qPrintable(run.result.error));
    QVERIFY2(run.result.error.contains(u"(add-address EPERM: Operation not permitted)"_s),
             qPrintable(run.result.error));
    QVERIFY2(!run.result.error.contains(u"setcap"_s), qPrintable(run.result.error));
}

QTEST_GUILESS_MAIN(tst_HelperLauncher)
#include "tst_helperlauncher.moc"
