// A profile's mfa_process, with real child processes: MfaCommand on its own (codes, endless
// output, timeouts, children that ignore SIGTERM, destruction), and the built app with one
// running (its memory, and how fast SIGTERM ends it).
#include <algorithm>
#include <signal.h>
#include <unistd.h>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "e2e/e2eenvironment.h"
#include "service/mfacommand.h"

using namespace imsa::app;
using namespace imsa::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace {

/// State and process group of a process from /proc/PID/stat; state 0 when it is gone.
struct ProcStat
{
    char state = 0;
    qint64 group = 0;
};

ProcStat procStat(const QString &pid)
{
    QFile file(u"/proc/"_s + pid + u"/stat"_s);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QByteArray text = file.readAll();
    // "PID (COMM) STATE PPID PGRP ...": COMM may hold spaces and parentheses.
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 3 || fields[0].isEmpty())
        return {};
    return ProcStat{fields[0].at(0), fields[2].toLongLong()};
}

/// A process counts as alive until it is gone or a zombie (dead, waiting to be reaped).
bool isAlive(qint64 pid)
{
    const char state = procStat(QString::number(pid)).state;
    return state != 0 && state != 'Z';
}

/// The living processes of process group `group`.
QList<qint64> groupMembers(qint64 group)
{
    QList<qint64> members;
    const QStringList pids = QDir(u"/proc"_s).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &pid : pids) {
        bool numeric = false;
        const qint64 id = pid.toLongLong(&numeric);
        if (!numeric)
            continue;
        const ProcStat stat = procStat(pid);
        if (stat.group == group && stat.state != 0 && stat.state != 'Z')
            members.append(id);
    }
    return members;
}

/// Resident memory in KiB (VmRSS of /proc/PID/status), 0 when unknown.
qint64 residentKiB(qint64 pid)
{
    QFile file(u"/proc/%1/status"_s.arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

QList<qint64> pidsIn(const QString &file)
{
    QFile pids(file);
    QList<qint64> result;
    if (!pids.open(QIODevice::ReadOnly))
        return result;
    for (const QByteArray &line : pids.readAll().split('\n')) {
        if (!line.trimmed().isEmpty())
            result.append(line.trimmed().toLongLong());
    }
    return result;
}

QList<qint64> living(const QList<qint64> &pids)
{
    QList<qint64> result;
    for (qint64 pid : pids) {
        if (isAlive(pid))
            result.append(pid);
    }
    return result;
}

QString describe(const QList<qint64> &pids)
{
    QStringList text;
    for (qint64 pid : pids)
        text.append(QString::number(pid));
    return text.join(u' ');
}

/// Kills what a test started and may have left running, whatever the outcome.
struct PidFileReaper
{
    QString file;

    ~PidFileReaper()
    {
        for (qint64 pid : pidsIn(file))
            ::kill(pid_t(pid), SIGKILL);
    }
};

/// A script for mfa_process that starts a child ignoring SIGTERM and a plain one, records the
/// pids of all three in the file named by its argument, and waits forever.
QString writeForkingScript(const QTemporaryDir &dir)
{
    const QString path = dir.filePath(u"forking.sh"_s);
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly))
        return {};
    script.write("#!/bin/sh\n"
                 "echo $$ >> \"$1\"\n"
                 "sh -c 'trap \"\" TERM; echo $$ >> \"$0\"; exec sleep 600' \"$1\" &\n"
                 "sleep 600 &\n"
                 "echo $! >> \"$1\"\n"
                 "wait\n");
    script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return path;
}

/// What one MfaCommand ended with.
struct Outcome
{
    QSignalSpy code;
    QSignalSpy failure;

    explicit Outcome(MfaCommand &command)
        : code(&command, &MfaCommand::codeReady)
        , failure(&command, &MfaCommand::failed)
    { }

    bool wait(int timeoutMs)
    {
        QElapsedTimer timer;
        timer.start();
        while (code.isEmpty() && failure.isEmpty() && timer.elapsed() < timeoutMs)
            QTest::qWait(10);
        return code.size() + failure.size() == 1;
    }

    QString text() const
    {
        return code.isEmpty() ? u"failed: "_s + failure.first().first().toString()
                              : u"code: "_s + code.first().first().toString();
    }
};

/// The app with ~/.imsa naming `mfaProcess` for profile dev, which has asked for a code.
class AppWithMfaProcess
{
public:
    bool start(const QByteArray &mfaProcess)
    {
        m_env.writeFile(u"home/.imsa"_s,
                        "base:\n  aws_access_key_id: "_ba + E2eEnvironment::accessKeyId
                                + "\n  aws_secret_access_key: " + E2eEnvironment::secretAccessKey
                                + "\n  mfa_serial_number: " + E2eEnvironment::mfaSerial
                                + "\ndev:\n  extends: base\n"
                                  "  role_arn: arn:aws:iam::111111111111:role/Developer\n"
                                  "  mfa_process: "
                                + mfaProcess + "\n");
        if (!m_env.startApp())
            return false;
        // No code and no terminal: the CLI gives up, the app has started mfa_process by then.
        m_env.imsa({u"assume"_s, u"dev"_s});
        return true;
    }

    E2eEnvironment &env() { return m_env; }

    QByteArray log() const
    {
        QFile file(m_env.path(u"state/imsa/imsa.log"_s));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

private:
    E2eEnvironment m_env;
};

} // namespace

class tst_MfaProcessRunner : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void outcome_data();
    void outcome();
    void endlessOutputIsCut();
    void timeoutKillsTheWholeGroup();
    void destructionKillsTheWholeGroupAtOnce();
    void appMemoryStaysSmallWithEndlessOutput();
    void appShutdownDoesNotWait();
};

void tst_MfaProcessRunner::outcome_data()
{
    QTest::addColumn<QString>("command");
    QTest::addColumn<QString>("expected");

    QTest::addRow("a code is handed on") << u"echo 123456"_s << u"code: 123456"_s;
    QTest::addRow("whitespace around the code is dropped")
            << u"printf ' 654321\\n\\n'"_s << u"code: 654321"_s;
    QTest::addRow("standard error is ignored")
            << u"echo 'touch your key' >&2; echo 123456"_s << u"code: 123456"_s;
    QTest::addRow("a child left in the background does not hold up the code")
            << u"sleep 600 & echo 123456"_s << u"code: 123456"_s;
    QTest::addRow("a failed command, its output not quoted")
            << u"echo 123456; exit 3"_s << u"failed: mfa_process for profile p exited with 3"_s;
    QTest::addRow("text that is not a code, not quoted")
            << u"echo 'your code: 123456'"_s
            << u"failed: mfa_process for profile p did not print a 6-digit code"_s;
    QTest::addRow("a crash") << u"kill -KILL $$"_s
                             << u"failed: mfa_process for profile p crashed"_s;
}

void tst_MfaProcessRunner::outcome()
{
    QFETCH(QString, command);
    QFETCH(QString, expected);

    MfaCommand mfa(u"p"_s, command, 20s);
    Outcome outcome(mfa);
    mfa.start();
    const qint64 group = mfa.processId();
    QVERIFY(group > 0);
    QVERIFY(outcome.wait(20'000));
    QCOMPARE(outcome.text(), expected);
    QTRY_COMPARE_WITH_TIMEOUT(describe(groupMembers(group)), QString(), 5'000);
}

void tst_MfaProcessRunner::endlessOutputIsCut()
{
    const qint64 before = residentKiB(::getpid());
    MfaCommand mfa(u"p"_s, u"yes"_s, 60s);
    Outcome outcome(mfa);
    QElapsedTimer timer;
    timer.start();
    mfa.start();
    const qint64 group = mfa.processId();
    QVERIFY(outcome.wait(60'000));
    QCOMPARE(outcome.text(),
             u"failed: mfa_process for profile p printed more than 4096 bytes; killed it"_s);
    // Long before the timeout, and without having kept what it printed.
    QVERIFY2(timer.elapsed() < 30'000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(residentKiB(::getpid()) - before < 16 * 1024,
             qPrintable(u"RSS grew from %1 to %2 KiB"_s.arg(before).arg(residentKiB(::getpid()))));
    QTRY_COMPARE_WITH_TIMEOUT(describe(groupMembers(group)), QString(), 5'000);
}

void tst_MfaProcessRunner::timeoutKillsTheWholeGroup()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pids = dir.filePath(u"pids"_s);
    const PidFileReaper reaper{pids};
    const QString script = writeForkingScript(dir);
    QVERIFY(!script.isEmpty());

    const auto timeout = 2s;
    MfaCommand mfa(u"p"_s, script + u' ' + pids, timeout);
    Outcome outcome(mfa);
    QElapsedTimer timer;
    timer.start();
    mfa.start();
    const qint64 group = mfa.processId();
    QTRY_COMPARE_WITH_TIMEOUT(pidsIn(pids).size(), 3, 10'000);
    QVERIFY(outcome.wait(30'000));
    const qint64 elapsed = timer.elapsed();
    QCOMPARE(outcome.text(),
             u"failed: mfa_process for profile p did not finish within 2 s; killed it"_s);
    // The child ignoring SIGTERM took the SIGKILL after the grace period.
    QVERIFY2(elapsed < (timeout + 3 * MfaCommand::killGrace).count(),
             qPrintable(QString::number(elapsed)));
    QTRY_COMPARE_WITH_TIMEOUT(describe(living(pidsIn(pids))), QString(), 5'000);
    QCOMPARE(describe(groupMembers(group)), QString());
}

void tst_MfaProcessRunner::destructionKillsTheWholeGroupAtOnce()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pids = dir.filePath(u"pids"_s);
    const PidFileReaper reaper{pids};
    const QString script = writeForkingScript(dir);

    auto mfa = std::make_unique<MfaCommand>(u"p"_s, script + u' ' + pids);
    QSignalSpy failures(mfa.get(), &MfaCommand::failed);
    mfa->start();
    const qint64 group = mfa->processId();
    QTRY_COMPARE_WITH_TIMEOUT(pidsIn(pids).size(), 3, 10'000);

    QElapsedTimer timer;
    timer.start();
    mfa.reset();
    QVERIFY2(timer.elapsed() < MfaCommand::killGrace.count(),
             qPrintable(QString::number(timer.elapsed())));
    QTRY_COMPARE_WITH_TIMEOUT(describe(living(pidsIn(pids))), QString(), 5'000);
    QCOMPARE(describe(groupMembers(group)), QString());
    QCOMPARE(failures.size(), 0); // shutting down is no failure to report
}

void tst_MfaProcessRunner::appMemoryStaysSmallWithEndlessOutput()
{
    AppWithMfaProcess app;
    QVERIFY2(app.start("yes"), qPrintable(app.env().error()));
    const qint64 pid = app.env().appPid();
    const qint64 start = residentKiB(pid);
    QVERIFY(start > 0);

    // Watch the app's memory until it reports the command cut off; fail as soon as it grows
    // like a buffer of everything `yes` prints (the reason for this test), not after GBs.
    const QByteArray cut = "mfa_process for profile dev printed more than 4096 bytes; killed it";
    qint64 largest = start;
    QElapsedTimer timer;
    timer.start();
    while (!app.log().contains(cut) && timer.elapsed() < 20'000) {
        largest = std::max(largest, residentKiB(pid));
        QVERIFY2(largest - start < 32 * 1024,
                 qPrintable(u"the app grew from %1 to %2 KiB while mfa_process printed"_s.arg(start)
                                    .arg(largest)));
        QTest::qWait(20);
    }
    QVERIFY2(app.log().contains(cut), app.log().right(2000).constData());
    QVERIFY(!app.log().contains("y\ny\n"));
}

void tst_MfaProcessRunner::appShutdownDoesNotWait()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString pids = dir.filePath(u"pids"_s);
    const PidFileReaper reaper{pids};
    const QString script = writeForkingScript(dir);
    AppWithMfaProcess app;
    QVERIFY2(app.start((script + u' ' + pids).toUtf8()), qPrintable(app.env().error()));
    QTRY_COMPARE_WITH_TIMEOUT(pidsIn(pids).size(), 3, 10'000);

    const qint64 pid = app.env().appPid();
    QElapsedTimer timer;
    timer.start();
    ::kill(pid_t(pid), SIGTERM);
    // Bounded by the command's timeout, the longest anything could reasonably wait for it.
    while (isAlive(pid) && timer.elapsed() < 2 * MfaCommand::defaultTimeout.count())
        QTest::qWait(20);
    const qint64 elapsed = timer.elapsed();
    if (isAlive(pid))
        ::kill(pid_t(pid), SIGKILL);
    QVERIFY2(elapsed < MfaCommand::defaultTimeout.count() / 6,
             qPrintable(u"imsa took %1 ms to stop after SIGTERM"_s.arg(elapsed)));
    QTRY_COMPARE_WITH_TIMEOUT(describe(living(pidsIn(pids))), QString(), 5'000);
}

QTEST_GUILESS_MAIN(tst_MfaProcessRunner)
#include "tst_mfaprocessrunner.moc"
