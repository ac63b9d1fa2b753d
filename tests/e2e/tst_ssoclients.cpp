// IAM Identity Center (issue 14) through imsa's metadata endpoint to the clients people use: the
// AWS CLI, boto3 and the AWS SDK for JavaScript v3 (tests/e2e/js, installed by the fixture test
// e2e_js_modules). Each finds the SSO role's credentials with its own default provider chain,
// which ends at IMDS, and shows them to the stand-in's STS GetCallerIdentity. The JavaScript SDK
// also takes the SSO profile itself, from the token imsa's sign-in left in the shared cache.
#include <QFile>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_SsoClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void clientsShareTheSsoRoleThroughImds();
    void jsSdkSsoProfileUsesImsasSignIn();

private:
    /// How often the app's log says `text`.
    qsizetype logLines(const QString &text) const;
    /// Runs one client, which must print the SSO role's ARN (into `arn`) after taking an IMDSv2
    /// token and the credentials from the app.
    void verifyCallerArn(const QString &program, const QStringList &arguments, QString *arn);
    /// Fails unless node and the SDK that e2e_js_modules installs are there.
    void verifyJsSdkInstalled(const QString &jsPrefix);

    std::unique_ptr<E2eEnvironment> m_env;
};

namespace {

const QString awsCli = u"/usr/bin/aws"_s; // Debian's v2; a pip awscli v1 may come first on PATH
const QString python = u"/usr/bin/python3"_s;
const QString node = u"/usr/bin/node"_s; // the packaged one (Debian's is 18.x), not nvm's

const QString boto3Script = uR"(
import sys, boto3
print(boto3.client("sts", endpoint_url=sys.argv[1]).get_caller_identity()["Arn"])
)"_s;

// What IAM Identity Center names the role and the stand-in's session (the user's name) after it.
const QRegularExpression ssoRoleArn(u"^arn:aws:sts::111111111111:assumed-role/"
                                    u"AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/"_s);

// imsa.imds debug lines (core/include/imsa/imdshandler.h).
const QString tokenIssued = u"issued an IMDS token"_s;
const QString credentialsServed = u"serving IMDS credentials of profile dev-admin"_s;

} // namespace

void tst_SsoClients::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeFile(u"home/.aws/config"_s, E2eEnvironment::ssoConfig);
    QVERIFY2(m_env->startSsoStandIn(), qPrintable(m_env->error()));
    // The log then shows each IMDS token and each time the credentials were served.
    m_env->setVariable(u"QT_LOGGING_RULES"_s, u"imsa.imds.debug=true"_s);
}

void tst_SsoClients::cleanup()
{
    m_env.reset();
}

qsizetype tst_SsoClients::logLines(const QString &text) const
{
    QFile log(m_env->path(u"state/imsa/imsa.log"_s));
    if (!log.open(QIODevice::ReadOnly))
        return 0;
    return QString::fromUtf8(log.readAll()).count(text);
}

void tst_SsoClients::verifyCallerArn(const QString &program, const QStringList &arguments,
                                     QString *arn)
{
    const qsizetype tokens = logLines(tokenIssued);
    const qsizetype served = logLines(credentialsServed);
    // clientEnvironment() points AWS_EC2_METADATA_SERVICE_ENDPOINT at the app; E2eEnvironment
    // leaves no AWS_ACCESS_KEY_ID, AWS_PROFILE, credentials file or default profile that a
    // chain would take first.
    const CommandResult result = m_env->run(program, arguments, m_env->clientEnvironment());
    *arn = result.out.trimmed();
    QVERIFY2(result.exitCode == 0 && ssoRoleArn.match(*arn).hasMatch(),
             qPrintable(u"%1 exited %2, printed '%3'; stderr: %4"_s.arg(
                     program, QString::number(result.exitCode), *arn, result.err)));
    // Through IMDSv2 (a token first), and from the app: no other source could name the role.
    QVERIFY2(logLines(tokenIssued) > tokens,
             qPrintable(program + u" asked the app for no IMDSv2 token"_s));
    QVERIFY2(logLines(credentialsServed) > served,
             qPrintable(program + u" got no credentials from the app's IMDS routes"_s));
}

void tst_SsoClients::verifyJsSdkInstalled(const QString &jsPrefix)
{
    QVERIFY2(QFile::exists(node),
             "/usr/bin/node is missing: package nodejs (scripts/setup-debian.sh --with-tests)");
    QVERIFY2(QFile::exists(jsPrefix + u"/node_modules/@aws-sdk/client-sts/package.json"_s),
             qPrintable(u"the AWS SDK for JavaScript is not installed in %1/node_modules: the "
                        u"test e2e_js_modules installs it (tests/e2e/js/install.sh, npm ci from "
                        u"the npm registry); its output is in %1/npm-ci.log"_s.arg(jsPrefix)));
}

void tst_SsoClients::clientsShareTheSsoRoleThroughImds()
{
    // Not QSKIP: a run without the JavaScript client must not look like a run that checked it.
    const QString jsPrefix = qEnvironmentVariable("IMSA_JS_PREFIX");
    const QString jsScript = qEnvironmentVariable("IMSA_JS_SCRIPT");
    QVERIFY2(QFile::exists(awsCli) && QFile::exists(python),
             "Debian's awscli and python3-boto3 are needed (scripts/setup-debian.sh --with-tests)");

    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login = m_env->ssoLogin({u"corp"_s, u"--no-browser"_s});
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev-admin"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    QCOMPARE(m_env->stsCallCounts().value(u"GetRoleCredentials"_s).toInt(), 1);

    QString fromCli;
    verifyCallerArn(awsCli,
                    {u"sts"_s, u"get-caller-identity"_s, u"--endpoint-url"_s, m_env->stsUrl(),
                     u"--query"_s, u"Arn"_s, u"--output"_s, u"text"_s},
                    &fromCli);
    if (QTest::currentTestFailed())
        return;
    QString fromBoto3;
    verifyCallerArn(python, {u"-c"_s, boto3Script, m_env->stsUrl()}, &fromBoto3);
    if (QTest::currentTestFailed())
        return;
    qInfo("awscli: %s\nboto3:  %s", qPrintable(fromCli), qPrintable(fromBoto3));

    verifyJsSdkInstalled(jsPrefix);
    if (QTest::currentTestFailed())
        return;
    QString fromJs;
    verifyCallerArn(node, {jsScript, jsPrefix, m_env->stsUrl()}, &fromJs);
    if (QTest::currentTestFailed())
        return;
    qInfo("js sdk: %s", qPrintable(fromJs));

    // One role session, served to all three from the app's cache: none fetched its own.
    QCOMPARE(fromBoto3, fromCli);
    QCOMPARE(fromJs, fromCli);
    QCOMPARE(m_env->stsCallCounts().value(u"GetRoleCredentials"_s).toInt(), 1);
}

void tst_SsoClients::jsSdkSsoProfileUsesImsasSignIn()
{
    const QString jsPrefix = qEnvironmentVariable("IMSA_JS_PREFIX");
    const QString jsScript = qEnvironmentVariable("IMSA_JS_SCRIPT");
    verifyJsSdkInstalled(jsPrefix);
    if (QTest::currentTestFailed())
        return;

    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login = m_env->ssoLogin({u"corp"_s, u"--no-browser"_s});
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
    QVERIFY(QFile::exists(m_env->ssoTokenCacheFile()));
    const QJsonObject before = m_env->stsCallCounts();
    QCOMPARE(before.value(u"StartDeviceAuthorization"_s).toInt(), 1);
    QCOMPARE(before.value(u"RegisterClient"_s).toInt(), 1);
    const qsizetype tokens = logLines(tokenIssued);

    // The SDK's own SSO provider, not the app: profile dev-admin of ~/.aws/config
    // (AWS_CONFIG_FILE, which E2eEnvironment points into its HOME), the token from the shared
    // cache, and instance metadata off. @aws-sdk 3.967.0 resolves the SSO client's endpoint like
    // any client's (configurable endpoints, @smithy/middleware-endpoint): AWS_ENDPOINT_URL_SSO,
    // then a `services` section; sso-oidc's (AWS_ENDPOINT_URL_SSO_OIDC) would serve a refresh.
    QProcessEnvironment sdk;
    sdk.insert(u"AWS_PROFILE"_s, u"dev-admin"_s);
    sdk.insert(u"AWS_CONFIG_FILE"_s, m_env->path(u"home/.aws/config"_s));
    sdk.insert(u"AWS_ENDPOINT_URL_SSO"_s, m_env->stsUrl());
    sdk.insert(u"AWS_ENDPOINT_URL_SSO_OIDC"_s, m_env->stsUrl());
    sdk.insert(u"AWS_EC2_METADATA_DISABLED"_s, u"true"_s);
    const CommandResult result =
            m_env->run(node, {jsScript, jsPrefix, m_env->stsUrl(), u"--sso-profile"_s}, sdk);
    const QString arn = result.out.trimmed();
    QVERIFY2(result.exitCode == 0 && ssoRoleArn.match(arn).hasMatch(),
             qPrintable(u"node exited %1, printed '%2'; stderr: %3"_s.arg(
                     QString::number(result.exitCode), arn, result.err)));
    qInfo("js sdk (sso profile): %s", qPrintable(arn));
    QCOMPARE(logLines(tokenIssued), tokens);

    // No new sign-in, and no refresh: the SDK called the portal once with imsa's cached token.
    const QJsonObject after = m_env->stsCallCounts();
    QCOMPARE(after.value(u"StartDeviceAuthorization"_s).toInt(), 1);
    QCOMPARE(after.value(u"RegisterClient"_s).toInt(), 1);
    QCOMPARE(after.value(u"CreateToken"_s).toInt(), before.value(u"CreateToken"_s).toInt());
    QCOMPARE(after.value(u"GetRoleCredentials"_s).toInt(),
             before.value(u"GetRoleCredentials"_s).toInt() + 1);
}

QTEST_GUILESS_MAIN(tst_SsoClients)
#include "tst_ssoclients.moc"
