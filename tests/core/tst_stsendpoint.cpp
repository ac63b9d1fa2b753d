#include <QTest>

#include "imsa/stsendpoint.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_StsEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolve_data();
    void resolve();
};

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

QTEST_APPLESS_MAIN(tst_StsEndpoint)
#include "tst_stsendpoint.moc"
