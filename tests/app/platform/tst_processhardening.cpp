// hardenProcess(), which main() calls first: private files whatever the umask, no core dump,
// not dumpable unless tracing is allowed. The e2e test tst_cli checks the same on the running
// app.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QLockFile>
#include <QSaveFile>
#include <QTemporaryDir>
#include <QTest>

#include "platform/processhardening.h"

using namespace Qt::StringLiterals;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat info
    { };

    if (::stat(QFile::encodeName(path).constData(), &info) != 0)
        return 0;
    return info.st_mode & 07777;
}

} // namespace

class tst_ProcessHardening : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void newFilesArePrivate();
    void noCoreDumpEvenForChildren();
    void processIsNotDumpable();
    void tracingAllowedLeavesItDumpable();
};

void tst_ProcessHardening::initTestCase()
{
    // The most open start there is: umask 000, core dumps allowed up to the hard limit.
    ::umask(0);
    rlimit core{};
    QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
    core.rlim_cur = core.rlim_max;
    QCOMPARE(::setrlimit(RLIMIT_CORE, &core), 0);
    QCOMPARE(::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    imsa::app::hardenProcess();
}

void tst_ProcessHardening::newFilesArePrivate()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile plain(dir.filePath(u"plain"_s));
    QVERIFY(plain.open(QIODevice::WriteOnly));
    QSaveFile saved(dir.filePath(u"saved"_s));
    QVERIFY(saved.open(QIODevice::WriteOnly));
    QVERIFY(saved.commit());
    QLockFile lock(dir.filePath(u"lock"_s));
    QVERIFY(lock.tryLock());
    QVERIFY(QDir().mkpath(dir.filePath(u"a/b"_s)));

    QCOMPARE(modeOf(dir.filePath(u"plain"_s)), mode_t(0600));
    QCOMPARE(modeOf(dir.filePath(u"saved"_s)), mode_t(0600));
    QCOMPARE(modeOf(dir.filePath(u"lock"_s)), mode_t(0600));
    QCOMPARE(modeOf(dir.filePath(u"a"_s)), mode_t(0700));
    QCOMPARE(modeOf(dir.filePath(u"a/b"_s)), mode_t(0700));
}

void tst_ProcessHardening::noCoreDumpEvenForChildren()
{
    rlimit core{};
    QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
    QCOMPARE(core.rlim_cur, rlim_t(0));
    QCOMPARE(core.rlim_max, rlim_t(0)); // a child can't raise it again
}

void tst_ProcessHardening::processIsNotDumpable()
{
    QCOMPARE(::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
}

void tst_ProcessHardening::tracingAllowedLeavesItDumpable()
{
    // `imsa export` and `imsa credential-process`: the app must read their executable.
    QCOMPARE(::prctl(PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
    imsa::app::hardenProcess(imsa::app::Tracing::Allowed);
    const int dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0);
    rlimit core{};
    QCOMPARE(::getrlimit(RLIMIT_CORE, &core), 0);
    imsa::app::hardenProcess(); // back to the state the other functions check
    QCOMPARE(dumpable, 1);
    QCOMPARE(core.rlim_cur, rlim_t(0)); // still no core dump
}

QTEST_GUILESS_MAIN(tst_ProcessHardening)
#include "tst_processhardening.moc"
