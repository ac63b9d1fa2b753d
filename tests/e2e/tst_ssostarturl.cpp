#include <csignal>

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>
#include <QThread>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

// The user who has nothing but an IAM Identity Center start URL: one [sso-session] section,
// one sign-in, then every account and role as an "ACCOUNT-NAME/ROLE" profile that `imsa assume`
// takes and the AWS CLI is served through imsa's metadata endpoint. Against the stand-in.
class tst_SsoStartUrl : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void beforeTheSignInSaysToSignIn();
    void fromAStartUrlToTheAwsCli();
    void assumeListsTheAccountsWhenNeeded();
    void restartServesTheListedProfileAgain();
    void unknownAccountIsReported();

private:
    void startAndSignIn();
    /// The names `imsa profiles --json` lists, once they include `name` (bounded wait).
    QStringList profilesOnceListed(const QString &name) const;
    QString callerArn() const;

    std::unique_ptr<E2eEnvironment> m_env;
};

namespace {

const QString awsCli = u"/usr/bin/aws"_s;

/// ~/.aws/config with nothing but the session: no profile names an account or a role.
const QByteArray onlyASession = R"([sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
)";

} // namespace

void tst_SsoStartUrl::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeFile(u"home/.aws/config"_s, onlyASession);
    QVERIFY2(m_env->startSsoStandIn(), qPrintable(m_env->error()));
}

void tst_SsoStartUrl::cleanup()
{
    m_env.reset();
}

void tst_SsoStartUrl::startAndSignIn()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login = m_env->ssoLogin({u"corp"_s, u"--no-browser"_s});
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
}

QStringList tst_SsoStartUrl::profilesOnceListed(const QString &name) const
{
    QStringList names;
    const QDeadlineTimer deadline(10'000);
    do {
        names.clear();
        const CommandResult list = m_env->imsa({u"profiles"_s, u"--json"_s});
        const QJsonArray profiles =
                QJsonDocument::fromJson(list.out.toUtf8()).object().value(u"profiles"_s).toArray();
        for (const auto &profile : profiles)
            names.append(profile.toObject().value(u"name"_s).toString());
        if (names.contains(name))
            break;
        QThread::msleep(100);
    } while (!deadline.hasExpired());
    return names;
}

QString tst_SsoStartUrl::callerArn() const
{
    QProcessEnvironment client = m_env->clientEnvironment();
    client.insert(u"AWS_DEFAULT_REGION"_s, u"eu-west-1"_s);
    const CommandResult identity = m_env->run(
            awsCli, {u"sts"_s, u"get-caller-identity"_s, u"--endpoint-url"_s, m_env->stsUrl()},
            client);
    if (identity.exitCode != 0)
        qWarning().noquote() << identity.out << identity.err;
    return QJsonDocument::fromJson(identity.out.toUtf8()).object().value(u"Arn"_s).toString();
}

void tst_SsoStartUrl::beforeTheSignInSaysToSignIn()
{
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult profiles = m_env->imsa({u"profiles"_s});
    QCOMPARE(profiles.exitCode, 0);
    QVERIFY2(profiles.out.contains(
                     u"corp  https://example.awsapps.com/start  not signed in: imsa login corp"_s),
             qPrintable(profiles.out));
    QVERIFY2(!profiles.out.contains(u"no usable profile"_s), qPrintable(profiles.out));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"staging/ReadOnlyAccess"_s});
    QCOMPARE(assume.exitCode, 1);
    QVERIFY2(assume.err.contains(u"no profile named 'staging/ReadOnlyAccess'; to use the accounts "
                                 u"of IAM Identity Center, sign in first: imsa login corp"_s),
             qPrintable(assume.err));
}

void tst_SsoStartUrl::fromAStartUrlToTheAwsCli()
{
    startAndSignIn();
    if (QTest::currentTestFailed())
        return;
    // The stand-in's organisation: dev (two roles), prod (one), staging (two).
    const QStringList names = profilesOnceListed(u"staging/ReadOnlyAccess"_s);
    const QStringList expected{u"dev/AdministratorAccess"_s, u"dev/ReadOnlyAccess"_s,
                               u"prod/ReadOnlyAccess"_s, u"staging/AdministratorAccess"_s,
                               u"staging/ReadOnlyAccess"_s};
    QCOMPARE(names, expected);

    const CommandResult assume = m_env->imsa({u"assume"_s, u"staging/ReadOnlyAccess"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    const QString arn = callerArn();
    QVERIFY2(QRegularExpression(u"^arn:aws:sts::222222222222:assumed-role/"
                                u"AWSReservedSSO_ReadOnlyAccess_[0-9a-f]{16}/"_s)
                     .match(arn)
                     .hasMatch(),
             qPrintable(arn));

    // Switching accounts needs no new sign-in.
    QVERIFY(m_env->imsa({u"assume"_s, u"dev/AdministratorAccess"_s}).exitCode == 0);
    QVERIFY2(callerArn().startsWith(u"arn:aws:sts::111111111111:assumed-role/"
                                    u"AWSReservedSSO_AdministratorAccess_"_s),
             "the second account was not served");
    const QJsonObject counts = m_env->stsCallCounts();
    QCOMPARE(counts.value(u"StartDeviceAuthorization"_s).toInt(), 1);
    QCOMPARE(counts.value(u"GetRoleCredentials"_s).toInt(), 2);

    const CommandResult status = m_env->imsa({u"status"_s});
    QVERIFY2(status.out.contains(u"SSO role:     AdministratorAccess in account 111111111111"_s),
             qPrintable(status.out));
    QVERIFY2(status.out.contains(u"sign-in:      https://example.awsapps.com/start"_s),
             qPrintable(status.out));
}

void tst_SsoStartUrl::assumeListsTheAccountsWhenNeeded()
{
    startAndSignIn();
    if (QTest::currentTestFailed())
        return;
    profilesOnceListed(u"prod/ReadOnlyAccess"_s);
    // A new app finds the sign-in in the cache; assume comes before it has listed anything.
    m_env->killApp(SIGTERM);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"prod/ReadOnlyAccess"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    QVERIFY2(callerArn().startsWith(u"arn:aws:sts::333333333333:assumed-role/"_s),
             "prod was not served");
}

void tst_SsoStartUrl::restartServesTheListedProfileAgain()
{
    startAndSignIn();
    if (QTest::currentTestFailed())
        return;
    profilesOnceListed(u"dev/ReadOnlyAccess"_s);
    QVERIFY(m_env->imsa({u"assume"_s, u"dev/ReadOnlyAccess"_s}).exitCode == 0);
    m_env->killApp(SIGTERM);
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    // The remembered profile exists again once the accounts are listed, without a command.
    QString profile;
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired() && profile != u"dev/ReadOnlyAccess"_s) {
        QThread::msleep(100);
        const CommandResult status = m_env->imsa({u"status"_s, u"--json"_s});
        profile = QJsonDocument::fromJson(status.out.toUtf8())
                          .object()
                          .value(u"profile"_s)
                          .toString();
    }
    QCOMPARE(profile, u"dev/ReadOnlyAccess"_s);
}

void tst_SsoStartUrl::unknownAccountIsReported()
{
    startAndSignIn();
    if (QTest::currentTestFailed())
        return;
    const CommandResult assume = m_env->imsa({u"assume"_s, u"nowhere/AdministratorAccess"_s});
    QCOMPARE(assume.exitCode, 1);
    QVERIFY2(assume.err.contains(u"no profile named 'nowhere/AdministratorAccess'"_s),
             qPrintable(assume.err));
}

QTEST_GUILESS_MAIN(tst_SsoStartUrl)
#include "tst_ssostarturl.moc"
