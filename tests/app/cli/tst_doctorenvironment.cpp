#include <QTest>

#include "cli/doctorchecks.h"

using namespace Qt::StringLiterals;
using namespace imsa::cli;

// The environment checks of `imsa doctor` (doctorenvironment.cpp): every credential source the
// SDKs try before instance metadata, proxies, and the variables that switch metadata off.
namespace {

using Variables = QList<std::pair<QString, QString>>;

QProcessEnvironment environment(const Variables &variables)
{
    QProcessEnvironment env;
    for (const auto &[name, value] : variables)
        env.insert(name, value);
    return env;
}

void addOutcomeColumns()
{
    QTest::addColumn<CheckStatus>("status");
    QTest::addColumn<QString>("found");
    QTest::addColumn<QString>("fix");
}

void verifyOutcome(const CheckResult &result)
{
    QFETCH(CheckStatus, status);
    QFETCH(QString, found);
    QFETCH(QString, fix);
    QCOMPARE(int(result.status), int(status));
    QVERIFY2(result.found.contains(found), qPrintable(result.found));
    QVERIFY2(result.fix.contains(fix), qPrintable(result.fix));
    if (status == CheckStatus::Fail || status == CheckStatus::Warn)
        QVERIFY2(!result.fix.isEmpty(), "every problem comes with a fix");
}

const QString secret = u"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"_s;

AwsFiles awsFiles(const QByteArray &config, const QByteArray &credentials)
{
    return AwsFiles{u"/h/.aws/config"_s, config, u"/h/.aws/credentials"_s, credentials};
}

} // namespace

class tst_DoctorEnvironment : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void checkEnvironmentCredentials_data();
    void checkEnvironmentCredentials();
    void checkAwsProfileVariable_data();
    void checkAwsProfileVariable();
    void checkDefaultProfile_data();
    void checkDefaultProfile();
    void checkContainerCredentials_data();
    void checkContainerCredentials();
    void checkProxy_data();
    void checkProxy();
    void checkMetadataVariables_data();
    void checkMetadataVariables();
    void checkStsEndpoint_data();
    void checkStsEndpoint();
};

void tst_DoctorEnvironment::checkEnvironmentCredentials_data()
{
    QTest::addColumn<Variables>("variables");
    addOutcomeColumns();
    QTest::addRow("none") << Variables{} << CheckStatus::Ok << u"no AWS_ACCESS_KEY_ID"_s
                          << QString();
    QTest::addRow("keys in the environment shadow imsa")
            << Variables{{u"AWS_ACCESS_KEY_ID"_s, u"AKIAIOSFODNN7EXAMPLE"_s},
                         {u"AWS_SECRET_ACCESS_KEY"_s, secret}}
            << CheckStatus::Fail
            << u"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY are set: AWS tools use them before "
               "instance metadata"_s
            << u"unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN"_s;
    QTest::addRow("an empty variable counts as unset")
            << Variables{{u"AWS_ACCESS_KEY_ID"_s, QString()}} << CheckStatus::Ok
            << u"no AWS_ACCESS_KEY_ID"_s << QString();
    QTest::addRow("set by imsa export: deliberate, a warning")
            << Variables{{u"AWS_ACCESS_KEY_ID"_s, u"ASIAIOSFODNN7EXAMPLE"_s},
                         {u"AWS_SECRET_ACCESS_KEY"_s, secret},
                         {u"AWS_SESSION_TOKEN"_s, u"token"_s},
                         {u"IMSA_PROFILE"_s, u"prod"_s}}
            << CheckStatus::Warn << u"`imsa export prod`"_s << u"IMSA_PROFILE_EXPIRATION"_s;
}

void tst_DoctorEnvironment::checkEnvironmentCredentials()
{
    QFETCH(Variables, variables);
    const CheckResult result = imsa::cli::checkEnvironmentCredentials(environment(variables));
    verifyOutcome(result);
    QVERIFY(!formatCheck(result).contains(secret));
    QVERIFY(!formatCheck(result).contains(u"IOSFODNN7"_s));
}

void tst_DoctorEnvironment::checkAwsProfileVariable_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    addOutcomeColumns();
    const QByteArray config = "[default]\nregion = eu-west-1\n\n"
                              "[profile admin]\nrole_arn = arn:aws:iam::123456789012:role/Admin\n"
                              "source_profile = base\n\n"
                              "[profile \"with space\"]\nregion = us-east-1\n\n"
                              "[profile sso]\nsso_session = corp\n\n"
                              "[profile tools]\nregion = eu-central-1\noutput = json\n";
    const QByteArray credentials = "[base]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                                   "aws_secret_access_key = "
            + secret.toLatin1() + "\n";
    QTest::addRow("unset") << QString() << config << credentials << CheckStatus::Ok << u"not set"_s
                           << QString();
    QTest::addRow("a role the AWS CLI assumes itself")
            << u"admin"_s << config << credentials << CheckStatus::Fail
            << u"AWS_PROFILE=admin has credentials of its own (/h/.aws/config: role_arn)"_s
            << u"unset AWS_PROFILE"_s;
    QTest::addRow("keys in the credentials file")
            << u"base"_s << config << credentials << CheckStatus::Fail
            << u"/h/.aws/credentials: aws_access_key_id"_s << u"imsa env"_s;
    QTest::addRow("SSO") << u"sso"_s << config << credentials << CheckStatus::Fail
                         << u"sso_session"_s << u"unset AWS_PROFILE"_s;
    QTest::addRow("no such profile: the AWS CLI stops")
            << u"prod"_s << config << credentials << CheckStatus::Fail
            << u"AWS_PROFILE=prod names no profile in /h/.aws/config or /h/.aws/credentials"_s
            << u"unset AWS_PROFILE"_s;
    QTest::addRow("settings only: falls through to imsa")
            << u"tools"_s << config << credentials << CheckStatus::Ok << u"sets no credentials"_s
            << QString();
    QTest::addRow("a quoted name with a space")
            << u"with space"_s << config << credentials << CheckStatus::Ok
            << u"sets no credentials"_s << QString();
    QTest::addRow("an unreadable config file")
            << u"tools"_s << QByteArray("[profile tools\nregion = x\n") << credentials
            << CheckStatus::Fail << u"/h/.aws/config:1"_s << u"correct the file"_s;
}

void tst_DoctorEnvironment::checkAwsProfileVariable()
{
    QFETCH(QString, profile);
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    const Variables variables =
            profile.isEmpty() ? Variables{} : Variables{{u"AWS_PROFILE"_s, profile}};
    const CheckResult result = imsa::cli::checkAwsProfileVariable(environment(variables),
                                                                  awsFiles(config, credentials));
    verifyOutcome(result);
    QVERIFY(!formatCheck(result).contains(secret));
}

void tst_DoctorEnvironment::checkDefaultProfile_data()
{
    QTest::addColumn<QByteArray>("config");
    QTest::addColumn<QByteArray>("credentials");
    addOutcomeColumns();
    const QByteArray keys = "[default]\naws_access_key_id = AKIAIOSFODNN7EXAMPLE\n"
                            "aws_secret_access_key = "
            + secret.toLatin1() + "\n";
    QTest::addRow("no files") << QByteArray() << QByteArray() << CheckStatus::Ok
                              << u"holds no credentials"_s << QString();
    QTest::addRow("keys in [default] of the credentials file")
            << QByteArray("[default]\nregion = eu-west-1\n") << keys << CheckStatus::Fail
            << u"[default] has credentials (/h/.aws/credentials: aws_access_key_id)"_s
            << u"[base]"_s;
    QTest::addRow("a credential_process in [default] of the config file")
            << QByteArray("[default]\ncredential_process = pass aws\n") << QByteArray()
            << CheckStatus::Fail << u"/h/.aws/config: credential_process"_s << u"rename"_s;
    QTest::addRow("[profile default] with settings only")
            << QByteArray("[profile default]\nregion = eu-west-1\n[profile x]\nrole_arn = r\n")
            << QByteArray() << CheckStatus::Ok << u"holds no credentials"_s << QString();
    QTest::addRow("keys under another name")
            << QByteArray() << QByteArray(keys).replace("[default]", "[base]") << CheckStatus::Ok
            << u"holds no credentials"_s << QString();
    QTest::addRow("a syntax error") << QByteArray() << QByteArray("[default\n") << CheckStatus::Warn
                                    << u"cannot read /h/.aws/credentials"_s << u"correct"_s;
}

void tst_DoctorEnvironment::checkDefaultProfile()
{
    QFETCH(QByteArray, config);
    QFETCH(QByteArray, credentials);
    const CheckResult result = imsa::cli::checkDefaultProfile(awsFiles(config, credentials));
    verifyOutcome(result);
    QVERIFY(!formatCheck(result).contains(secret));
}

void tst_DoctorEnvironment::checkContainerCredentials_data()
{
    QTest::addColumn<Variables>("variables");
    addOutcomeColumns();
    QTest::addRow("none") << Variables{} << CheckStatus::Ok << u"no AWS_CONTAINER"_s << QString();
    QTest::addRow("set by imsa env: deliberate")
            << Variables{{u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s,
                          u"http://127.0.0.1:40123/v1/credentials/prod"_s},
                         {u"AWS_CONTAINER_AUTHORIZATION_TOKEN"_s, u"t"_s},
                         {u"IMSA_PROFILE"_s, u"prod"_s}}
            << CheckStatus::Ok << u"profile prod through `imsa env`"_s << QString();
    QTest::addRow("a leftover full URI")
            << Variables{{u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s, u"http://127.0.0.1:1/x"_s}}
            << CheckStatus::Fail << u"AWS_CONTAINER_CREDENTIALS_FULL_URI is set"_s
            << u"unset AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"_s;
    QTest::addRow("ECS's relative URI, even with IMSA_PROFILE")
            << Variables{{u"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"_s, u"/v2/credentials/x"_s},
                         {u"IMSA_PROFILE"_s, u"prod"_s}}
            << CheckStatus::Fail << u"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI is set"_s
            << u"unset"_s;
    QTest::addRow("a remote full URI, even with IMSA_PROFILE")
            << Variables{{u"AWS_CONTAINER_CREDENTIALS_FULL_URI"_s, u"http://10.0.0.1/creds"_s},
                         {u"IMSA_PROFILE"_s, u"prod"_s}}
            << CheckStatus::Fail << u"AWS_CONTAINER_CREDENTIALS_FULL_URI is set"_s << u"unset"_s;
}

void tst_DoctorEnvironment::checkContainerCredentials()
{
    QFETCH(Variables, variables);
    verifyOutcome(imsa::cli::checkContainerCredentials(environment(variables)));
}

void tst_DoctorEnvironment::checkProxy_data()
{
    QTest::addColumn<Variables>("variables");
    addOutcomeColumns();
    const std::pair proxy{u"HTTP_PROXY"_s, u"http://jane:hunter2@proxy.corp:3128"_s};
    const QString fix = u"NO_PROXY=169.254.169.254,$NO_PROXY"_s;
    QTest::addRow("no proxy") << Variables{} << CheckStatus::Ok << u"no HTTP proxy"_s << QString();
    QTest::addRow("proxy without NO_PROXY")
            << Variables{proxy} << CheckStatus::Fail
            << u"HTTP_PROXY is set and NO_PROXY does not exempt 169.254.169.254"_s << fix;
    QTest::addRow("lower-case proxy without exemption")
            << Variables{{u"http_proxy"_s, u"http://proxy:3128"_s},
                         {u"no_proxy"_s, u"localhost,127.0.0.1,.corp"_s}}
            << CheckStatus::Fail << u"http_proxy is set"_s << fix;
    QTest::addRow("exempted exactly")
            << Variables{proxy, {u"NO_PROXY"_s, u"localhost, 169.254.169.254"_s}} << CheckStatus::Ok
            << u"exempts 169.254.169.254"_s << QString();
    QTest::addRow("exempted by *") << Variables{proxy, {u"no_proxy"_s, u"*"_s}} << CheckStatus::Ok
                                   << u"exempts"_s << QString();
    QTest::addRow("only a CIDR range: Python ignores it")
            << Variables{proxy, {u"NO_PROXY"_s, u"169.254.0.0/16"_s}} << CheckStatus::Warn
            << u"only by a CIDR range"_s << fix;
    QTest::addRow("a range that does not contain it")
            << Variables{proxy, {u"NO_PROXY"_s, u"10.0.0.0/8"_s}} << CheckStatus::Fail
            << u"does not exempt"_s << fix;
    QTest::addRow("lower and upper case disagree: Python reads no_proxy")
            << Variables{proxy,
                         {u"NO_PROXY"_s, u"169.254.169.254"_s},
                         {u"no_proxy"_s, u"localhost"_s}}
            << CheckStatus::Fail << u"does not exempt"_s << fix;
}

void tst_DoctorEnvironment::checkProxy()
{
    QFETCH(Variables, variables);
    const CheckResult result = imsa::cli::checkProxy(environment(variables));
    verifyOutcome(result);
    QVERIFY2(!formatCheck(result).contains(u"hunter2"_s), "a proxy password is never printed");
}

void tst_DoctorEnvironment::checkMetadataVariables_data()
{
    QTest::addColumn<Variables>("variables");
    QTest::addColumn<QString>("servedOn");
    addOutcomeColumns();
    QTest::addRow("nothing set") << Variables{} << QString() << CheckStatus::Ok
                                 << u"at 169.254.169.254"_s << QString();
    QTest::addRow("metadata disabled")
            << Variables{{u"AWS_EC2_METADATA_DISABLED"_s, u"True"_s}} << QString()
            << CheckStatus::Fail << u"AWS_EC2_METADATA_DISABLED=true"_s
            << u"unset AWS_EC2_METADATA_DISABLED"_s;
    QTest::addRow("disabled=false is harmless")
            << Variables{{u"AWS_EC2_METADATA_DISABLED"_s, u"false"_s}} << QString()
            << CheckStatus::Ok << u"at 169.254.169.254"_s << QString();
    QTest::addRow("IPv6 endpoint mode")
            << Variables{{u"AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"_s, u"IPv6"_s}} << QString()
            << CheckStatus::Fail << u"[fd00:ec2::254]"_s << u"unset"_s;
    QTest::addRow("endpoint left from a fallback, imsa now on 169.254.169.254")
            << Variables{{u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s, u"http://127.0.0.1:9254/"_s}}
            << u"http://169.254.169.254/"_s << CheckStatus::Warn << u"but imsa serves on"_s
            << u"unset AWS_EC2_METADATA_SERVICE_ENDPOINT"_s;
    QTest::addRow("imsa on the fallback, endpoint not following")
            << Variables{{u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s, u"http://169.254.169.254"_s}}
            << u"http://127.0.0.1:9254/"_s << CheckStatus::Warn << u"127.0.0.1:9254"_s
            << u"export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9254/"_s;
    QTest::addRow("imsa on the fallback, nothing points the tools there")
            << Variables{} << u"http://127.0.0.1:9254/"_s << CheckStatus::Warn
            << u"AWS tools ask 169.254.169.254, but imsa serves on http://127.0.0.1:9254/"_s
            << u"export AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:9254/"_s;
    QTest::addRow("imsa on 169.254.169.254, nothing set")
            << Variables{} << u"http://169.254.169.254/"_s << CheckStatus::Ok
            << u"at 169.254.169.254"_s << QString();
    QTest::addRow("endpoint matches the fallback")
            << Variables{{u"AWS_EC2_METADATA_SERVICE_ENDPOINT"_s, u"http://127.0.0.1:9254/"_s}}
            << u"http://127.0.0.1:9254/"_s << CheckStatus::Ok << u"at http://127.0.0.1:9254/"_s
            << QString();
}

void tst_DoctorEnvironment::checkMetadataVariables()
{
    QFETCH(Variables, variables);
    QFETCH(QString, servedOn);
    std::optional<RunningImsa> running;
    if (!servedOn.isEmpty())
        running = RunningImsa{1, servedOn, {}, {}};
    verifyOutcome(imsa::cli::checkMetadataVariables(environment(variables), running));
}

void tst_DoctorEnvironment::checkStsEndpoint_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("source");
    addOutcomeColumns();

    QTest::addRow("AWS's regional endpoint")
            << u"https://sts.eu-west-1.amazonaws.com"_s << QString() << CheckStatus::Ok
            << u"https://sts.eu-west-1.amazonaws.com"_s << QString();
    QTest::addRow("a local stand-in is shown with where it comes from")
            << u"http://127.0.0.1:4566/"_s << u"AWS_ENDPOINT_URL"_s << CheckStatus::Warn
            << u"http://127.0.0.1:4566/ (not AWS), from AWS_ENDPOINT_URL"_s
            << u"imsa sends MFA codes and keys there; unset AWS_ENDPOINT_URL unless that is "
               "meant"_s;
    QTest::addRow("a profile's https endpoint elsewhere")
            << u"https://sts.example.com/"_s << u"profile 'p', key 'sts_endpoint'"_s
            << CheckStatus::Warn
            << u"https://sts.example.com/ (not AWS), from profile 'p', key 'sts_endpoint'"_s
            << u"remove sts_endpoint from the profile unless that is meant"_s;
    QTest::addRow("plain http off loopback, which imsa refuses")
            << u"http://10.0.0.5/"_s << u"AWS_ENDPOINT_URL_STS"_s << CheckStatus::Fail
            << u"AWS_ENDPOINT_URL_STS=http://10.0.0.5/: plain http is allowed only to a "
               "loopback address"_s
            << u"use an https:// URL, or unset AWS_ENDPOINT_URL_STS"_s;
}

void tst_DoctorEnvironment::checkStsEndpoint()
{
    QFETCH(QString, url);
    QFETCH(QString, source);
    verifyOutcome(
            imsa::cli::checkStsEndpoint(imsa::StsEndpoint{QUrl(url), u"us-east-1"_s, source}));
}

QTEST_GUILESS_MAIN(tst_DoctorEnvironment)
#include "tst_doctorenvironment.moc"
