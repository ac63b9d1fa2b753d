// The access log's file (0600, one line per answer, rotated at its limit), its line format,
// and the approvals file of `access: ask`.
#include <sys/stat.h>

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "service/accesslog.h"
#include "service/approvalstore.h"

using namespace imsa;
using namespace imsa::app;
using namespace Qt::StringLiterals;

namespace {

AccessEvent sampleEvent(int pid)
{
    AccessEvent event;
    event.time = QDateTime(QDate(2026, 12, 3), QTime(17, 0, 0, 123), Qt::UTC);
    event.profile = u"prod"_s;
    event.route = u"imds"_s;
    event.result = u"served"_s;
    event.uid = 1000;
    event.pid = pid;
    event.executable = u"/usr/bin/curl"_s;
    event.commandLine = u"curl -s http://169.254.169.254/"_s;
    event.parentExecutable = u"/usr/bin/bash"_s;
    event.program = u"/usr/bin/curl"_s;
    return event;
}

mode_t modeOf(const QString &path)
{
    struct stat status
    { };

    ::stat(QFile::encodeName(path).constData(), &status);
    return status.st_mode & 0777;
}

QList<QByteArray> linesOf(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    lines.removeAll(QByteArray());
    return lines;
}

} // namespace

class tst_AccessLog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void linesRoundTrip();
    void unresolvedPeersKeepTheirReason();
    void hostileTextStaysOnOneLine();
    void fileIsPrivateAndAppended();
    void rotatesAtTheLimit();
    void approvalsArePrivateAndSurviveARestart();
};

void tst_AccessLog::linesRoundTrip()
{
    const AccessEvent event = sampleEvent(4242);
    const QByteArray line = event.toJsonLine();
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    const std::optional<AccessEvent> read = AccessEvent::fromJsonLine(line);
    QVERIFY(read);
    QCOMPARE(read->time, event.time);
    QCOMPARE(read->pid, 4242);
    QCOMPARE(read->executable, event.executable);
    QCOMPARE(read->commandLine, event.commandLine);
    QCOMPARE(read->parentExecutable, event.parentExecutable);
    QCOMPARE(read->result, u"served"_s);
    QVERIFY(!AccessEvent::fromJsonLine("{\"profile\":\"x\"}")); // no time
    QVERIFY(!AccessEvent::fromJsonLine("garbage"));
}

void tst_AccessLog::unresolvedPeersKeepTheirReason()
{
    AccessEvent event = sampleEvent(-1);
    event.uid = 1001;
    event.executable.clear();
    event.program.clear();
    event.unresolved = u"other user"_s;
    const std::optional<AccessEvent> read = AccessEvent::fromJsonLine(event.toJsonLine());
    QVERIFY(read);
    QCOMPARE(read->pid, -1);
    QCOMPARE(read->uid, 1001);
    QCOMPARE(read->unresolved, u"other user"_s);
}

void tst_AccessLog::hostileTextStaysOnOneLine()
{
    // A program chooses its own command line and path: neither may forge a second log line or
    // change another field.
    AccessEvent event = sampleEvent(7);
    event.commandLine = u"x \"\\\n{\"profile\":\"forged\"}\t\u0001 caf\u00e9 \U0001F600"_s;
    event.executable = u"/tmp/a\"b\\c\r"_s;
    event.repeats = 3;
    const QByteArray line = event.toJsonLine();
    QCOMPARE(line.count('\n'), 1);
    QVERIFY(line.endsWith('\n'));
    const std::optional<AccessEvent> read = AccessEvent::fromJsonLine(line);
    QVERIFY(read);
    QCOMPARE(read->commandLine, event.commandLine);
    QCOMPARE(read->executable, event.executable);
    QCOMPARE(read->profile, u"prod"_s);
    QCOMPARE(read->repeats, 3);
    QCOMPARE(read->uid, 1000);
}

void tst_AccessLog::fileIsPrivateAndAppended()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    {
        QFile loose(path);
        QVERIFY(loose.open(QIODevice::WriteOnly));
        loose.write(sampleEvent(1).toJsonLine());
        loose.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                             | QFileDevice::ReadOther);
    }
    AccessLog log(path);
    log.append(sampleEvent(2));
    log.append(sampleEvent(3));
    QCOMPARE(modeOf(path), mode_t(0600));
    const QList<QByteArray> lines = linesOf(path);
    QCOMPARE(lines.size(), 3);
    QCOMPARE(AccessEvent::fromJsonLine(lines.at(2))->pid, 3);
}

void tst_AccessLog::rotatesAtTheLimit()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    const qint64 lineBytes = sampleEvent(1000).toJsonLine().size();
    AccessLog log(path, 3 * lineBytes);
    for (int pid = 1000; pid < 1007; ++pid)
        log.append(sampleEvent(pid));
    // 3 lines fit: 1000-1002 rotated out and dropped, 1003-1005 in .1, 1006 in the new file.
    const QList<QByteArray> previous = linesOf(path + u".1"_s);
    const QList<QByteArray> current = linesOf(path);
    QCOMPARE(previous.size(), 3);
    QCOMPARE(AccessEvent::fromJsonLine(previous.first())->pid, 1003);
    QCOMPARE(current.size(), 1);
    QCOMPARE(AccessEvent::fromJsonLine(current.first())->pid, 1006);
    QCOMPARE(modeOf(path), mode_t(0600));
}

void tst_AccessLog::approvalsArePrivateAndSurviveARestart()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"approvals.json"_s);
    const QString tool = u"/usr/bin/python3.11 /home/alice/deploy.py"_s;
    {
        ApprovalStore store(path);
        QVERIFY(!store.isApproved(u"prod"_s, tool));
        QVERIFY(store.approve(u"prod"_s, tool));
        QVERIFY(store.approve(u"prod"_s, u"/usr/bin/curl"_s));
        QVERIFY(store.revoke(u"prod"_s, u"/usr/bin/curl"_s));
    }
    QCOMPARE(modeOf(path), mode_t(0600));
    ApprovalStore reloaded(path);
    QVERIFY(reloaded.isApproved(u"prod"_s, tool));
    QVERIFY(!reloaded.isApproved(u"dev"_s, tool)); // per profile
    QVERIFY(!reloaded.isApproved(u"prod"_s, u"/usr/bin/python3.11"_s)); // not all of Python
    QVERIFY(!reloaded.isApproved(u"prod"_s, u"/usr/bin/curl"_s));
}

QTEST_GUILESS_MAIN(tst_AccessLog)
#include "tst_accesslog.moc"
