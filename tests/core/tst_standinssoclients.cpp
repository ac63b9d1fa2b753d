// Clients of the Identity Center stand-in: imsa's STS client with the portal's role
// credentials, and boto3 signing in with botocore's own sso-oidc client and calling STS
// through an SSO profile.
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include "standinssorig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

constexpr int pythonTimeoutMs = 60000;

template <typename T>
QString failure(const StsResult<T> &result)
{
    return result.ok() ? QString() : result.error().message;
}

// Exit 3: boto3 cannot be used here (the test skips). No "//" in it: moc 6.4 takes it for a
// comment inside a raw string and then misses the test class.
const QString boto3Script = uR"(
import datetime, hashlib, json, os, sys, urllib.request
try:
    import boto3, botocore.session
except ImportError as error:
    print(error, file=sys.stderr)
    sys.exit(3)

endpoint = os.environ["AWS_ENDPOINT_URL"]
home = os.environ["HOME"]
session_name = "standin"
start_url = os.environ["SSO_START_URL"]
os.makedirs(os.path.join(home, ".aws", "sso", "cache"))
with open(os.path.join(home, ".aws", "config"), "w") as config:
    config.write(f"""[sso-session {session_name}]
sso_start_url = {start_url}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile dev-admin]
sso_session = {session_name}
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = us-east-1
""")

oidc = botocore.session.get_session().create_client(
    "sso-oidc", region_name="us-east-1", endpoint_url=endpoint)
client = oidc.register_client(clientName="tst_standinsso", clientType="public",
                              scopes=["sso:account:access"])
authorization = oidc.start_device_authorization(
    clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=start_url)
urllib.request.urlopen(authorization["verificationUriComplete"], timeout=10).read()
token = oidc.create_token(grantType="urn:ietf:params:oauth:grant-type:device_code",
                          deviceCode=authorization["deviceCode"], clientId=client["clientId"],
                          clientSecret=client["clientSecret"])

def iso8601(when):
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")

now = datetime.datetime.now(datetime.timezone.utc)
cache = {
    "startUrl": start_url,
    "region": "us-east-1",
    "accessToken": token["accessToken"],
    "expiresAt": iso8601(now + datetime.timedelta(seconds=token["expiresIn"])),
    "refreshToken": token["refreshToken"],
    "clientId": client["clientId"],
    "clientSecret": client["clientSecret"],
    "registrationExpiresAt": iso8601(datetime.datetime.fromtimestamp(
        client["clientSecretExpiresAt"], datetime.timezone.utc)),
}
cache_key = hashlib.sha1(session_name.encode("utf-8")).hexdigest()
with open(os.path.join(home, ".aws", "sso", "cache", cache_key + ".json"), "w") as file:
    json.dump(cache, file)

# A session of its own: botocore fixes the profile of a session's credential chain when it
# first builds it.
core = botocore.session.get_session()
# Debian 12's botocore 1.29 predates AWS_ENDPOINT_URL (botocore 1.31): hand the endpoint to
# the SSO clients botocore creates for itself. Newer botocore would find it on its own.
create_client = core.create_client
def create_client_at_standin(service_name, *args, **kwargs):
    if service_name in ("sso", "sso-oidc") and not kwargs.get("endpoint_url"):
        kwargs["endpoint_url"] = endpoint
    return create_client(service_name, *args, **kwargs)
core.create_client = create_client_at_standin

sts = boto3.Session(botocore_session=core, profile_name="dev-admin").client(
    "sts", endpoint_url=endpoint)
print(sts.get_caller_identity()["Arn"])
)"_s;

} // namespace

class tst_StandInSsoClients : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void roleCredentialsAreKnownToSts();
    void boto3SignsInAndGetsTheSsoRole();

private:
    std::unique_ptr<StandInSsoRig> m_rig;
};

void tst_StandInSsoClients::init()
{
    m_rig = std::make_unique<StandInSsoRig>();
    QVERIFY(m_rig->harness.sts.listen());
}

void tst_StandInSsoClients::cleanup()
{
    m_rig.reset();
}

void tst_StandInSsoClients::roleCredentialsAreKnownToSts()
{
    const SsoSession session = m_rig->signIn();
    const SsoAnswer answer = m_rig->send(
            "GET",
            u"/federation/credentials?role_name=AdministratorAccess&account_id=111111111111"_s, {},
            session.accessToken);
    QCOMPARE(answer.status, 200);
    const QJsonObject role = answer.json.value(u"roleCredentials").toObject();
    QCOMPARE(role.value(u"expiration").toInteger(),
             m_rig->harness.clock.now().addSecs(3600).toMSecsSinceEpoch());
    const AwsCredentials credentials{
            role.value(u"accessKeyId").toString(), role.value(u"secretAccessKey").toString(),
            role.value(u"sessionToken").toString(),
            QDateTime::fromMSecsSinceEpoch(role.value(u"expiration").toInteger(), Qt::UTC)};
    QVERIFY(credentials.accessKeyId.startsWith(u"ASIA"));

    Outcome<CallerIdentity> identity;
    m_rig->harness.client.getCallerIdentity(credentials, m_rig->harness.endpoint(), this,
                                            identity.callback());
    QVERIFY(identity.wait());
    QVERIFY2(identity.result->ok(), qPrintable(failure(*identity.result)));
    QVERIFY2(QRegularExpression(u"^arn:aws:sts::111111111111:assumed-role/"
                                u"AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/alice$"_s)
                     .match(identity.result->value().arn)
                     .hasMatch(),
             qPrintable(identity.result->value().arn));
    QCOMPARE(identity.result->value().account, u"111111111111"_s);

    // AssumeRole signed with them is role chaining: one hour at most.
    AssumeRoleParams chained{credentials, adminRole, u"chained"_s, {},
                             {},          {},        7200,         m_rig->harness.endpoint()};
    Outcome<AssumedRole> tooLong;
    m_rig->harness.client.assumeRole(chained, this, tooLong.callback());
    QVERIFY(tooLong.wait());
    QVERIFY(!tooLong.result->ok());
    QCOMPARE(tooLong.result->error().awsCode, u"ValidationError"_s);
    chained.durationSeconds = 3600;
    Outcome<AssumedRole> assumed;
    m_rig->harness.client.assumeRole(chained, this, assumed.callback());
    QVERIFY(assumed.wait());
    QVERIFY2(assumed.result->ok(), qPrintable(failure(*assumed.result)));
    QCOMPARE(assumed.result->value().assumedRoleArn,
             u"arn:aws:sts::123456789012:assumed-role/Admin/chained"_s);
}

// The real thing: botocore's own sso-oidc client signs in, the token goes where botocore's
// SSOTokenProvider looks, and boto3 with an SSO profile calls STS with the portal's
// credentials.
void tst_StandInSsoClients::boto3SignsInAndGetsTheSsoRole()
{
    const QString python = u"/usr/bin/python3"_s;
    if (!QFile::exists(python))
        QSKIP("Debian's python3-boto3 is needed (scripts/setup-debian.sh --with-tests)");
    // Real time from here on: botocore compares the token's expiry with its own clock.
    m_rig->sso.setTimeSource([] {
        return QDateTime::currentDateTimeUtc();
    });
    m_rig->harness.sts.setTimeSource([] {
        return QDateTime::currentDateTimeUtc();
    });
    QTemporaryDir home;
    QVERIFY(home.isValid());

    QProcess process;
    QProcessEnvironment environment; // nothing inherited: no AWS_*, no proxy
    environment.insert(u"PATH"_s, u"/usr/bin:/bin"_s);
    environment.insert(u"HOME"_s, home.path());
    environment.insert(u"LANG"_s, u"C.UTF-8"_s);
    environment.insert(u"AWS_ENDPOINT_URL"_s, m_rig->harness.sts.url().toString());
    environment.insert(u"AWS_EC2_METADATA_DISABLED"_s, u"true"_s);
    environment.insert(u"SSO_START_URL"_s, u"https://example.awsapps.com/start"_s);
    process.setProcessEnvironment(environment);
    process.start(python, {u"-c"_s, boto3Script});
    // Wait with the event loop running: this process serves the stand-in python calls.
    QSignalSpy finished(&process, &QProcess::finished);
    if (!finished.wait(pythonTimeoutMs)) {
        process.kill();
        process.waitForFinished();
        QFAIL("python did not finish in time");
    }
    const QString out = QString::fromUtf8(process.readAllStandardOutput()).trimmed();
    const QString err = QString::fromUtf8(process.readAllStandardError());
    if (process.exitCode() == 3)
        QSKIP(qPrintable(u"boto3 is not usable: "_s + err));
    QVERIFY2(process.exitCode() == 0, qPrintable(err));
    QVERIFY2(QRegularExpression(u"^arn:aws:sts::111111111111:assumed-role/"
                                u"AWSReservedSSO_AdministratorAccess_[0-9a-f]{16}/alice$"_s)
                     .match(out)
                     .hasMatch(),
             qPrintable(out + u'\n' + err));
    QCOMPARE(m_rig->sso.callCount(u"RegisterClient"_s), 1);
    QCOMPARE(m_rig->sso.callCount(u"GetRoleCredentials"_s), 1);
    QCOMPARE(m_rig->harness.sts.callCount(u"GetCallerIdentity"_s), 1);
}

QTEST_GUILESS_MAIN(tst_StandInSsoClients)
#include "tst_standinssoclients.moc"
