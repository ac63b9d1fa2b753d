// The "Recent use" window's model: real lines written by AccessLog (the rotated file too) become
// one row per profile and program, with first and last seen, a count that includes the
// repeats, and the last answer; lines that are not events are skipped.
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include "service/accesslog.h"
#include "tray/recentusemodel.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

const QDateTime start(QDate(2026, 12, 3), QTime(17, 0), Qt::UTC);

AccessEvent use(const QString &profile, const QString &program, int minute,
                const QString &result = u"served"_s, qint64 repeats = 0)
{
    AccessEvent event;
    event.time = start.addSecs(minute * 60);
    event.profile = profile;
    event.route = u"imds"_s;
    event.result = result;
    event.uid = 1000;
    event.pid = 4000 + minute;
    event.executable = program.section(u' ', 0, 0);
    event.program = program;
    event.parentExecutable = u"/usr/bin/bash"_s;
    event.commandLine = program + u" --fetch"_s;
    event.repeats = repeats;
    return event;
}

/// The row of `profile` and `program`, -1 when none.
int rowOf(const RecentUseModel &model, const QString &profile, const QString &program)
{
    for (int row = 0; row < model.rowCount(); ++row) {
        if (model.index(row, RecentUseModel::ProfileColumn).data().toString() == profile
            && model.index(row, RecentUseModel::ProgramColumn).data().toString() == program)
            return row;
    }
    return -1;
}

QVariant cell(const RecentUseModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role);
}

void appendRaw(const QString &path, const QByteArray &bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::Append));
    file.write(bytes);
}

} // namespace

class tst_RecentUseModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void aggregatesPerProfileAndProgram();
    void includesTheRotatedFile();
    void followsAppendedLines();
    void skipsMalformedLines();
};

void tst_RecentUseModel::aggregatesPerProfileAndProgram()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    {
        AccessLog log(path);
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 0));
        log.append(use(u"prod"_s, u"/usr/bin/python3 /home/u/sync.py"_s, 1));
        // A keep-alive connection: the first answer and 7 more like it.
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 2));
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 5, u"served"_s, 7));
        log.append(use(u"dev"_s, u"/usr/bin/aws"_s, 3));
        log.append(use(u"prod"_s, u"/usr/bin/curl"_s, 4, u"denied"_s));
    }
    const RecentUseModel model(path);
    QCOMPARE(model.rowCount(), 4);

    const int aws = rowOf(model, u"prod"_s, u"/usr/bin/aws"_s);
    QVERIFY(aws >= 0);
    QCOMPARE(cell(model, aws, RecentUseModel::CountColumn, RecentUseModel::sortRole).toLongLong(),
             10);
    QCOMPARE(cell(model, aws, RecentUseModel::FirstColumn, RecentUseModel::sortRole).toDateTime(),
             start);
    QCOMPARE(cell(model, aws, RecentUseModel::LastColumn, RecentUseModel::sortRole).toDateTime(),
             start.addSecs(5 * 60));
    QCOMPARE(cell(model, aws, RecentUseModel::ResultColumn).toString(), u"served"_s);
    const QString tooltip =
            cell(model, aws, RecentUseModel::ProgramColumn, Qt::ToolTipRole).toString();
    QVERIFY2(tooltip.contains(u"/usr/bin/aws"_s) && tooltip.contains(u"/usr/bin/bash"_s),
             qPrintable(tooltip));

    // The same program under another profile is a row of its own.
    const int devAws = rowOf(model, u"dev"_s, u"/usr/bin/aws"_s);
    QVERIFY(devAws >= 0 && devAws != aws);
    QCOMPARE(
            cell(model, devAws, RecentUseModel::CountColumn, RecentUseModel::sortRole).toLongLong(),
            1);

    // An interpreter is told apart by its script.
    QVERIFY(rowOf(model, u"prod"_s, u"/usr/bin/python3 /home/u/sync.py"_s) >= 0);
    const int curl = rowOf(model, u"prod"_s, u"/usr/bin/curl"_s);
    QVERIFY(curl >= 0);
    QCOMPARE(cell(model, curl, RecentUseModel::ResultColumn).toString(), u"denied"_s);
}

void tst_RecentUseModel::includesTheRotatedFile()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    {
        // A limit of about two lines: the log rotates as it is written.
        const qint64 lineSize = use(u"prod"_s, u"/usr/bin/aws"_s, 0).toJsonLine().size();
        AccessLog log(path, lineSize * 2 + 10);
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 0));
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 1));
        log.append(use(u"prod"_s, u"/usr/bin/curl"_s, 2));
        log.append(use(u"prod"_s, u"/usr/bin/curl"_s, 3));
    }
    QVERIFY(QFile::exists(path + u".1"_s));
    const RecentUseModel model(path);
    QCOMPARE(model.rowCount(), 2);
    const int aws = rowOf(model, u"prod"_s, u"/usr/bin/aws"_s);
    QVERIFY(aws >= 0);
    QCOMPARE(cell(model, aws, RecentUseModel::CountColumn, RecentUseModel::sortRole).toLongLong(),
             2);
    QCOMPARE(cell(model, rowOf(model, u"prod"_s, u"/usr/bin/curl"_s), RecentUseModel::CountColumn,
                  RecentUseModel::sortRole)
                     .toLongLong(),
             2);
}

void tst_RecentUseModel::followsAppendedLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    const qint64 lineSize = use(u"prod"_s, u"/usr/bin/aws"_s, 0).toJsonLine().size();
    AccessLog log(path, lineSize * 3 + 10);
    RecentUseModel model(path); // before the file exists
    QCOMPARE(model.rowCount(), 0);

    log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 0));
    log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 1));
    model.refresh();
    QCOMPARE(model.rowCount(), 1);

    // Two more lines rotate the log between refreshes: the one left in the old file (now
    // PATH.1) is counted once, and nothing read before is counted again.
    log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 2));
    log.append(use(u"prod"_s, u"/usr/bin/curl"_s, 3));
    QVERIFY(QFile::exists(path + u".1"_s));
    model.refresh();
    QCOMPARE(model.rowCount(), 2);
    const int aws = rowOf(model, u"prod"_s, u"/usr/bin/aws"_s);
    QCOMPARE(cell(model, aws, RecentUseModel::CountColumn, RecentUseModel::sortRole).toLongLong(),
             3);
    QCOMPARE(cell(model, aws, RecentUseModel::LastColumn, RecentUseModel::sortRole).toDateTime(),
             start.addSecs(2 * 60));
}

void tst_RecentUseModel::skipsMalformedLines()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"access.log"_s);
    {
        AccessLog log(path);
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 0));
    }
    appendRaw(path, "not json at all\n{\"profile\":\"prod\"}\n[1,2]\n\n\xff\xfe\n");
    {
        AccessLog log(path);
        log.append(use(u"prod"_s, u"/usr/bin/aws"_s, 1));
    }
    appendRaw(path, "{\"time\":\"2026-12-03T17:09:00Z\",\"profile\":\"prod\""); // no newline yet
    RecentUseModel model(path);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(cell(model, 0, RecentUseModel::CountColumn, RecentUseModel::sortRole).toLongLong(), 2);

    // The half line, once finished, is read whole.
    appendRaw(path, ",\"result\":\"denied\",\"pid\":9,\"exe\":\"/usr/bin/wget\"}\n");
    model.refresh();
    QCOMPARE(model.rowCount(), 2);
    const int wget = rowOf(model, u"prod"_s, u"/usr/bin/wget"_s);
    QVERIFY(wget >= 0);
    QCOMPARE(cell(model, wget, RecentUseModel::ResultColumn).toString(), u"denied"_s);
}

QTEST_GUILESS_MAIN(tst_RecentUseModel)
#include "tst_recentusemodel.moc"
