#include <QTest>

#include "imsa/ssoendpoint.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_SsoEndpoint : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void resolve_data();
    void resolve();
    void refusals_data();
    void refusals();
};

namespace {

/// An environment with only the endpoint variables that are not empty.
QProcessEnvironment environment(const QString &oidc, const QString &portal, const QString &all)
{
    QProcessEnvironment env;
    const std::pair<const char *, QString> variables[] = {{"AWS_ENDPOINT_URL_SSO_OIDC", oidc},
                                                          {"AWS_ENDPOINT_URL_SSO", portal},
                                                          {"AWS_ENDPOINT_URL", all}};
    for (const auto &[name, value] : variables) {
        if (!value.isEmpty())
            env.insert(QLatin1StringView(name), value);
    }
    return env;
}

} // namespace

void tst_SsoEndpoint::resolve_data()
{
    // The three variables (empty = unset), then what each service resolves to and from where.
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("envOidc");
    QTest::addColumn<QString>("envPortal");
    QTest::addColumn<QString>("envAll");
    QTest::addColumn<QString>("oidc");
    QTest::addColumn<QString>("oidcSource");
    QTest::addColumn<QString>("portal");
    QTest::addColumn<QString>("portalSource");

    const QString local = u"http://127.0.0.1:4566/"_s;
    const QString other = u"http://localhost:9999"_s;
    const QString generic = u"https://aws.example.internal"_s;

    QTest::addRow("nothing set: AWS's regional hosts")
            << u"eu-west-1"_s << QString() << QString() << QString()
            << u"https://oidc.eu-west-1.amazonaws.com"_s << QString()
            << u"https://portal.sso.eu-west-1.amazonaws.com"_s << QString();
    QTest::addRow("a China region uses amazonaws.com.cn")
            << u"cn-north-1"_s << QString() << QString() << QString()
            << u"https://oidc.cn-north-1.amazonaws.com.cn"_s << QString()
            << u"https://portal.sso.cn-north-1.amazonaws.com.cn"_s << QString();
    QTest::addRow("a GovCloud region stays on amazonaws.com")
            << u"us-gov-west-1"_s << QString() << QString() << QString()
            << u"https://oidc.us-gov-west-1.amazonaws.com"_s << QString()
            << u"https://portal.sso.us-gov-west-1.amazonaws.com"_s << QString();
    QTest::addRow("AWS_ENDPOINT_URL serves both services")
            << u"eu-west-1"_s << QString() << QString() << generic << generic
            << u"AWS_ENDPOINT_URL"_s << generic << u"AWS_ENDPOINT_URL"_s;
    QTest::addRow("AWS_ENDPOINT_URL_SSO_OIDC wins for sso-oidc only")
            << u"eu-west-1"_s << local << QString() << generic << local
            << u"AWS_ENDPOINT_URL_SSO_OIDC"_s << generic << u"AWS_ENDPOINT_URL"_s;
    QTest::addRow("AWS_ENDPOINT_URL_SSO wins for the portal only")
            << u"eu-west-1"_s << QString() << other << generic << generic << u"AWS_ENDPOINT_URL"_s
            << other << u"AWS_ENDPOINT_URL_SSO"_s;
    QTest::addRow("both service variables, AWS_ENDPOINT_URL unused")
            << u"eu-west-1"_s << local << other << generic << local
            << u"AWS_ENDPOINT_URL_SSO_OIDC"_s << other << u"AWS_ENDPOINT_URL_SSO"_s;
    QTest::addRow("one service variable, the other service on AWS")
            << u"ap-southeast-2"_s << QString() << local << QString()
            << u"https://oidc.ap-southeast-2.amazonaws.com"_s << QString() << local
            << u"AWS_ENDPOINT_URL_SSO"_s;
    QTest::addRow("plain http to IPv6 loopback")
            << u"eu-west-1"_s << u"http://[::1]:8080"_s << QString() << QString()
            << u"http://[::1]:8080"_s << u"AWS_ENDPOINT_URL_SSO_OIDC"_s
            << u"https://portal.sso.eu-west-1.amazonaws.com"_s << QString();
    QTest::addRow("plain http anywhere in 127.0.0.0/8")
            << u"eu-west-1"_s << QString() << QString() << u"http://127.1.2.3:4566"_s
            << u"http://127.1.2.3:4566"_s << u"AWS_ENDPOINT_URL"_s << u"http://127.1.2.3:4566"_s
            << u"AWS_ENDPOINT_URL"_s;
}

void tst_SsoEndpoint::resolve()
{
    QFETCH(QString, region);
    QFETCH(QString, envOidc);
    QFETCH(QString, envPortal);
    QFETCH(QString, envAll);
    QFETCH(QString, oidc);
    QFETCH(QString, oidcSource);
    QFETCH(QString, portal);
    QFETCH(QString, portalSource);

    const auto endpoints = resolveSsoEndpoints(region, environment(envOidc, envPortal, envAll));
    QVERIFY2(endpoints.ok(), qPrintable(endpoints.ok() ? QString() : endpoints.error().message));
    QCOMPARE(endpoints->oidc, QUrl(oidc));
    QCOMPARE(endpoints->oidcSource, oidcSource);
    QCOMPARE(endpoints->portal, QUrl(portal));
    QCOMPARE(endpoints->portalSource, portalSource);
}

void tst_SsoEndpoint::refusals_data()
{
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("envOidc");
    QTest::addColumn<QString>("envPortal");
    QTest::addColumn<QString>("envAll");
    QTest::addColumn<QString>("message");

    QTest::addRow("no region") << QString() << QString() << QString() << QString()
                               << u"sso_region '': not an AWS region name (like eu-west-1)"_s;
    QTest::addRow("a region that is a host name")
            << u"evil.example.com/x"_s << QString() << QString() << QString()
            << u"sso_region 'evil.example.com/x': not an AWS region name (like eu-west-1)"_s;
    QTest::addRow("plain http to another host for sso-oidc")
            << u"eu-west-1"_s << u"http://10.0.0.5:4566"_s << QString() << QString()
            << u"AWS_ENDPOINT_URL_SSO_OIDC=http://10.0.0.5:4566: plain http is allowed only to a "
               "loopback address (127.0.0.0/8, ::1, localhost); use https"_s;
    QTest::addRow("plain http to another host for the portal")
            << u"eu-west-1"_s << QString() << u"http://sso.example.com"_s << QString()
            << u"AWS_ENDPOINT_URL_SSO=http://sso.example.com: plain http is allowed only to a "
               "loopback address (127.0.0.0/8, ::1, localhost); use https"_s;
    QTest::addRow("plain http in AWS_ENDPOINT_URL")
            << u"eu-west-1"_s << QString() << QString() << u"http://192.168.1.1"_s
            << u"AWS_ENDPOINT_URL=http://192.168.1.1: plain http is allowed only to a "
               "loopback address (127.0.0.0/8, ::1, localhost); use https"_s;
    QTest::addRow("a name that merely starts like localhost")
            << u"eu-west-1"_s << u"http://localhost.example.com"_s << QString() << QString()
            << u"AWS_ENDPOINT_URL_SSO_OIDC=http://localhost.example.com: plain http is allowed "
               "only to a loopback address (127.0.0.0/8, ::1, localhost); use https"_s;
    QTest::addRow("not a URL") << u"eu-west-1"_s << QString() << u"portal.example.com"_s
                               << QString()
                               << u"AWS_ENDPOINT_URL_SSO: must be an http:// or https:// URL with "
                                  "a host"_s;
    QTest::addRow("another scheme")
            << u"eu-west-1"_s << u"ftp://127.0.0.1"_s << QString() << QString()
            << u"AWS_ENDPOINT_URL_SSO_OIDC: must be an http:// or https:// URL with a host"_s;
    QTest::addRow("a refused service variable is not rescued by AWS_ENDPOINT_URL")
            << u"eu-west-1"_s << QString() << u"http://10.1.1.1"_s << u"https://ok.example"_s
            << u"AWS_ENDPOINT_URL_SSO=http://10.1.1.1: plain http is allowed only to a "
               "loopback address (127.0.0.0/8, ::1, localhost); use https"_s;
}

void tst_SsoEndpoint::refusals()
{
    QFETCH(QString, region);
    QFETCH(QString, envOidc);
    QFETCH(QString, envPortal);
    QFETCH(QString, envAll);
    QFETCH(QString, message);

    const auto endpoints = resolveSsoEndpoints(region, environment(envOidc, envPortal, envAll));
    QVERIFY(!endpoints.ok());
    QCOMPARE(endpoints.error().message, message);
}

QTEST_APPLESS_MAIN(tst_SsoEndpoint)

#include "tst_ssoendpoint.moc"
