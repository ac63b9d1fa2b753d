// What `imsa prompt` prints for each state of the app, and its options.
#include <QTemporaryDir>
#include <QTest>

#include "runtime/prompt.h"

using namespace imsa::runtime;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t now = 1'764'700'000;

AppState stateOf(std::string_view word, std::optional<std::int64_t> actBy = std::nullopt)
{
    return AppState{1, "prod", std::string(word), actBy};
}

QString render(const AppState &state, std::string_view format = defaultPromptFormat)
{
    return QString::fromStdString(renderPrompt(state, format, now));
}

} // namespace

class tst_PromptText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultFormatForEachState_data();
    void defaultFormatForEachState();
    void noActiveProfilePrintsNothing();
    void formatPlaceholders_data();
    void formatPlaceholders();
    void optionsAndUsageErrors_data();
    void optionsAndUsageErrors();
    void printsNothingWhenImsaIsNotRunning();
};

void tst_PromptText::defaultFormatForEachState_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<qint64>("secondsLeft"); // -1: no deadline
    QTest::addColumn<QString>("expected");

    QTest::newRow("ready, 42 minutes left") << u"ready"_s << 42 * 60LL + 59 << u"prod 42m"_s;
    QTest::newRow("ready, hours left") << u"ready"_s << 11 * 3600LL + 5 * 60 << u"prod 11h05m"_s;
    QTest::newRow("ready, under a minute") << u"ready"_s << 30LL << u"prod 0m"_s;
    QTest::newRow("ready, deadline passed") << u"ready"_s << -5LL << u"prod mfa?"_s;
    QTest::newRow("ready, renews on its own") << u"ready"_s << -1LL << u"prod"_s;
    QTest::newRow("needs MFA") << u"needs-mfa"_s << -1LL << u"prod mfa?"_s;
    QTest::newRow("fetching") << u"fetching"_s << -1LL << u"prod ..."_s;
    QTest::newRow("failed") << u"failed"_s << -1LL << u"prod err"_s;
    QTest::newRow("inactive") << u"inactive"_s << -1LL << u"prod"_s;
}

void tst_PromptText::defaultFormatForEachState()
{
    QFETCH(QString, state);
    QFETCH(qint64, secondsLeft);
    QFETCH(QString, expected);
    // -5 means "5 s ago"; -1 means no deadline at all.
    const std::optional<std::int64_t> actBy =
            secondsLeft == -1 ? std::nullopt : std::optional<std::int64_t>(now + secondsLeft);
    QCOMPARE(render(stateOf(state.toStdString(), actBy)), expected);
}

void tst_PromptText::noActiveProfilePrintsNothing()
{
    AppState state = stateOf(states::inactive);
    state.profile.clear();
    QCOMPARE(render(state), QString());
    QCOMPARE(render(state, "[%s]"), QString());
}

void tst_PromptText::formatPlaceholders_data()
{
    QTest::addColumn<QString>("format");
    QTest::addColumn<QString>("expected");

    QTest::newRow("state and seconds") << u"%s %r"_s << u"ready 600"_s;
    QTest::newRow("literal text and percent") << u"aws:%p (%t) 100%%"_s << u"aws:prod (10m) 100%"_s;
    QTest::newRow("unknown placeholder kept") << u"%p %x"_s << u"prod %x"_s;
    QTest::newRow("trailing percent kept") << u"%p %"_s << u"prod %"_s;
    QTest::newRow("outer spaces trimmed") << u"  %p  "_s << u"prod"_s;
}

void tst_PromptText::formatPlaceholders()
{
    QFETCH(QString, format);
    QFETCH(QString, expected);
    QCOMPARE(render(stateOf(states::ready, now + 600), format.toStdString()), expected);
}

void tst_PromptText::optionsAndUsageErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("outStart");
    QTest::addColumn<QString>("errStart");

    QTest::newRow("--help") << QStringList{u"--help"_s} << 0 << u"Usage: imsa prompt"_s
                            << QString();
    QTest::newRow("unknown option") << QStringList{u"--colour"_s} << 2 << QString()
                                    << u"imsa prompt: unexpected argument '--colour'"_s;
    QTest::newRow("--format without value") << QStringList{u"--format"_s} << 2 << QString()
                                            << u"imsa prompt: unexpected argument '--format'"_s;
    QTest::newRow("--format=") << QStringList{u"--format=%p"_s} << 0 << QString() << QString();
}

void tst_PromptText::optionsAndUsageErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    QFETCH(QString, outStart);
    QFETCH(QString, errStart);
    QTemporaryDir runtimeDir;
    QVERIFY(runtimeDir.isValid());
    qputenv("IMSA_RUNTIME_DIR", runtimeDir.path().toLocal8Bit());

    std::vector<std::string> args;
    for (const QString &argument : arguments)
        args.push_back(argument.toStdString());
    std::string out;
    std::string err;
    QCOMPARE(runPrompt(args, out, err), status);
    QVERIFY2(QString::fromStdString(out).startsWith(outStart), out.c_str());
    QVERIFY2(QString::fromStdString(err).startsWith(errStart), err.c_str());
    QCOMPARE(out.empty(), outStart.isEmpty());
    QCOMPARE(err.empty(), errStart.isEmpty());
}

void tst_PromptText::printsNothingWhenImsaIsNotRunning()
{
    QTemporaryDir runtimeDir;
    QVERIFY(runtimeDir.isValid());
    qputenv("IMSA_RUNTIME_DIR", runtimeDir.path().toLocal8Bit());
    std::string out;
    std::string err;
    QCOMPARE(runPrompt({}, out, err), 0);
    QVERIFY(out.empty());
    QVERIFY(err.empty());
}

QTEST_GUILESS_MAIN(tst_PromptText)
#include "tst_prompttext.moc"
