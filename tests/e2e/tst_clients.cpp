// Real AWS clients from Debian (awscli v2, boto3) against the running app, through each way
// imsa hands out credentials: IMDSv1+v2, IMDSv2 only, and the container endpoint.
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

const QString awsCli = u"/usr/bin/aws"_s; // Debian's v2; a pip awscli v1 may come first on PATH
const QString python = u"/usr/bin/python3"_s;
const QString devRoleArn = u"arn:aws:sts::111111111111:assumed-role/Developer/alice"_s;

// boto3 resolves credentials through its whole provider chain, ending at IMDS / the container
// provider; get_caller_identity proves the credentials are accepted by (stand-in) STS.
const QString boto3Script = uR"(
import boto3, os
sts = boto3.client("sts", endpoint_url=os.environ["AWS_ENDPOINT_URL_STS"])
print(sts.get_caller_identity()["Arn"])
)"_s;

} // namespace

class tst_Clients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void clientsFindCredentials_data();
    void clientsFindCredentials();
    void imdsv1IsRefusedInV2OnlyMode();

private:
    std::unique_ptr<E2eEnvironment> m_env;
};

void tst_Clients::init()
{
    if (!QFile::exists(awsCli) || !QFile::exists(python))
        QSKIP("Debian's awscli and python3-boto3 are needed (scripts/setup-debian.sh "
              "--with-tests)");
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeDefaultConfig();
    QVERIFY2(m_env->startSts(), qPrintable(m_env->error()));
}

void tst_Clients::cleanup()
{
    m_env.reset();
}

void tst_Clients::clientsFindCredentials_data()
{
    QTest::addColumn<QStringList>("startOptions");
    QTest::addColumn<bool>("container");
    QTest::addColumn<QString>("client");

    for (const QString &client : {u"awscli"_s, u"boto3"_s}) {
        QTest::addRow("%s, IMDSv1+v2", qPrintable(client)) << QStringList() << false << client;
        QTest::addRow("%s, IMDSv2 only", qPrintable(client))
                << QStringList{u"--imdsv2-only"_s} << false << client;
        QTest::addRow("%s, container endpoint", qPrintable(client))
                << QStringList() << true << client;
    }
}

void tst_Clients::clientsFindCredentials()
{
    QFETCH(QStringList, startOptions);
    QFETCH(bool, container);
    QFETCH(QString, client);

    QVERIFY2(m_env->startApp(startOptions), qPrintable(m_env->error()));
    QProcessEnvironment environment = m_env->clientEnvironment();
    if (container) {
        // The shell of `imsa env dev` uses dev while the machine's active profile is prod.
        const CommandResult assume =
                m_env->imsa({u"assume"_s, u"prod"_s, u"--mfa-code"_s, u"123456"_s});
        QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));
        const CommandResult env = m_env->imsa({u"env"_s, u"dev"_s});
        QVERIFY2(env.exitCode == 0, qPrintable(env.err));
        for (const QString &line : env.out.split(u'\n', Qt::SkipEmptyParts)) {
            // export NAME='value'
            const QString assignment = line.section(u' ', 1);
            environment.insert(assignment.section(u'=', 0, 0),
                               assignment.section(u'=', 1).remove(u'\''));
        }
        QVERIFY(environment.contains(u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s));
        QVERIFY(environment.contains(u"AWS_CONTAINER_AUTHORIZATION_TOKEN"_s));
    } else {
        const CommandResult assume =
                m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
        QVERIFY2(assume.exitCode == 0, qPrintable(assume.out + assume.err));
    }

    const CommandResult result = client == u"awscli"_s
            ? m_env->run(awsCli,
                         {u"sts"_s, u"get-caller-identity"_s, u"--endpoint-url"_s, m_env->stsUrl(),
                          u"--query"_s, u"Arn"_s, u"--output"_s, u"text"_s},
                         environment)
            : m_env->run(python, {u"-c"_s, boto3Script}, environment);
    QVERIFY2(result.exitCode == 0, qPrintable(result.err));
    QCOMPARE(result.out.trimmed(), devRoleArn);
}

void tst_Clients::imdsv1IsRefusedInV2OnlyMode()
{
    QVERIFY2(m_env->startApp({u"--imdsv2-only"_s}), qPrintable(m_env->error()));
    const CommandResult assume = m_env->imsa({u"assume"_s, u"dev"_s, u"--mfa-code"_s, u"123456"_s});
    QVERIFY2(assume.exitCode == 0, qPrintable(assume.err));
    const QString url = m_env->endpoint() + u"latest/meta-data/iam/security-credentials/"_s;
    const CommandResult v1 = m_env->run(
            u"curl"_s, {u"-s"_s, u"-o"_s, u"/dev/null"_s, u"-w"_s, u"%{http_code}"_s, url});
    QCOMPARE(v1.out, u"401"_s);
}

QTEST_GUILESS_MAIN(tst_Clients)
#include "tst_clients.moc"
