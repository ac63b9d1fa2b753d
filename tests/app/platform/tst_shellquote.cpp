// The lines `imsa export` and `imsa env` print for eval: whatever a value holds, the shell must
// get it back unchanged and run nothing.
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include "platform/shellquote.h"

using namespace imsa::cli;
using namespace Qt::StringLiterals;

namespace {

/// Values that end a quoted string, run code or expand when a quote is missed.
QList<std::pair<const char *, QString>> hostileValues()
{
    return {
            {"a plain token", u"AQoDYXdzEJr/+base64=="_s},
            {"a single quote", u"it's"_s},
            {"a quote then a command", u"'; touch pwned; echo '"_s},
            {"command substitution", u"$(touch pwned)`touch pwned`"_s},
            {"a variable and a glob", u"$HOME *"_s},
            {"backslashes before a quote", u"\\\\'\\"_s},
            {"a newline", u"line1\nline2"_s},
            {"fish command substitution", u"(touch pwned)"_s},
            {"typographic single quotes", u"\u2018x\u2019 \u201Ay\u201B"_s},
            {"placeholders", u"%1 %2 %%"_s},
            {"empty", QString()},
    };
}

/// Runs `program -c script` in an empty directory; out is what it printed, and `pwned` tells
/// whether the line ran code.
struct ShellRun
{
    QString out;
    bool pwned = false;
};

ShellRun runShell(const QString &program, const QString &script)
{
    QTemporaryDir dir;
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.start(program, {u"-c"_s, script});
    if (!process.waitForFinished(20'000)) {
        process.kill();
        process.waitForFinished(2000);
    }
    return {QString::fromUtf8(process.readAllStandardOutput()),
            QFile::exists(dir.filePath(u"pwned"_s))};
}

} // namespace

class tst_ShellQuote : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void syntaxNames_data();
    void syntaxNames();
    void powerShellDoublesEverySingleQuote_data();
    void powerShellDoublesEverySingleQuote();
    void shellGetsTheValueBack_data();
    void shellGetsTheValueBack();
};

void tst_ShellQuote::syntaxNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<int>("syntax");
    QTest::addRow("sh is sh") << u"sh"_s << int(ShellSyntax::Sh);
    QTest::addRow("bash is sh") << u"bash"_s << int(ShellSyntax::Sh);
    QTest::addRow("zsh is sh") << u"zsh"_s << int(ShellSyntax::Sh);
    QTest::addRow("fish is fish") << u"fish"_s << int(ShellSyntax::Fish);
    QTest::addRow("powershell is PowerShell") << u"powershell"_s << int(ShellSyntax::PowerShell);
    QTest::addRow("pwsh is PowerShell") << u"pwsh"_s << int(ShellSyntax::PowerShell);
    QTest::addRow("csh is unknown") << u"csh"_s << -1;
}

void tst_ShellQuote::syntaxNames()
{
    QFETCH(QString, name);
    QFETCH(int, syntax);
    const std::optional<ShellSyntax> parsed = shellSyntax(name);
    QCOMPARE(parsed ? int(*parsed) : -1, syntax);
}

void tst_ShellQuote::powerShellDoublesEverySingleQuote_data()
{
    // PowerShell ends a single-quoted string at ' and at U+2018, U+2019, U+201A and U+201B
    // alike, and reads any of them doubled as that one character. No pwsh in Debian: checked
    // as text against the language's rule.
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("line");
    QTest::addRow("a plain value stays as it is") << u"abc$x`n"_s << u"$Env:V = 'abc$x`n'"_s;
    QTest::addRow("an apostrophe is doubled") << u"it's"_s << u"$Env:V = 'it''s'"_s;
    for (const char16_t quote : {u'\u2018', u'\u2019', u'\u201A', u'\u201B'}) {
        const QString q(QChar{quote});
        QTest::addRow("U+%04X is doubled", unsigned(quote))
                << u"a"_s + q + u"; Remove-Item -Recurse ~; "_s + q
                << u"$Env:V = 'a"_s + q + q + u"; Remove-Item -Recurse ~; "_s + q + q + u"'"_s;
    }
}

void tst_ShellQuote::powerShellDoublesEverySingleQuote()
{
    QFETCH(QString, value);
    QFETCH(QString, line);
    QCOMPARE(exportLine(ShellSyntax::PowerShell, u"V"_s, value), line);
}

void tst_ShellQuote::shellGetsTheValueBack_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addColumn<int>("syntax");
    QTest::addColumn<QString>("value");
    const std::pair<QString, ShellSyntax> shells[] = {{u"/bin/sh"_s, ShellSyntax::Sh},
                                                      {u"bash"_s, ShellSyntax::Sh},
                                                      {u"zsh"_s, ShellSyntax::Sh},
                                                      {u"fish"_s, ShellSyntax::Fish}};
    for (const auto &[shell, syntax] : shells) {
        for (const auto &[description, value] : hostileValues())
            QTest::addRow("%s gets %s back", qPrintable(shell), description)
                    << shell << int(syntax) << value;
    }
}

void tst_ShellQuote::shellGetsTheValueBack()
{
    QFETCH(QString, shell);
    QFETCH(int, syntax);
    QFETCH(QString, value);
    const QString line = exportLine(ShellSyntax(syntax), u"V"_s, value);
    const ShellRun run = runShell(shell, line + u"\nprintf '%s' \"$V\""_s);
    QVERIFY2(!run.pwned, qPrintable(line));
    QCOMPARE(run.out, value);
}

QTEST_GUILESS_MAIN(tst_ShellQuote)
#include "tst_shellquote.moc"
