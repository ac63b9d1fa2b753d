// The built `imsa` binary driven as a user would, against the stand-in STS.
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QDirIterator>
#include <QEventLoop>
#include <QJsonDocument>
#include <QLocalSocket>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QScopeGuard>
#include <QTcpServer>
#include <QTest>

#include "e2eenvironment.h"
#include "imsa/ipcmessage.h"
#include "standinendpoint.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

const QString awsCli = u"/usr/bin/aws"_s;
const QString devArn = u"arn:aws:sts::111111111111:assumed-role/Developer/alice"_s;
const QString prodArn = u"arn:aws:sts::222222222222:assumed-role/Admin/alice"_s;

/// ~/.imsa with profiles admin and readonly, plus `extra` (more profiles) at the end.
QByteArray adminAndReadonlyConfig(const QByteArray &extra = {})
{
    return QByteArray("base:\n  aws_access_key_id: ") + E2eEnvironment::accessKeyId
            + "\n  aws_secret_access_key: " + E2eEnvironment::secretAccessKey
            + "\n  mfa_serial_number: " + E2eEnvironment::mfaSerial
            + "\n  role_session_name: alice\n"
              "admin:\n  extends: base\n  role_arn: arn:aws:iam::222222222222:role/Admin\n"
              "readonly:\n  extends: base\n  role_arn: arn:aws:iam::111111111111:role/ReadOnly\n"
            + extra;
}

QJsonObject parseJson(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

/// Processes whose command line mentions `text` (the test's temporary directory).
QList<qint64> processesMentioning(const QString &text)
{
    QList<qint64> found;
    const QByteArray needle = text.toUtf8();
    for (const QString &entry : QDir(u"/proc"_s).entryList(QDir::Dirs)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        QFile cmdline(u"/proc/%1/cmdline"_s.arg(entry));
        if (isPid && pid != QCoreApplication::applicationPid() && cmdline.open(QIODevice::ReadOnly)
            && cmdline.readAll().contains(needle))
            found.append(pid);
    }
    return found;
}

/// A query parameter of `url` as the endpoint decodes it.
QString queryValue(const QUrl &url, const QString &name)
{
    for (const QString &pair : url.query(QUrl::FullyEncoded).split(u'&')) {
        if (pair.section(u'=', 0, 0) == name) {
            QByteArray value = pair.section(u'=', 1).toLatin1();
            return QString::fromUtf8(QByteArray::fromPercentEncoding(value.replace('+', ' ')));
        }
    }
    return {};
}

/// GET `url` without following redirects: the status and the Location header.
std::pair<int, QString> getOnce(const QUrl &url)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setTransferTimeout(5000);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    reply->deleteLater();
    return {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
            QString::fromUtf8(reply->rawHeader("Location"))};
}

/// Every file under `root` whose content contains `text`.
QStringList filesContaining(const QString &root, const QString &text)
{
    QStringList found;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::System, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(text.toUtf8()))
            found.append(file.fileName());
    }
    return found;
}

/// The line of `imsa doctor` output for check `name`.
QString doctorLine(const QString &output, const QString &name)
{
    for (const QString &line : output.split(u'\n')) {
        if (line.mid(6).startsWith(name + u": "_s))
            return line;
    }
    return {};
}

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void commandsSayWhenNotRunning_data();
    void commandsSayWhenNotRunning();
    void startTwiceThenStop();
    void switchingProfilesNeedsOneMfaCode();
    void exportedCredentialsWorkInSh();
    void credentialProcessWorksWithAwsCli();
    void logoutForgetsTheSession();
    void killedAppRestartsWithoutNewMfaCode();
    void wrongMfaCodeIsReported();
    void unknownProfileSuggestsCloseNames();
    void envRefusesUnknownProfilesWithoutPrinting_data();
    void envRefusesUnknownProfilesWithoutPrinting();
    void envTokenOpensOnlyItsProfile();
    void envUriNamesTheProfileExactly();
    void terminalPromptAsksAgainAfterWrongCode();
    void completionScriptsLoad_data();
    void completionScriptsLoad();
    void completionOffersHostileProfileNamesLiterally_data();
    void completionOffersHostileProfileNamesLiterally();
    void filesArePrivateWhateverTheUmask();
    void filesAnOlderVersionLeftOpenAreNarrowed();
    void appNeverWritesACoreDump();
    void badControlMessagesDoNotHurtTheApp();
    void controlSocketRefusesOtherUsers();
    void statusShowsAnStsEndpointThatIsNotAws();
    void lostControlSocketIsRecreated();
    void appWithoutControlSocketIsStillFound();
    void failedStartEndsEveryProcess_data();
    void failedStartEndsEveryProcess();
    void squattedFallbackPortIsNeverAdvertised();
    void doctorChecksWhoAnswersAtTheEndpoint_data();
    void doctorChecksWhoAnswersAtTheEndpoint();
    void consolePrintsALoginUrlTheStandInIssued();
    void consoleOpensTheBrowserThroughAPrivatePage();
    void consoleRefusesAProfileWithoutRole();

private:
    CommandResult aws(const QStringList &arguments, const QProcessEnvironment &extra = {});
    std::unique_ptr<E2eEnvironment> m_env;
    QTemporaryDir m_shared; ///< outlives the rows: zsh's completion dump
};

void tst_Cli::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeDefaultConfig();
    QVERIFY2(m_env->startSts(), qPrintable(m_env->error()));
}

void tst_Cli::cleanup()
{
    m_env.reset();
}

CommandResult tst_Cli::aws(const QStringList &arguments, const QProcessEnvironment &extra)
{
    QProcessEnvironment environment = m_env->clientEnvironment();
    environment.insert(extra);
    return m_env->run(awsCli, arguments + QStringList{u"--endpoint-url"_s, m_env->stsUrl()},
                      environment);
}

void tst_Cli::commandsSayWhenNotRunning_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addRow("status") << QStringList{u"status"_s};
    QTest::addRow("assume") << QStringList{u"assume"_s, u"dev"_s};
    QTest::addRow("export") << QStringList{u"export"_s, u"dev"_s};
    QTest::addRow("logout") << QStringList{u"logout"_s};
    QTest::addRow("stop") << QStringList{u"stop"_s};
}

void tst_Cli::commandsSayWhenNotRunning()
{
    QFETCH(QStringList, arguments);
    const CommandResult result = m_env->imsa(arguments);
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(QString(result.out + result.err)
                     .contains(u"imsa is not running (start it with: imsa start)"_s),
             qPrintable(result.out + result.err));
}

void tst_Cli::startTwiceThenStop()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QVERIFY(m_env->endpoint().startsWith(u"http://127.0.0.1:"_s));
    QVERIFY(m_env->endpoint().endsWith(u'/'));

    const CommandResult second = m_env->imsa({u"start"_s, u"--listen"_s, u"127.0.0.1:0"_s});
    QCOMPARE(second.exitCode, 0);
    QVERIFY2(second.out.contains(u"already running"_s), qPrintable(second.out));

    const QJsonObject status = parseJson(m_env->imsa({u"status"_s, u"--json"_s}).out);
    for (const char *key : {"running", "endpoint", "profile", "role_arn", "expiration",
                            "mfa_session_expiration", "pid"})
        QVERIFY2(status.contains(QLatin1StringView(key)), key);
    QCOMPARE(status.value(u"running").toBool(), true);
    QCOMPARE(status.value(u"pid").toInteger(), m_env->appPid());

    const qint64 pid = m_env->appPid();
    const CommandResult stop = m_env->imsa({u"stop"_s});
    QCOMPARE(stop.exitCode, 0);
    QCOMPARE(::kill(static_cast<pid_t>(pid), 0), -1);
    QCOMPARE(m_env->imsa({u"status"_s}).exitCode, 1);
}

void tst_Cli::switchingProfilesNeedsOneMfaCode()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult dev = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(dev.exitCode == 0, qPrintable(dev.out + dev.err));
    QCOMPARE(aws({u"sts"_s, u"get-caller-identity"_s, u"--query"_s, u"Arn"_s, u"--output"_s,
                  u"text"_s})
                     .out.trimmed(),
             devArn);

    // No code given and no terminal: this works only because the MFA session is reused.
    for (const QString &profile : {u"prod"_s, u"dev"_s, u"prod"_s}) {
        const CommandResult next = m_env->imsa({u"assume"_s, profile});
        QVERIFY2(next.exitCode == 0, qPrintable(next.out + next.err));
    }
    QCOMPARE(aws({u"sts"_s, u"get-caller-identity"_s, u"--query"_s, u"Arn"_s, u"--output"_s,
                  u"text"_s})
                     .out.trimmed(),
             prodArn);
    const QJsonObject counts = m_env->stsCallCounts();
    QCOMPARE(counts.value(u"GetSessionToken").toInt(), 1);

    const QJsonObject status = parseJson(m_env->imsa({u"status"_s, u"--json"_s}).out);
    QCOMPARE(status.value(u"profile").toString(), u"prod"_s);
    QCOMPARE(status.value(u"role_arn").toString(), u"arn:aws:iam::222222222222:role/Admin"_s);
    QVERIFY(QDateTime::fromString(status.value(u"expiration").toString(), Qt::ISODate).isValid());
    QVERIFY(QDateTime::fromString(status.value(u"mfa_session_expiration").toString(), Qt::ISODate)
                    .isValid());
}

void tst_Cli::exportedCredentialsWorkInSh()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"prod"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    // export does not change the active profile, and reuses the session.
    const QString script = u"set -e; eval \"$(\"$IMSA\" export dev)\"; "
                           "test \"$IMSA_PROFILE\" = dev; test -n \"$IMSA_PROFILE_EXPIRATION\"; "
                           "/usr/bin/aws sts get-caller-identity --endpoint-url \"$STS\" "
                           "--query Arn --output text"_s;
    QProcessEnvironment extra;
    extra.insert(u"IMSA"_s, imsaBinary());
    extra.insert(u"STS"_s, m_env->stsUrl());
    const CommandResult result = m_env->run(u"/bin/sh"_s, {u"-c"_s, script}, extra);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), devArn);
    QCOMPARE(parseJson(m_env->imsa({u"status"_s, u"--json"_s}).out).value(u"profile").toString(),
             u"prod"_s);
    QCOMPARE(m_env->stsCallCounts().value(u"GetSessionToken").toInt(), 1);

    const CommandResult fish = m_env->imsa({u"export"_s, u"dev"_s, u"--format"_s, u"fish"_s});
    QVERIFY(fish.out.startsWith(u"set -gx AWS_ACCESS_KEY_ID '"_s));
    const CommandResult json = m_env->imsa({u"export"_s, u"dev"_s, u"--format"_s, u"json"_s});
    QVERIFY(parseJson(json.out).contains(u"AWS_SESSION_TOKEN"_s));
}

void tst_Cli::credentialProcessWorksWithAwsCli()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    m_env->writeFile(u"home/.aws/config"_s,
                     "[profile viaimsa]\ncredential_process = " + imsaBinary().toUtf8()
                             + " credential-process prod\n");
    QProcessEnvironment extra;
    extra.insert(u"AWS_PROFILE"_s, u"viaimsa"_s);
    const CommandResult result = aws(
            {u"sts"_s, u"get-caller-identity"_s, u"--query"_s, u"Arn"_s, u"--output"_s, u"text"_s},
            extra);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), prodArn);
    const QJsonObject output = parseJson(m_env->imsa({u"credential-process"_s, u"prod"_s}).out);
    QCOMPARE(output.value(u"Version").toInt(), 1);
}

void tst_Cli::logoutForgetsTheSession()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    QCOMPARE(m_env->imsa({u"logout"_s}).exitCode, 0);
    const CommandResult again = m_env->imsa({u"export"_s, u"prod"_s});
    QCOMPARE(again.exitCode, 1);
    QVERIFY2(again.err.contains(u"needs an MFA code"_s), qPrintable(again.err));
    const QString credentials = m_env->endpoint() + u"latest/meta-data/iam/security-credentials/"_s;
    QCOMPARE(m_env->run(u"curl"_s,
                        {u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-w"_s, u"%{http_code}"_s, credentials})
                     .out,
             u"404"_s);
}

void tst_Cli::killedAppRestartsWithoutNewMfaCode()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    m_env->killApp(SIGKILL);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // The active profile and the MFA session come back from the state dir and the key store.
    QTRY_COMPARE_WITH_TIMEOUT(aws({u"sts"_s, u"get-caller-identity"_s, u"--query"_s, u"Arn"_s,
                                   u"--output"_s, u"text"_s})
                                      .out.trimmed(),
                              devArn, 15000);
    QCOMPARE(m_env->stsCallCounts().value(u"GetSessionToken").toInt(), 1);
}

void tst_Cli::wrongMfaCodeIsReported()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult result = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"000000"_s});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(u"wrong MFA code for arn:aws:iam::123456789012:mfa/alice"_s),
             qPrintable(result.err));
    QVERIFY(!result.err.contains(u"000000"_s));
}

void tst_Cli::unknownProfileSuggestsCloseNames()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult result = m_env->imsa({u"assume"_s, u"prd"_s});
    QCOMPARE(result.exitCode, 1);
    QVERIFY2(result.err.contains(u"no profile named 'prd'"_s), qPrintable(result.err));
    QVERIFY2(result.err.contains(u"prod"_s), qPrintable(result.err));
    QCOMPARE(m_env->imsa({u"assume"_s}).exitCode, 2);
}

void tst_Cli::envRefusesUnknownProfilesWithoutPrinting_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QString>("suggestion");
    QTest::addRow("%%61dmin is not admin") << u"%61dmin"_s << QString();
    QTest::addRow("a typo gets a suggestion") << u"admn"_s << u"did you mean admin?"_s;
}

void tst_Cli::envRefusesUnknownProfilesWithoutPrinting()
{
    QFETCH(QString, profile);
    QFETCH(QString, suggestion);
    m_env->writeFile(u"home/.imsa"_s, adminAndReadonlyConfig());
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"admin"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);

    const CommandResult result = m_env->imsa({u"env"_s, profile});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.out, QString()); // nothing for `eval` to run
    QVERIFY2(result.err.contains(u"no profile named '"_s + profile + u'\''),
             qPrintable(result.err));
    QVERIFY2(result.err.contains(suggestion), qPrintable(result.err));
}

void tst_Cli::envTokenOpensOnlyItsProfile()
{
    m_env->writeFile(u"home/.imsa"_s, adminAndReadonlyConfig());
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"admin"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    // The shell of `imsa env readonly` asks for its own URL and, with its token, for admin's,
    // whose credentials the app holds.
    const QString script = u"set -e; eval \"$(\"$IMSA\" env readonly)\"; "
                           "http_status() { curl -s -o /dev/null -w '%{http_code} ' "
                           "-H \"Authorization: $AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"$1\"; }; "
                           "http_status \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\"; "
                           "http_status \"${AWS_CONTAINER_CREDENTIALS_FULL_URI%/*}/admin\""_s;
    QProcessEnvironment extra;
    extra.insert(u"IMSA"_s, imsaBinary());
    const CommandResult result = m_env->run(u"/bin/sh"_s, {u"-c"_s, script}, extra);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), u"200 401"_s);
}

void tst_Cli::envUriNamesTheProfileExactly()
{
    // A profile may be called anything, "%61dmin" too; its URL must not name admin.
    m_env->writeFile(
            u"home/.imsa"_s,
            adminAndReadonlyConfig("'%61dmin':\n  extends: base\n"
                                   "  role_arn: arn:aws:iam::333333333333:role/Percent\n"));
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"admin"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    const QString script = u"set -e; eval \"$(\"$IMSA\" env \"$PROFILE\")\"; "
                           "/usr/bin/aws sts get-caller-identity --endpoint-url \"$STS\" "
                           "--query Arn --output text"_s;
    QProcessEnvironment extra;
    extra.insert(u"IMSA"_s, imsaBinary());
    extra.insert(u"STS"_s, m_env->stsUrl());
    extra.insert(u"PROFILE"_s, u"%61dmin"_s);
    const CommandResult result = m_env->run(u"/bin/sh"_s, {u"-c"_s, script}, extra);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), u"arn:aws:sts::333333333333:assumed-role/Percent/alice"_s);
}

void tst_Cli::terminalPromptAsksAgainAfterWrongCode()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // `script` gives imsa a pseudo-terminal; the codes arrive on it one after the other.
    QProcessEnvironment extra;
    extra.insert(u"IMSA"_s, imsaBinary());
    const CommandResult result =
            m_env->run(u"/bin/sh"_s,
                       {u"-c"_s,
                        u"(sleep 1; echo 12; sleep 1; echo 999999; sleep 2; echo 123456) | "
                        "script -qec \"$IMSA assume dev\" /dev/null"_s},
                       extra);
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
    QVERIFY2(result.out.contains(u"MFA code for arn:aws:iam::123456789012:mfa/alice: "_s),
             qPrintable(result.out));
    QVERIFY2(result.out.contains(u"An MFA code is exactly 6 digits."_s), qPrintable(result.out));
    QVERIFY2(result.out.contains(u"wrong MFA code"_s), qPrintable(result.out));
    QVERIFY2(result.out.contains(u"Serving profile dev"_s), qPrintable(result.out));
}

void tst_Cli::completionScriptsLoad_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addRow("bash") << u"bash"_s;
    QTest::addRow("zsh") << u"zsh"_s;
    QTest::addRow("fish") << u"fish"_s;
}

void tst_Cli::completionScriptsLoad()
{
    QFETCH(QString, shell);
    const CommandResult script = m_env->imsa({u"completion"_s, shell});
    QCOMPARE(script.exitCode, 0);
    QVERIFY(script.out.contains(u"__complete-profiles"_s));
    m_env->writeFile(u"completion."_s + shell, script.out.toUtf8());
    const CommandResult syntax =
            m_env->run(shell, {u"-n"_s, m_env->path(u"completion."_s + shell)});
    QVERIFY2(syntax.exitCode == 0, qPrintable(syntax.err));
    if (shell != u"bash"_s)
        return; // completionOffersHostileProfileNamesLiterally drives all three
    // Loaded, the function is registered and completes profile names from the files.
    QProcessEnvironment extra;
    extra.insert(u"PATH"_s, QFileInfo(imsaBinary()).absolutePath() + u":/usr/bin:/bin"_s);
    const CommandResult loaded =
            m_env->run(u"bash"_s,
                       {u"-c"_s,
                        u"source " + m_env->path(u"completion.bash"_s)
                                + u"; complete -p imsa; COMP_WORDS=(imsa assume pr); COMP_CWORD=2; "
                                  "_imsa; echo \"${COMPREPLY[*]}\""_s},
                       extra);
    QVERIFY2(loaded.out.contains(u"complete -F _imsa imsa"_s), qPrintable(loaded.out + loaded.err));
    QVERIFY2(loaded.out.contains(u"prod"_s), qPrintable(loaded.out));
}

namespace {

/// Profile names that run code, split into words or expand as globs when a completion script
/// evaluates them, and what a user types before pressing Tab to get each one.
struct HostileName
{
    QString name;
    QString typed;
    QString marker; ///< the file evaluating the name would create in HOME
};

const QList<HostileName> &hostileNames()
{
    static const QList<HostileName> names{
            {u"x$(touch pwned-dollar)"_s, u"x"_s, u"pwned-dollar"_s},
            {u"y`touch pwned-backtick`"_s, u"y"_s, u"pwned-backtick"_s},
            {u"s;touch pwned-semicolon"_s, u"s"_s, u"pwned-semicolon"_s},
            {u"a b"_s, u"a"_s, {}},
            {u"*"_s, u"\\*"_s, {}},
            {u"g?[x]"_s, u"g"_s, {}},
            {u"it's"_s, u"i"_s, {}},
    };
    return names;
}

// Each driver loads the completion script, completes `imsa assume TYPED` for every TYPED given
// as an argument and prints one line per TYPED: the single candidate as the shell would parse
// it from the command line, or "N candidates: ..." when there is not exactly one.
const QString bashDriver = uR"SH(
source "$1"; shift
replies=()
for typed in "$@"; do
    COMP_WORDS=(imsa assume "$typed"); COMP_CWORD=2; COMPREPLY=()
    _imsa
    replies+=("${#COMPREPLY[@]} ${COMPREPLY[*]}")
done
echo "markers after completion: $(ls pwned-* 2>/dev/null)"
for reply in "${replies[@]}"; do
    count=${reply%% *}
    if [ "$count" != 1 ]; then echo "$count candidates: ${reply#* }"; continue; fi
    # What the shell makes of the inserted text: evaluating it is safe only if it is escaped.
    eval "words=( ${reply#* } )"
    if [ "${#words[@]}" = 1 ]; then printf '%s\n' "${words[0]}"; else echo "split: ${words[*]}"; fi
done
)SH"_s;

// zsh completes only in its line editor: a child zsh on a pseudo-terminal (zpty) gets the
// keys `imsa assume TYPED<Tab>` and a widget that writes the parsed third word of the line.
// compinit takes seconds to scan the system's completion functions; the rows share its dump.
const QString zshDriver = uR"SH(
zmodload zsh/zpty
script=$1; shift
zpty z TERM=xterm zsh -f -i
zpty -w z "PS1=''; autoload -Uz compinit; compinit -u -d ${(q)ZCOMPDUMP_FILE}; source ${(q)script}"
zpty -w z 'dump() { local -a w; w=(${(z)BUFFER}); if (( $#w == 3 )); then print -r -- ${(Q)w[3]}; else print -r -- "$(( $#w - 2 )) candidates: ${w[3,-1]}"; fi >> out.txt; BUFFER=; }'
zpty -w z 'zle -N dump; bindkey "^X" dump; : > out.txt'
for typed in "$@"; do
    zpty -w -n z "imsa assume $typed"$'\t\x18'
done
zpty -w z 'print DONE$((40 + 2))'
zpty -r z line '*DONE42*'
zpty -d z
cat out.txt
)SH"_s;

const QString fishDriver = uR"SH(
source $argv[1]
for typed in $argv[2..-1]
    set -l candidates (complete -C "imsa assume $typed")
    if test (count $candidates) -eq 1
        printf '%s\n' $candidates
    else
        echo (count $candidates) candidates: $candidates
    end
end
)SH"_s;

} // namespace

void tst_Cli::completionOffersHostileProfileNamesLiterally_data()
{
    QTest::addColumn<QString>("shell");
    QTest::addColumn<QString>("driver");
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("marker");
    const std::pair<QString, QString> drivers[] = {
            {u"bash"_s, bashDriver}, {u"zsh"_s, zshDriver}, {u"fish"_s, fishDriver}};
    for (const auto &[shell, driver] : drivers) {
        for (const HostileName &hostile : hostileNames())
            QTest::addRow("%s offers %s as it is", qPrintable(shell), qPrintable(hostile.name))
                    << shell << driver << hostile.name << hostile.typed << hostile.marker;
    }
}

void tst_Cli::completionOffersHostileProfileNamesLiterally()
{
    QFETCH(QString, shell);
    QFETCH(QString, driver);
    QFETCH(QString, name);
    QFETCH(QString, typed);
    QFETCH(QString, marker);
    QString key = name;
    m_env->writeFile(u"home/.imsa"_s,
                     "base:\n  aws_access_key_id: AKIAIOSFODNN7EXAMPLE\n"
                     "  aws_secret_access_key: secret\n"
                     "  mfa_serial_number: arn:aws:iam::123456789012:mfa/alice\n\""
                             + key.replace(u'"', u"\\\""_s).toUtf8() + "\":\n  extends: base\n");
    QVERIFY(m_env->imsa({u"__complete-profiles"_s}).out.split(u'\n').contains(name));
    // Files a glob in the name would expand to, were it not quoted.
    m_env->writeFile(u"home/gox"_s, {});
    m_env->writeFile(u"home/decoy"_s, {});

    const CommandResult script = m_env->imsa({u"completion"_s, shell});
    QCOMPARE(script.exitCode, 0);
    m_env->writeFile(u"completion."_s + shell, script.out.toUtf8());
    m_env->writeFile(u"driver."_s + shell, driver.toUtf8());
    QProcessEnvironment extra;
    extra.insert(u"PATH"_s, QFileInfo(imsaBinary()).absolutePath() + u":/usr/bin:/bin"_s);
    extra.insert(u"ZCOMPDUMP_FILE"_s, m_shared.filePath(u"zcompdump"_s));
    QStringList arguments{m_env->path(u"driver."_s + shell), m_env->path(u"completion."_s + shell),
                          typed};
    if (shell == u"fish"_s)
        arguments.prepend(u"--no-config"_s);
    const CommandResult result = m_env->run(shell, arguments, extra, 30'000);
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));

    if (!marker.isEmpty())
        QVERIFY2(!QFile::exists(m_env->path(u"home/"_s + marker)),
                 qPrintable(u"completing ran code from the name "_s + name));
    QStringList offered = result.out.split(u'\n', Qt::SkipEmptyParts);
    if (shell == u"bash"_s)
        QCOMPARE(offered.takeFirst(), u"markers after completion: "_s);
    QCOMPARE(offered, QStringList{name});
}

void tst_Cli::filesArePrivateWhateverTheUmask()
{
    const mode_t previous = ::umask(022);
    const auto restoreUmask = qScopeGuard([previous] {
        ::umask(previous);
    });
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assumed =
            m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assumed.exitCode == 0, qPrintable(assumed.err));

    // Everything the app and the CLI made: the log, the remembered profile, the key store, the
    // lock and the control socket (the test made only `state` and `run`'s parent).
    const QString stateDir = m_env->path(u"state/imsa"_s);
    const QString runtimeDir = m_env->path(u"run"_s);
    for (const QString &made : {u"imsa.log"_s, u"active-profile"_s, u"keystore.json"_s})
        QVERIFY2(QFile::exists(stateDir + u'/' + made), qPrintable(made));
    for (const QString &made : {u"instance.lock"_s, u"control.sock"_s})
        QVERIFY2(QFile::exists(runtimeDir + u'/' + made), qPrintable(made));
    QStringList tooOpen;
    for (const QString &root : {stateDir, runtimeDir}) {
        QStringList paths{root};
        QDirIterator it(root, QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot,
                        QDirIterator::Subdirectories);
        while (it.hasNext())
            paths.append(it.next());
        for (const QString &path : std::as_const(paths)) {
            struct stat info
            { };

            QCOMPARE(::lstat(QFile::encodeName(path).constData(), &info), 0);
            const mode_t mode = info.st_mode & 07777;
            const mode_t expected = S_ISDIR(info.st_mode) ? 0700
                    : S_ISSOCK(info.st_mode)              ? (mode & 0700)
                                                          : 0600;
            if (mode != expected)
                tooOpen.append(u"%1 is 0%2"_s.arg(path).arg(mode, 0, 8));
        }
    }
    QVERIFY2(tooOpen.isEmpty(), qPrintable(tooOpen.join(u"; "_s)));
}

void tst_Cli::filesAnOlderVersionLeftOpenAreNarrowed()
{
    // Earlier versions made these 0644; the next write must not keep that mode.
    for (const QString &file : {u"state/imsa/imsa.log"_s, u"state/imsa/active-profile"_s}) {
        m_env->writeFile(file, "prod\n");
        QCOMPARE(::chmod(QFile::encodeName(m_env->path(file)).constData(), 0644), 0);
    }
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s}).exitCode, 0);
    for (const QString &file : {u"state/imsa/imsa.log"_s, u"state/imsa/active-profile"_s}) {
        struct stat info
        { };

        QCOMPARE(::stat(QFile::encodeName(m_env->path(file)).constData(), &info), 0);
        QVERIFY2((info.st_mode & 0777) == 0600,
                 qPrintable(u"%1 is 0%2"_s.arg(file).arg(info.st_mode & 0777, 0, 8)));
    }
}

void tst_Cli::appNeverWritesACoreDump()
{
    // Start it with core dumps allowed, as a shell with `ulimit -c unlimited` would.
    rlimit previous{};
    QCOMPARE(::getrlimit(RLIMIT_CORE, &previous), 0);
    const auto restoreLimit = qScopeGuard([previous] {
        ::setrlimit(RLIMIT_CORE, &previous);
    });
    const rlimit allowed{previous.rlim_max, previous.rlim_max};
    QCOMPARE(::setrlimit(RLIMIT_CORE, &allowed), 0);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QFile limits(u"/proc/%1/limits"_s.arg(m_env->appPid()));
    QVERIFY(limits.open(QIODevice::ReadOnly));
    QByteArray coreLine;
    for (const QByteArray &line : limits.readAll().split('\n')) { // size 0: no atEnd()
        if (line.startsWith("Max core file size"))
            coreLine = line.simplified();
    }
    // "Max core file size 0 0 bytes": soft and hard limit, so no child can raise it either.
    QCOMPARE(coreLine, "Max core file size 0 0 bytes"_ba);
}

void tst_Cli::badControlMessagesDoNotHurtTheApp()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const QString socketPath = m_env->path(u"run/control.sock"_s);

    struct stat info
    { };

    QCOMPARE(::stat(QFile::encodeName(socketPath).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0077, 0u);
    QCOMPARE(::stat(QFile::encodeName(m_env->path(u"run"_s)).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, 0700u);

    for (const QByteArray &bad : {"not json\n"_ba, "{\"v\":1}\n"_ba, QByteArray(1 << 20, '{')}) {
        QLocalSocket socket;
        socket.connectToServer(socketPath);
        QVERIFY(socket.waitForConnected(2000));
        socket.write(bad);
        QVERIFY(socket.waitForReadyRead(5000));
        const auto reply = imsa::ipc::parseResponse(socket.readLine().trimmed());
        QVERIFY(reply.ok());
        QVERIFY(!reply->ok);
    }
    QCOMPARE(m_env->imsa({u"status"_s}).exitCode, 0);
}

void tst_Cli::controlSocketRefusesOtherUsers()
{
    if (::geteuid() != 0)
        QSKIP("needs root to act as another user");
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // Open the directory and socket to everyone, so that only the app's uid check stands
    // between another user and the credentials.
    const QString socketPath = m_env->path(u"run/control.sock"_s);
    for (const QString &path : {m_env->path(QString()), m_env->path(u"run"_s), socketPath})
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0777), 0);
    const QString probe = uR"(
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(5)
try:
    s.sendall(b'{"v":1,"id":"1","command":"status"}\n')
    data = s.recv(4096)
except (BrokenPipeError, ConnectionResetError):
    data = b''
print("refused" if data == b'' else repr(data))
)"_s;
    const CommandResult result =
            m_env->run(u"setpriv"_s,
                       {u"--reuid=65534"_s, u"--regid=65534"_s, u"--clear-groups"_s,
                        u"/usr/bin/python3"_s, u"-c"_s, probe, socketPath});
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), u"refused"_s); // closed without a word
    QCOMPARE(m_env->imsa({u"status"_s}).exitCode, 0);
}

void tst_Cli::statusShowsAnStsEndpointThatIsNotAws()
{
    // The environment points AWS_ENDPOINT_URL_STS at the stand-in STS on 127.0.0.1.
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    QCOMPARE(parseJson(m_env->imsa({u"status"_s, u"--json"_s}).out)
                     .value(u"sts_endpoint")
                     .toString(),
             m_env->stsUrl());
    const CommandResult status = m_env->imsa({u"status"_s});
    QVERIFY2(status.out.contains(u"\n  STS endpoint: "_s + m_env->stsUrl() + u" (not AWS)\n"_s),
             qPrintable(status.out));
}

void tst_Cli::lostControlSocketIsRecreated()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // As QLocalServer does itself when accept() fails (EMFILE), or a cleaner of /run would.
    QVERIFY(QFile::remove(m_env->path(u"run/control.sock"_s)));
    const CommandResult status = m_env->imsa({u"status"_s});
    QVERIFY2(status.exitCode == 0, qPrintable(status.out + status.err));
    QVERIFY2(status.out.startsWith(u"imsa is running (pid %1)"_s.arg(m_env->appPid())),
             qPrintable(status.out));
    QTRY_VERIFY(QFileInfo(m_env->path(u"run/control.sock"_s)).exists());
}

void tst_Cli::appWithoutControlSocketIsStillFound()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const qint64 pid = m_env->appPid();
    // A directory in its place: the app cannot listen there again.
    QVERIFY(QFile::remove(m_env->path(u"run/control.sock"_s)));
    QVERIFY(QDir().mkdir(m_env->path(u"run/control.sock"_s)));

    const CommandResult status = m_env->imsa({u"status"_s});
    QCOMPARE(status.exitCode, 1);
    QVERIFY2(status.out.contains(
                     u"imsa is running (pid %1) but does not answer on its control socket"_s.arg(
                             pid)),
             qPrintable(status.out + status.err));
    QCOMPARE(parseJson(m_env->imsa({u"status"_s, u"--json"_s}).out).value(u"pid").toInteger(), pid);

    const CommandResult start = m_env->imsa({u"start"_s, u"--listen"_s, u"127.0.0.1:0"_s});
    QVERIFY2(start.exitCode == 0 && start.out.contains(u"imsa is already running"_s),
             qPrintable(start.out + start.err));
    QCOMPARE(processesMentioning(m_env->path(QString())), QList<qint64>{pid});

    const CommandResult stop = m_env->imsa({u"stop"_s});
    QVERIFY2(stop.exitCode == 0, qPrintable(stop.out + stop.err));
    QVERIFY2(stop.err.contains(u"sending it SIGTERM"_s), qPrintable(stop.err));
    QCOMPARE(::kill(static_cast<pid_t>(pid), 0), -1);
}

void tst_Cli::failedStartEndsEveryProcess_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("unusableRuntimeDir");
    QTest::addColumn<QString>("reason");
    const QStringList busyPort{u"--listen"_s, u"127.0.0.1:BUSY"_s};
    QTest::addRow("in the background, on a port in use")
            << busyPort << false << u"cannot listen on http://127.0.0.1:BUSY/"_s;
    QTest::addRow("in the foreground, on a port in use")
            << (busyPort + QStringList{u"--foreground"_s}) << false
            << u"cannot listen on http://127.0.0.1:BUSY/"_s;
    QTest::addRow("in the background, with a runtime directory that is a file")
            << QStringList{u"--listen"_s, u"127.0.0.1:0"_s} << true << u"is not a directory"_s;
    QTest::addRow("in the foreground, with a runtime directory that is a file")
            << QStringList{u"--listen"_s, u"127.0.0.1:0"_s, u"--foreground"_s} << true
            << u"is not a directory"_s;
}

void tst_Cli::failedStartEndsEveryProcess()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, unusableRuntimeDir);
    QFETCH(QString, reason);
    QTcpServer busy;
    QVERIFY(busy.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(busy.serverPort());
    arguments.replaceInStrings(u"BUSY"_s, port);
    reason.replace(u"BUSY"_s, port);
    QProcessEnvironment extra;
    if (unusableRuntimeDir) {
        m_env->writeFile(u"not-a-dir"_s, "x");
        extra.insert(u"IMSA_RUNTIME_DIR"_s, m_env->path(u"not-a-dir"_s));
    }

    QElapsedTimer timer;
    timer.start();
    const CommandResult start =
            m_env->run(imsaBinary(), QStringList{u"start"_s} + arguments, extra, 20'000);
    const QList<qint64> left = processesMentioning(m_env->path(QString()));
    for (qint64 pid : left)
        ::kill(static_cast<pid_t>(pid), SIGKILL);
    QCOMPARE(start.exitCode, 1);
    QVERIFY2(start.err.contains(reason), qPrintable(start.err));
    QVERIFY2(left.isEmpty(), "a failed start left a process behind");
    QVERIFY2(timer.elapsed() < 10'000, qPrintable(u"took %1 ms"_s.arg(timer.elapsed())));
}

void tst_Cli::squattedFallbackPortIsNeverAdvertised()
{
    // Another program on the fallback port, handing out its own credentials.
    const StandInEndpoint squatter(9254, StandInEndpoint::Mode::OwnAnswer);
    if (!squatter.isListening())
        QSKIP("127.0.0.1:9254 is in use on this machine already");
    // No --listen: the helper is missing, so imsa falls back to loopback.
    QVERIFY2(m_env->startAppWith(imsaBinary(), {u"start"_s, u"--headless"_s}),
             qPrintable(m_env->error()));
    QVERIFY(!m_env->endpoint().contains(u":9254/"_s));

    const CommandResult second = m_env->imsa({u"start"_s});
    const CommandResult status = m_env->imsa({u"status"_s});
    const QString warning = u"127.0.0.1:9254 is held by another program"_s;
    for (const CommandResult &said : {second, status}) {
        QVERIFY2(said.out.contains(warning) || said.err.contains(warning),
                 qPrintable(said.out + said.err));
        QVERIFY2(!QString(said.out + said.err).contains(u"export AWS_EC2_METADATA_SERVICE"_s),
                 qPrintable(said.out + said.err));
    }

    QProcessEnvironment squatted;
    squatted.insert(u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s, u"http://127.0.0.1:9254/"_s);
    const CommandResult doctor =
            m_env->run(imsaBinary(), {u"doctor"_s, u"--offline"_s}, squatted, 30'000);
    QVERIFY2(doctor.out.contains(warning), qPrintable(doctor.out));
    const QString line = doctorLine(doctor.out, u"endpoint"_s);
    QVERIFY2(line.startsWith(u"FAIL  endpoint: 127.0.0.1:9254 answers at http://127.0.0.1:9254/, "
                             "but it is not this imsa"_s),
             qPrintable(doctor.out));
}

void tst_Cli::doctorChecksWhoAnswersAtTheEndpoint_data()
{
    QTest::addColumn<QString>("answering");
    QTest::addColumn<QString>("line");
    QTest::addRow("imsa itself") << u"imsa"_s
                                 << u"ok    endpoint: what answers at http://127.0.0.1:PORT/ is "
                                    "this imsa"_s;
    QTest::addRow("a program replaying a proof imsa gave for another challenge")
            << u"replay"_s
            << u"FAIL  endpoint: 127.0.0.1:PORT answers at http://127.0.0.1:PORT/, but it is not "
               "this imsa (its proof is wrong)"_s;
    QTest::addRow("a program relaying each request to imsa")
            << u"relay"_s
            << u"FAIL  endpoint: 127.0.0.1:PORT answers at http://127.0.0.1:PORT/, but it is not "
               "this imsa (its proof is wrong)"_s;
    QTest::addRow("a program without any proof")
            << u"plain"_s
            << u"FAIL  endpoint: 127.0.0.1:PORT answers at http://127.0.0.1:PORT/, but it is not "
               "this imsa (it cannot prove it)"_s;
}

void tst_Cli::doctorChecksWhoAnswersAtTheEndpoint()
{
    QFETCH(QString, answering);
    QFETCH(QString, line);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const auto imsaPort = static_cast<quint16>(QUrl(m_env->endpoint()).port());
    const QByteArray copiedProof =
            headerValue(challengeAnswerHead(imsaPort, "another-challenge"), "x-imsa-proof");
    QCOMPARE(copiedProof.size(), 64);

    std::unique_ptr<StandInEndpoint> other;
    if (answering == u"replay"_s || answering == u"plain"_s)
        other = std::make_unique<StandInEndpoint>(0, StandInEndpoint::Mode::OwnAnswer, 0,
                                                  answering == u"replay"_s ? copiedProof
                                                                           : QByteArray());
    else if (answering == u"relay"_s)
        other = std::make_unique<StandInEndpoint>(0, StandInEndpoint::Mode::RelayToImsa, imsaPort);
    QVERIFY(!other || other->isListening());
    const quint16 port = other ? other->port() : imsaPort;

    QProcessEnvironment extra;
    extra.insert(u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s, u"http://127.0.0.1:%1/"_s.arg(port));
    const CommandResult doctor =
            m_env->run(imsaBinary(), {u"doctor"_s, u"--offline"_s}, extra, 30'000);
    const QString found = doctorLine(doctor.out, u"endpoint"_s);
    QVERIFY2(found.startsWith(line.replace(u"PORT"_s, QString::number(port))),
             qPrintable(doctor.out + doctor.err));
}

void tst_Cli::consolePrintsALoginUrlTheStandInIssued()
{
    // prod (the last profile) asks for 12-hour roles; its role is chained through the MFA
    // session, and the stand-in, like AWS, refuses a console session over an hour for those.
    QFile config(m_env->path(u"home/.imsa"_s));
    QVERIFY(config.open(QIODevice::Append));
    config.write("  role_duration_seconds: 43200\n");
    config.close();
    // Debug logging too: the URL must not reach the log at any level.
    m_env->setVariable(u"QT_LOGGING_RULES"_s, u"imsa.*=true"_s);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult result =
            m_env->imsa({u"console"_s, u"prod"_s, u"--print"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
    QCOMPARE(result.out.count(u'\n'), 1);
    QVERIFY2(!result.err.contains(u"15 minutes"_s), qPrintable(result.err)); // not a terminal
    const QUrl url(result.out.trimmed(), QUrl::StrictMode);
    QCOMPARE(url.adjusted(QUrl::RemoveQuery).toString(), m_env->stsUrl() + u"federation"_s);
    QCOMPARE(queryValue(url, u"Action"_s), u"login"_s);
    QCOMPARE(queryValue(url, u"Issuer"_s), u"imsa"_s);
    const QString destination =
            u"https://console.aws.amazon.com/console/home?region=eu-central-1"_s;
    QCOMPARE(queryValue(url, u"Destination"_s), destination);
    const QString token = queryValue(url, u"SigninToken"_s);
    QVERIFY(token.size() >= 100);

    // The stand-in issued that token for prod's role, and signs the browser in with it.
    const auto [status, location] = getOnce(url);
    QCOMPARE(status, 302);
    QCOMPARE(location, destination);
    QCOMPARE(m_env->stsCallCounts().value(u"getSigninToken").toInt(), 1);

    const CommandResult s3 = m_env->imsa({u"console"_s, u"prod"_s, u"--print"_s, u"--service"_s,
                                          u"s3"_s, u"--region"_s, u"us-west-2"_s});
    QVERIFY2(s3.exitCode == 0, qPrintable(s3.out + s3.err));
    const QUrl s3Url(s3.out.trimmed(), QUrl::StrictMode);
    QCOMPARE(queryValue(s3Url, u"Destination"_s),
             u"https://console.aws.amazon.com/s3/home?region=us-west-2"_s);
    QCOMPARE(getOnce(s3Url).first, 302);

    const CommandResult elsewhere = m_env->imsa(
            {u"console"_s, u"prod"_s, u"--print"_s, u"--destination"_s, u"https://example.com/"_s});
    QCOMPARE(elsewhere.exitCode, 1);
    QVERIFY2(elsewhere.err.contains(u"--destination must be an https:// URL on "
                                    "console.aws.amazon.com"_s),
             qPrintable(elsewhere.err));

    // Nowhere on disk: not in the log (at debug level), nor anywhere else under the test's HOME,
    // state and runtime directories.
    QVERIFY(QFileInfo::exists(m_env->path(u"state/imsa/imsa.log"_s)));
    QCOMPARE(filesContaining(m_env->path(QString()), token), QStringList());
    QCOMPARE(filesContaining(m_env->path(QString()), queryValue(s3Url, u"SigninToken"_s)),
             QStringList());
    QVERIFY(!m_env->imsa({u"status"_s, u"--json"_s}).out.contains(token));
}

void tst_Cli::consoleOpensTheBrowserThroughAPrivatePage()
{
    // A browser stand-in that records what it was asked to open. BROWSER's first entry only,
    // with %s replaced.
    const QString record = m_env->path(u"browser-argument"_s);
    m_env->writeFile(u"browser.sh"_s,
                     "#!/bin/sh\nprintf '%s\\n' \"$1\" > \"$0.tmp\" && mv \"$0.tmp\" "
                             + record.toUtf8() + "\n");
    QFile::setPermissions(m_env->path(u"browser.sh"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    m_env->setVariable(u"BROWSER"_s, m_env->path(u"browser.sh"_s) + u" --url=%s:false"_s);
    m_env->setVariable(u"QT_LOGGING_RULES"_s, u"imsa.*=true"_s);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));

    const CommandResult result =
            m_env->imsa({u"console"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(result.exitCode == 0, qPrintable(result.out + result.err));
    QVERIFY2(result.out.contains(u"Opened the AWS console as dev"_s), qPrintable(result.out));
    QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(record), 10'000);
    QFile recorded(record);
    QVERIFY(recorded.open(QIODevice::ReadOnly));
    const QString argument = QString::fromUtf8(recorded.readAll()).trimmed();
    QVERIFY2(argument.startsWith(u"--url=file://"_s), qPrintable(argument));
    const QString page = QUrl(argument.mid(6)).toLocalFile();
    QCOMPARE(QFileInfo(page).absolutePath(), QFileInfo(m_env->path(u"run"_s)).absoluteFilePath());

    // The page holds the URL, only its owner can read it, and it sends the browser on.
    struct stat info
    { };

    QCOMPARE(::stat(QFile::encodeName(page).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0600));
    QFile html(page);
    QVERIFY(html.open(QIODevice::ReadOnly));
    const QString content = QString::fromUtf8(html.readAll());
    const qsizetype start = content.indexOf(u"location.replace(\""_s);
    QVERIFY2(start >= 0, qPrintable(content));
    const qsizetype begin =
            start + qsizetype(std::char_traits<char>::length("location.replace(\""));
    const QUrl url(content.mid(begin, content.indexOf(u'"', begin) - begin), QUrl::StrictMode);
    QVERIFY(content.contains(u"http-equiv=\"refresh\""_s));
    QCOMPARE(queryValue(url, u"Destination"_s),
             u"https://console.aws.amazon.com/console/home?region=eu-west-1"_s);
    const QString token = queryValue(url, u"SigninToken"_s);
    QVERIFY(!token.isEmpty());
    QCOMPARE(getOnce(url).first, 302);
    // Not on the browser's command line, not in the log.
    QVERIFY(!argument.contains(token));
    QCOMPARE(filesContaining(m_env->path(u"state"_s), token), QStringList());

    // The page goes with the app at the latest (else 60 s after it was written).
    QCOMPARE(m_env->imsa({u"stop"_s}).exitCode, 0);
    QVERIFY(!QFileInfo::exists(page));
}

void tst_Cli::consoleRefusesAProfileWithoutRole()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult result = m_env->imsa({u"console"_s, u"base"_s, u"--print"_s});
    QCOMPARE(result.exitCode, 1);
    QCOMPARE(result.out, QString());
    QVERIFY2(result.err.contains(u"AWS opens the console only with role credentials"_s),
             qPrintable(result.err));
    QVERIFY2(result.err.contains(u"Add a role_arn to profile 'base'"_s), qPrintable(result.err));
    QCOMPARE(m_env->stsCallCounts().value(u"GetSessionToken").toInt(), 0);

    // No profile named and none active.
    const CommandResult none = m_env->imsa({u"console"_s, u"--print"_s});
    QCOMPARE(none.exitCode, 1);
    QVERIFY2(none.err.contains(u"no profile is active; name one: imsa console PROFILE"_s),
             qPrintable(none.err));
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
