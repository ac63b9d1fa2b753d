// The state file's text, and which files and processes readRunningAppState() trusts.
#include <sys/stat.h>

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include "runtime/appstate.h"

using namespace imsa::runtime;
using namespace Qt::StringLiterals;

class tst_AppState : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void formatThenParseGivesTheSameState();
    void controlCharactersInTheProfileBecomeQuestionMarks();
    void parseSkipsUnknownKeysAndNeedsAPid_data();
    void parseSkipsUnknownKeysAndNeedsAPid();
    void runningImsaIsRead();
    void fileOthersCanReadIsIgnored();
    void pidOfAnotherProgramIsIgnored();
    void pidOfAnEndedProcessIsIgnored();
    void missingFileIsNotRunning();
    void cleanup();

private:
    void writeState(const std::string &text, mode_t mode = 0600);
    /// Starts a copy of sleep named `name`, so that its /proc/PID/comm is `name`.
    qint64 startProcessNamed(const QString &name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<QProcess> m_process;
};

void tst_AppState::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void tst_AppState::cleanup()
{
    if (m_process) {
        m_process->kill();
        m_process->waitForFinished(5000);
        m_process.reset();
    }
    m_dir.reset();
}

void tst_AppState::writeState(const std::string &text, mode_t mode)
{
    const std::string path = appStatePath(m_dir->path().toStdString());
    QFile file(QString::fromStdString(path));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.data(), static_cast<qint64>(text.size()));
    file.close();
    QCOMPARE(chmod(path.c_str(), mode), 0);
}

qint64 tst_AppState::startProcessNamed(const QString &name)
{
    const QString copy = m_dir->filePath(name);
    if (!QFile::copy(QStandardPaths::findExecutable(u"sleep"_s), copy))
        return 0;
    QFile::setPermissions(copy, QFileDevice::ExeOwner | QFileDevice::ReadOwner);
    m_process = std::make_unique<QProcess>();
    m_process->start(copy, {u"60"_s});
    return m_process->waitForStarted(5000) ? m_process->processId() : 0;
}

void tst_AppState::formatThenParseGivesTheSameState()
{
    const AppState state{4242, "prod", std::string(states::ready), 1'764'700'000};
    const std::string text = formatAppState(state);
    QCOMPARE(QString::fromStdString(text),
             u"pid=4242\nprofile=prod\nstate=ready\nact_by=1764700000\n"_s);
    QVERIFY(parseAppState(text) == state);

    const AppState noDeadline{7, "", std::string(states::inactive), std::nullopt};
    QVERIFY(parseAppState(formatAppState(noDeadline)) == noDeadline);
}

void tst_AppState::controlCharactersInTheProfileBecomeQuestionMarks()
{
    const AppState state{1, "evil\n\x1b]0;title\x07name", std::string(states::ready), std::nullopt};
    const std::optional<AppState> parsed = parseAppState(formatAppState(state));
    QVERIFY(parsed);
    QCOMPARE(QString::fromStdString(parsed->profile), u"evil??]0;title?name"_s);
    QCOMPARE(QString::fromStdString(parsed->state), u"ready"_s);
}

void tst_AppState::parseSkipsUnknownKeysAndNeedsAPid_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QByteArray>("profile");

    QTest::newRow("unknown keys and lines") << QByteArray("pid=5\ncolour=red\nnonsense\n"
                                                          "profile=dev\n")
                                            << true << QByteArray("dev");
    QTest::newRow("no trailing newline")
            << QByteArray("profile=dev\npid=5") << true << QByteArray("dev");
    QTest::newRow("no pid") << QByteArray("profile=dev\n") << false << QByteArray();
    QTest::newRow("pid not a number")
            << QByteArray("pid=5x\nprofile=dev\n") << false << QByteArray();
    QTest::newRow("negative pid") << QByteArray("pid=-1\n") << false << QByteArray();
    QTest::newRow("empty") << QByteArray() << false << QByteArray();
}

void tst_AppState::parseSkipsUnknownKeysAndNeedsAPid()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, valid);
    QFETCH(QByteArray, profile);
    const std::optional<AppState> state = parseAppState(text.toStdString());
    QCOMPARE(state.has_value(), valid);
    if (state)
        QCOMPARE(QByteArray::fromStdString(state->profile), profile);
}

void tst_AppState::runningImsaIsRead()
{
    const qint64 pid = startProcessNamed(u"imsa-service"_s);
    QVERIFY(pid > 0);
    writeState(formatAppState({pid, "prod", std::string(states::ready), std::nullopt}));
    const std::optional<AppState> state = readRunningAppState(m_dir->path().toStdString());
    QVERIFY(state);
    QCOMPARE(QString::fromStdString(state->profile), u"prod"_s);
}

void tst_AppState::fileOthersCanReadIsIgnored()
{
    const qint64 pid = startProcessNamed(u"imsa-service"_s);
    QVERIFY(pid > 0);
    writeState(formatAppState({pid, "prod", std::string(states::ready), std::nullopt}), 0644);
    QVERIFY(!readRunningAppState(m_dir->path().toStdString()));
}

void tst_AppState::pidOfAnotherProgramIsIgnored()
{
    // A crashed app's pid given to an unrelated process: not imsa, so nothing runs.
    const qint64 pid = startProcessNamed(u"not-imsa"_s);
    QVERIFY(pid > 0);
    writeState(formatAppState({pid, "prod", std::string(states::ready), std::nullopt}));
    QVERIFY(!readRunningAppState(m_dir->path().toStdString()));
}

void tst_AppState::pidOfAnEndedProcessIsIgnored()
{
    const qint64 pid = startProcessNamed(u"imsa-service"_s);
    QVERIFY(pid > 0);
    m_process->kill();
    QVERIFY(m_process->waitForFinished(5000));
    writeState(formatAppState({pid, "prod", std::string(states::ready), std::nullopt}));
    QVERIFY(!readRunningAppState(m_dir->path().toStdString()));
}

void tst_AppState::missingFileIsNotRunning()
{
    QVERIFY(!readRunningAppState(m_dir->path().toStdString()));
    QVERIFY(!readRunningAppState("/nonexistent/imsa"));
}

QTEST_GUILESS_MAIN(tst_AppState)
#include "tst_appstate.moc"
