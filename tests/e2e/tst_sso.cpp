#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

// IAM Identity Center end to end: `imsa login` against the stand-in's sso-oidc and portal, then
// the AWS CLI taking the SSO role's credentials from imsa's metadata endpoint.
class tst_Sso : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void loginThenServeAnSsoRole();
    void loginOpensTheBrowser();
    void profileWithoutSignInSaysHowToGetOne();
    void assumeSignsInOnTheWay();
    void deniedSignInIsReported();

private:
    QJsonObject ssoCallCounts() const;

    std::unique_ptr<E2eEnvironment> m_env;
};

namespace {

const QString awsCli = u"/usr/bin/aws"_s;

} // namespace

void tst_Sso::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeFile(u"home/.aws/config"_s, E2eEnvironment::ssoConfig);
    QVERIFY2(m_env->startSsoStandIn(), qPrintable(m_env->error()));
}

void tst_Sso::cleanup()
{
    m_env.reset();
}

QJsonObject tst_Sso::ssoCallCounts() const
{
    return m_env->stsCallCounts();
}

void tst_Sso::loginThenServeAnSsoRole()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login = m_env->ssoLogin({u"corp"_s, u"--no-browser"_s});
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
    QVERIFY2(login.out.contains(u"Signed in to IAM Identity Center for corp until"_s),
             qPrintable(login.out));
    QVERIFY2(!login.err.contains(u"opened in your browser"_s), qPrintable(login.err));
    // The shared cache, where the AWS CLI looks: SHA-1 of the session name.
    QVERIFY(QFile::exists(m_env->ssoTokenCacheFile()));

    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev-admin"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    QProcessEnvironment client = m_env->clientEnvironment();
    client.insert(u"AWS_DEFAULT_REGION"_s, u"eu-west-1"_s);
    const CommandResult identity = m_env->run(
            awsCli, {u"sts"_s, u"get-caller-identity"_s, u"--endpoint-url"_s, m_env->stsUrl()},
            client);
    QVERIFY2(identity.exitCode == 0, qPrintable(identity.out + identity.err));
    const QString arn =
            QJsonDocument::fromJson(identity.out.toUtf8()).object().value(u"Arn"_s).toString();
    QVERIFY2(QRegularExpression(u"^arn:aws:sts::111111111111:assumed-role/"
                                u"AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/"_s)
                     .match(arn)
                     .hasMatch(),
             qPrintable(arn));

    const QJsonObject counts = ssoCallCounts();
    QCOMPARE(counts.value(u"RegisterClient"_s).toInt(), 1);
    QCOMPARE(counts.value(u"StartDeviceAuthorization"_s).toInt(), 1);
    QCOMPARE(counts.value(u"GetRoleCredentials"_s).toInt(), 1);
    QCOMPARE(counts.value(u"AssumeRole"_s).toInt(), 0);
}

void tst_Sso::loginOpensTheBrowser()
{
    // A browser that goes where the app's private page sends it, as a real one would.
    m_env->writeFile(u"browser.sh"_s,
                     "#!/bin/sh\npage=${1#file://}\n"
                     "url=$(sed -n 's/.*content=\"0; *url=\\([^\"]*\\)\".*/\\1/p' \"$page\" "
                     "| head -n 1 | sed 's/&amp;/\\&/g')\n"
                     "exec curl -s -o /dev/null --max-time 5 \"$url\"\n");
    QFile::setPermissions(m_env->path(u"browser.sh"_s),
                          QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    m_env->setVariable(u"BROWSER"_s, m_env->path(u"browser.sh"_s));
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));

    const CommandResult login = m_env->imsa({u"login"_s, u"dev-admin"_s}, 30'000);
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
    QVERIFY2(login.err.contains(u"(opened in your browser)"_s), qPrintable(login.err));
    QVERIFY2(login.out.contains(u"for dev-admin until"_s), qPrintable(login.out));
}

void tst_Sso::assumeSignsInOnTheWay()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume =
            m_env->signInThrough({u"assume"_s, u"dev-admin"_s, u"--no-browser"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    QVERIFY2(assume.err.contains(u"Profile 'dev-admin' needs an IAM Identity Center sign-in."_s),
             qPrintable(assume.err));
    QVERIFY2(assume.err.contains(u"and approve the code "_s), qPrintable(assume.err));
    QVERIFY2(!assume.err.contains(u"run imsa login"_s), qPrintable(assume.err));
    QVERIFY2(assume.out.contains(u"Serving profile dev-admin on "_s), qPrintable(assume.out));
    QCOMPARE(ssoCallCounts().value(u"GetRoleCredentials"_s).toInt(), 1);

    // Denied: the sign-in's failure, and nothing served.
    m_env->imsa({u"logout"_s});
    const CommandResult denied = m_env->signInThrough(
            {u"assume"_s, u"dev-admin"_s, u"--no-browser"_s}, E2eEnvironment::SsoApproval::Deny);
    QCOMPARE(denied.exitCode, 1);
    QVERIFY2(denied.err.contains(u"imsa assume: The sign-in for profile 'dev-admin' was denied"_s),
             qPrintable(denied.err));
    QVERIFY2(!denied.out.contains(u"Serving profile"_s), qPrintable(denied.out));
}

void tst_Sso::profileWithoutSignInSaysHowToGetOne()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"export"_s, u"dev-admin"_s});
    QCOMPARE(assume.exitCode, 1);
    QVERIFY2(assume.err.contains(u"needs an IAM Identity Center sign-in: run imsa login "
                                 u"dev-admin"_s),
             qPrintable(assume.err));
    QCOMPARE(ssoCallCounts().value(u"GetRoleCredentials"_s).toInt(), 0);
}

void tst_Sso::deniedSignInIsReported()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login =
            m_env->ssoLogin({u"dev-admin"_s, u"--no-browser"_s}, E2eEnvironment::SsoApproval::Deny);
    QCOMPARE(login.exitCode, 1);
    QVERIFY2(login.err.contains(u"The sign-in for profile 'dev-admin' was denied or "
                                u"cancelled."_s),
             qPrintable(login.err));
    QVERIFY(!QDir(m_env->path(u"home/.aws/sso/cache"_s)).exists()
            || QDir(m_env->path(u"home/.aws/sso/cache"_s)).isEmpty());
}

QTEST_GUILESS_MAIN(tst_Sso)
#include "tst_sso.moc"
