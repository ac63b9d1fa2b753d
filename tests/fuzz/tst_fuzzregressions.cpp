// Replays every seed of tests/fuzz/corpus/<target>/ and every crash input saved in
// tests/data/fuzz-regressions/<target>/ through the fuzz targets, built without libFuzzer, so
// that a fixed crash stays fixed in the ordinary (sanitizer) test run.
#include <iterator>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTest>

#include "configloadertarget.h"
#include "fuzzinput.h"
#include "imdshandlertarget.h"
#include "ipcmessagetarget.h"
#include "statusjsontarget.h"
#include "stsxmltarget.h"

using namespace Qt::StringLiterals;

namespace {

using FuzzTarget = bool (*)(QByteArrayView);

struct NamedTarget
{
    QString name;
    FuzzTarget function;
};

const NamedTarget targets[] = {
        {u"imdshandler"_s, imsa::fuzz::fuzzImdsHandler},
        {u"configloader"_s, imsa::fuzz::fuzzConfigLoader},
        {u"stsxml"_s, imsa::fuzz::fuzzStsXml},
        {u"ipcmessage"_s, imsa::fuzz::fuzzIpcMessage},
        {u"statusjson"_s, imsa::fuzz::fuzzStatusJson},
};

QString corpusRoot()
{
    return qEnvironmentVariable("IMSA_FUZZ_CORPUS");
}

QString regressionRoot()
{
    return qEnvironmentVariable("IMSA_TEST_DATA") + u"/fuzz-regressions"_s;
}

QStringList filesIn(const QString &directory)
{
    QStringList paths;
    const QDir dir(directory);
    for (const QString &name : dir.entryList(QDir::Files, QDir::Name))
        paths.append(dir.filePath(name));
    return paths;
}

} // namespace

class tst_FuzzRegressions : public QObject
{
    Q_OBJECT

private Q_SLOTS:

    void initTestCase()
    {
        QVERIFY2(!corpusRoot().isEmpty(), "IMSA_FUZZ_CORPUS is not set (run through ctest)");
        imsa::fuzz::silenceLogging();
    }

    void everyTargetHasSeeds_data()
    {
        QTest::addColumn<QString>("target");
        for (const auto &target : targets)
            QTest::addRow("%s has a seed corpus", qPrintable(target.name)) << target.name;
    }

    void everyTargetHasSeeds()
    {
        QFETCH(QString, target);
        QVERIFY(!filesIn(corpusRoot() + u'/' + target).isEmpty());
    }

    void replay_data()
    {
        QTest::addColumn<int>("target");
        QTest::addColumn<QString>("path");
        for (int i = 0; i < static_cast<int>(std::size(targets)); ++i) {
            const QString &name = targets[i].name;
            for (const QString &path : filesIn(corpusRoot() + u'/' + name))
                QTest::addRow("%s keeps its invariants on seed %s", qPrintable(name),
                              qPrintable(QFileInfo(path).fileName()))
                        << i << path;
            for (const QString &path : filesIn(regressionRoot() + u'/' + name))
                QTest::addRow("%s survives saved crash input %s", qPrintable(name),
                              qPrintable(QFileInfo(path).fileName()))
                        << i << path;
        }
    }

    void replay()
    {
        QFETCH(int, target);
        QFETCH(QString, path);
        QFile file(path);
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.errorString()));
        QVERIFY(targets[target].function(file.readAll()));
    }
};

QTEST_GUILESS_MAIN(tst_FuzzRegressions)
#include "tst_fuzzregressions.moc"
