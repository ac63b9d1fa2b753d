#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QTest>

#include "../fakes/fakeclock.h"
#include "imsa/stsclient.h"
#include "imsa/stsendpoint.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_StsEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolve_data();
    void resolve();
    void plainHttp_data();
    void plainHttp();
    void plainHttpIsRefusedBeforeSending();
    void awsEndpoint_data();
    void awsEndpoint();
};

namespace {

Profile profileWith(const QString &stsEndpoint)
{
    Profile profile;
    profile.name = u"test"_s;
    profile.stsEndpoint = stsEndpoint;
    return profile;
}

} // namespace

void tst_StsEndpoint::resolve_data()
{
    // Profile settings, then the two environment variables (empty = unset).
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("stsRegion");
    QTest::addColumn<QString>("stsEndpoint");
    QTest::addColumn<QString>("envSts");
    QTest::addColumn<QString>("envAll");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("signingRegion");

    const QString local = u"http://127.0.0.1:4566/"_s;
    const QString other = u"http://127.0.0.1:9999"_s;
    const QString generic = u"https://aws.example.internal"_s;

    QTest::addRow("nothing configured: global endpoint signed for us-east-1")
            << QString() << QString() << QString() << QString() << QString()
            << u"https://sts.amazonaws.com"_s << u"us-east-1"_s;
    QTest::addRow("region gives the regional endpoint")
            << u"eu-west-1"_s << QString() << QString() << QString() << QString()
            << u"https://sts.eu-west-1.amazonaws.com"_s << u"eu-west-1"_s;
    QTest::addRow("sts_region wins over region for URL and signing")
            << u"eu-west-1"_s << u"eu-central-1"_s << QString() << QString() << QString()
            << u"https://sts.eu-central-1.amazonaws.com"_s << u"eu-central-1"_s;
    QTest::addRow("sts_region alone")
            << QString() << u"ap-southeast-2"_s << QString() << QString() << QString()
            << u"https://sts.ap-southeast-2.amazonaws.com"_s << u"ap-southeast-2"_s;
    QTest::addRow("China regions use amazonaws.com.cn")
            << u"cn-north-1"_s << QString() << QString() << QString() << QString()
            << u"https://sts.cn-north-1.amazonaws.com.cn"_s << u"cn-north-1"_s;
    QTest::addRow("China sts_region")
            << u"eu-west-1"_s << u"cn-northwest-1"_s << QString() << QString() << QString()
            << u"https://sts.cn-northwest-1.amazonaws.com.cn"_s << u"cn-northwest-1"_s;
    QTest::addRow("GovCloud stays on amazonaws.com")
            << u"us-gov-west-1"_s << QString() << QString() << QString() << QString()
            << u"https://sts.us-gov-west-1.amazonaws.com"_s << u"us-gov-west-1"_s;

    QTest::addRow("profile sts_endpoint wins over both variables")
            << u"eu-west-1"_s << QString() << local << other << generic << local << u"eu-west-1"_s;
    QTest::addRow("AWS_ENDPOINT_URL_STS wins over AWS_ENDPOINT_URL")
            << u"eu-west-1"_s << QString() << QString() << local << generic << local
            << u"eu-west-1"_s;
    QTest::addRow("AWS_ENDPOINT_URL wins over the regional endpoint")
            << u"eu-west-1"_s << QString() << QString() << QString() << generic << generic
            << u"eu-west-1"_s;
    QTest::addRow("custom endpoint without a region signs for us-east-1")
            << QString() << QString() << QString() << local << QString() << local << u"us-east-1"_s;
    QTest::addRow("custom endpoint signs for sts_region")
            << u"eu-west-1"_s << u"eu-north-1"_s << local << QString() << QString() << local
            << u"eu-north-1"_s;
    QTest::addRow("an endpoint's path is kept")
            << QString() << QString() << u"http://127.0.0.1:4566/sts/"_s << QString() << QString()
            << u"http://127.0.0.1:4566/sts/"_s << u"us-east-1"_s;

    QTest::addRow("a regional AWS host names its signing region")
            << u"eu-west-1"_s << QString() << u"https://sts.us-west-2.amazonaws.com"_s << QString()
            << QString() << u"https://sts.us-west-2.amazonaws.com"_s << u"us-west-2"_s;
    QTest::addRow("a regional China host names its signing region")
            << QString() << QString() << QString() << u"https://sts.cn-north-1.amazonaws.com.cn"_s
            << QString() << u"https://sts.cn-north-1.amazonaws.com.cn"_s << u"cn-north-1"_s;
    QTest::addRow("a host name is compared case-insensitively")
            << QString() << QString() << u"https://STS.EU-WEST-3.AMAZONAWS.COM"_s << QString()
            << QString() << u"https://sts.eu-west-3.amazonaws.com"_s << u"eu-west-3"_s;
    QTest::addRow("sts_region wins over the host's region")
            << QString() << u"eu-west-1"_s << u"https://sts.us-west-2.amazonaws.com"_s << QString()
            << QString() << u"https://sts.us-west-2.amazonaws.com"_s << u"eu-west-1"_s;
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html:
    // requests to the global endpoint are signed for us-east-1, whatever the client's region.
    QTest::addRow("the global endpoint named explicitly signs for us-east-1")
            << u"eu-west-1"_s << QString() << u"https://sts.amazonaws.com"_s << QString()
            << QString() << u"https://sts.amazonaws.com"_s << u"us-east-1"_s;
}

void tst_StsEndpoint::resolve()
{
    QFETCH(QString, region);
    QFETCH(QString, stsRegion);
    QFETCH(QString, stsEndpoint);
    QFETCH(QString, envSts);
    QFETCH(QString, envAll);
    QFETCH(QString, url);
    QFETCH(QString, signingRegion);

    Profile profile;
    profile.name = u"test"_s;
    profile.region = region;
    profile.stsRegion = stsRegion;
    profile.stsEndpoint = stsEndpoint;
    QProcessEnvironment environment;
    environment.insert(u"PATH"_s, u"/usr/bin"_s);
    if (!envSts.isEmpty())
        environment.insert(u"AWS_ENDPOINT_URL_STS"_s, envSts);
    if (!envAll.isEmpty())
        environment.insert(u"AWS_ENDPOINT_URL"_s, envAll);

    const StsEndpoint endpoint = resolveStsEndpoint(profile, environment);
    QCOMPARE(endpoint.url, QUrl(url));
    QCOMPARE(endpoint.signingRegion, signingRegion);
}

void tst_StsEndpoint::plainHttp_data()
{
    // The profile's sts_endpoint, the two environment variables (empty = unset), and what is
    // wrong with the endpoint that wins (empty: nothing).
    QTest::addColumn<QString>("stsEndpoint");
    QTest::addColumn<QString>("envSts");
    QTest::addColumn<QString>("envAll");
    QTest::addColumn<QString>("problem");

    const QString onlyLoopback = u"plain http is allowed only to a loopback address (127.0.0.0/8, "
                                 "::1, localhost); use https"_s;
    QTest::addRow("AWS_ENDPOINT_URL_STS with plain http to a LAN address is refused by name")
            << QString() << u"http://10.0.0.5/"_s << QString()
            << u"AWS_ENDPOINT_URL_STS=http://10.0.0.5/: "_s + onlyLoopback;
    QTest::addRow("a global AWS_ENDPOINT_URL left over from LocalStack on another host")
            << QString() << QString() << u"http://localstack.lan:4566"_s
            << u"AWS_ENDPOINT_URL=http://localstack.lan:4566: "_s + onlyLoopback;
    QTest::addRow("user and password in the URL are left out of the message")
            << QString() << u"http://alice:hunter2@10.0.0.5/"_s << QString()
            << u"AWS_ENDPOINT_URL_STS=http://10.0.0.5/: "_s + onlyLoopback;
    QTest::addRow("a profile's sts_endpoint is named by profile and key")
            << u"http://sts.example.com"_s << QString() << QString()
            << u"profile 'test', key 'sts_endpoint': "_s + onlyLoopback;
    QTest::addRow("a name that merely resolves to loopback is not enough")
            << QString() << u"http://localtest.me:4566/"_s << QString()
            << u"AWS_ENDPOINT_URL_STS=http://localtest.me:4566/: "_s + onlyLoopback;
    QTest::addRow("0.0.0.0 is not loopback")
            << QString() << u"http://0.0.0.0:4566/"_s << QString()
            << u"AWS_ENDPOINT_URL_STS=http://0.0.0.0:4566/: "_s + onlyLoopback;
    QTest::addRow("the winning https endpoint hides a refused one further down")
            << QString() << u"https://sts.example.com/"_s << u"http://10.0.0.5/"_s << QString();

    QTest::addRow("plain http to 127.0.0.1 with a port, as the tests' stand-ins use")
            << QString() << u"http://127.0.0.1:4566/"_s << QString() << QString();
    QTest::addRow("plain http to another address of 127.0.0.0/8")
            << QString() << QString() << u"http://127.200.0.9/"_s << QString();
    QTest::addRow("plain http to ::1")
            << u"http://[::1]:4566/"_s << QString() << QString() << QString();
    QTest::addRow("plain http to the literal name localhost, any case")
            << QString() << u"http://LocalHost:4566"_s << QString() << QString();
    QTest::addRow("https to any host")
            << QString() << u"https://10.0.0.5/"_s << QString() << QString();
    QTest::addRow("AWS's own endpoint") << QString() << QString() << QString() << QString();
}

void tst_StsEndpoint::plainHttp()
{
    QFETCH(QString, stsEndpoint);
    QFETCH(QString, envSts);
    QFETCH(QString, envAll);
    QFETCH(QString, problem);

    QProcessEnvironment environment;
    if (!envSts.isEmpty())
        environment.insert(u"AWS_ENDPOINT_URL_STS"_s, envSts);
    if (!envAll.isEmpty())
        environment.insert(u"AWS_ENDPOINT_URL"_s, envAll);
    const StsEndpoint endpoint = resolveStsEndpoint(profileWith(stsEndpoint), environment);
    QCOMPARE(stsEndpointProblem(endpoint), problem);
    QVERIFY(!stsEndpointProblem(endpoint).contains(u"hunter2"_s));
}

void tst_StsEndpoint::plainHttpIsRefusedBeforeSending()
{
    // Whatever is sent goes to a proxy on a closed loopback port: a call that was sent fails
    // as a network error, only one refused before sending is an InvalidRequest.
    QNetworkAccessManager network;
    network.setProxy(QNetworkProxy(QNetworkProxy::HttpProxy, u"127.0.0.1"_s, 1));
    test::FakeClock clock;
    StsClient client(network, clock);
    QProcessEnvironment environment;
    environment.insert(u"AWS_ENDPOINT_URL_STS"_s, u"http://192.0.2.1/"_s);
    const StsEndpoint endpoint = resolveStsEndpoint(profileWith({}), environment);

    std::optional<StsResult<CallerIdentity>> answer;
    client.getCallerIdentity({u"AKIAIOSFODNN7EXAMPLE"_s, u"secret"_s, {}, {}}, endpoint, this,
                             [&answer](StsResult<CallerIdentity> result) {
                                 answer = std::move(result);
                             });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10'000);
    QVERIFY(!answer->ok());
    QCOMPARE(answer->error().code, StsErrorCode::InvalidRequest);
    QCOMPARE(answer->error().message,
             u"AWS_ENDPOINT_URL_STS=http://192.0.2.1/: plain http is allowed only to a loopback "
             "address (127.0.0.0/8, ::1, localhost); use https"_s);
}

void tst_StsEndpoint::awsEndpoint_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("aws");

    QTest::addRow("the global endpoint") << u"https://sts.amazonaws.com"_s << true;
    QTest::addRow("a regional endpoint") << u"https://sts.eu-west-1.amazonaws.com/"_s << true;
    QTest::addRow("a China endpoint") << u"https://sts.cn-north-1.amazonaws.com.cn"_s << true;
    QTest::addRow("AWS's host over plain http") << u"http://sts.amazonaws.com"_s << false;
    QTest::addRow("a local stand-in") << u"http://127.0.0.1:4566/"_s << false;
    QTest::addRow("a look-alike host") << u"https://sts.amazonaws.com.evil.example"_s << false;
    QTest::addRow("a look-alike suffix") << u"https://stsamazonaws.com"_s << false;
}

void tst_StsEndpoint::awsEndpoint()
{
    QFETCH(QString, url);
    QFETCH(bool, aws);
    QCOMPARE(isAwsStsEndpoint(QUrl(url)), aws);
}

QTEST_GUILESS_MAIN(tst_StsEndpoint)
#include "tst_stsendpoint.moc"
