// `imsa prompt` as a shell prompt runs it: the built binaries, the stand-in STS, loopback only.
#include <csignal>
#include <sys/stat.h>

#include <QFileInfo>
#include <QRegularExpression>
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_Prompt : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void followsTheAppFromStartToStop();
    void showsNothingAfterTheAppWasKilled();
    void formatOption();

private:
    QString prompt(const QStringList &extra = {}) const;

    QString stateFile() const { return m_env->path(u"run/state"_s); }

    std::unique_ptr<E2eEnvironment> m_env;
};

void tst_Prompt::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeDefaultConfig();
    QVERIFY2(m_env->startSts(), qPrintable(m_env->error()));
}

void tst_Prompt::cleanup()
{
    m_env.reset();
}

QString tst_Prompt::prompt(const QStringList &extra) const
{
    const CommandResult result = m_env->imsa(QStringList{u"prompt"_s} + extra);
    // A prompt must never show an error, whatever the state.
    if (result.exitCode != 0 || !result.err.isEmpty())
        return u"<exit %1: %2>"_s.arg(result.exitCode).arg(result.err);
    return result.out;
}

void tst_Prompt::followsTheAppFromStartToStop()
{
    QCOMPARE(prompt(), QString());

    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QVERIFY(QFileInfo::exists(stateFile()));

    struct stat info
    { };

    QCOMPARE(stat(QFile::encodeName(stateFile()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 07777, 0600u);
    QCOMPARE(prompt(), QString()); // running, but no profile active

    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    // The stand-in's MFA session lasts 12 h, as AWS's default does.
    QVERIFY2(QRegularExpression(u"^dev (11h5\\dm|12h00m)\n$"_s).match(prompt()).hasMatch(),
             qPrintable(prompt()));
    QCOMPARE(stat(QFile::encodeName(stateFile()).constData(), &info), 0);
    QCOMPARE(info.st_mode & 07777, 0600u);

    // Logging out ends the session and leaves no profile active.
    QCOMPARE(m_env->imsa({u"logout"_s}).exitCode, 0);
    QTRY_COMPARE(prompt(), QString());
    // Asked for without a code (and no terminal to ask on), the profile waits for one.
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s}).exitCode, 1);
    QTRY_COMPARE(prompt(), u"dev mfa?\n"_s);

    QCOMPARE(m_env->imsa({u"stop"_s}).exitCode, 0);
    QTRY_VERIFY(!QFileInfo::exists(stateFile()));
    QCOMPARE(prompt(), QString());
}

void tst_Prompt::showsNothingAfterTheAppWasKilled()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    QVERIFY(prompt().startsWith(u"dev "_s));
    m_env->killApp(SIGKILL);
    QVERIFY(QFileInfo::exists(stateFile())); // nobody was left to remove it
    QCOMPARE(prompt(), QString());
}

void tst_Prompt::formatOption()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"prod"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    QCOMPARE(prompt({u"--format"_s, u"aws:%p/%s"_s}), u"aws:prod/ready\n"_s);
    const int seconds = prompt({u"--format=%r"_s}).trimmed().toInt();
    QVERIFY2(seconds > 11 * 3600 && seconds <= 12 * 3600, qPrintable(QString::number(seconds)));
    const CommandResult wrong = m_env->imsa({u"prompt"_s, u"--colour"_s});
    QCOMPARE(wrong.exitCode, 2);
    QVERIFY(wrong.err.startsWith(u"imsa prompt: unexpected argument '--colour'"_s));
}

QTEST_GUILESS_MAIN(tst_Prompt)
#include "tst_prompt.moc"
