#include <stdexcept>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QTest>

#include "../fakes/fakeclock.h"
#include "imsa/imdshandler.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

const QDateTime t0(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);
const QString secretKey = u"SECRETwJalrXUtnFEMI/K7MDENG+bPxRfiCY"_s;
const QString sessionToken = u"SESSIONIQoJb3JpZ2luX2VjEMv//////////"_s;
const QByteArray tokenKey(32, '\x11');
const QByteArray containerKey(32, '\x22');
/// An IMDSv2 token valid at t0 (for 300 s).
const QByteArray issuedToken = ImdsTokenSigner(tokenKey).issue(300, t0);
/// The container token of profile proto.
const QByteArray containerToken = ContainerTokenSigner(containerKey).tokenFor(u"proto"_s);

const QByteArray credentialsJson =
        R"({"Code":"Success","LastUpdated":"2026-11-25T09:59:00Z","Type":"AWS-HMAC",)"
        R"("AccessKeyId":"ASIAFAKEKEYID0000001","SecretAccessKey":"SECRETwJalrXUtnFEMI/K7MDENG+bPxRfiCY",)"
        R"("Token":"SESSIONIQoJb3JpZ2luX2VjEMv//////////","Expiration":"2026-11-25T11:00:00Z"})"_ba;
const QByteArray extendedJson = credentialsJson.chopped(1) + R"(,"AccountId":"123456789012"})"_ba;
const QByteArray containerJson =
        R"({"AccessKeyId":"ASIAFAKEKEYID0000001","SecretAccessKey":"SECRETwJalrXUtnFEMI/K7MDENG+bPxRfiCY",)"
        R"("Token":"SESSIONIQoJb3JpZ2luX2VjEMv//////////","Expiration":"2026-11-25T11:00:00Z",)"
        R"("AccountId":"123456789012","Code":"Success","Type":"AWS-HMAC","LastUpdated":"2026-11-25T09:59:00Z"})"_ba;

ServedProfile proto()
{
    return ServedProfile{u"proto"_s,
                         u"ProtoRole"_s,
                         u"arn:aws:iam::123456789012:role/ProtoRole"_s,
                         u"123456789012"_s,
                         u"eu-west-1"_s,
                         {u"ASIAFAKEKEYID0000001"_s, secretKey, sessionToken, t0.addSecs(3600)},
                         t0.addSecs(-60)};
}

/// A served profile other than proto, told apart by its key id.
ServedProfile other(const QString &name, const QString &accessKeyId)
{
    ServedProfile served = proto();
    served.profile = name;
    served.credentials.accessKeyId = accessKeyId;
    return served;
}

class FakeView final : public CredentialView
{
public:
    std::optional<ServedProfile> current = proto();
    QList<ServedProfile> others; ///< profiles for the container route besides current
    bool throws = false;

    std::optional<ServedProfile> active() const override
    {
        if (throws)
            throw std::runtime_error("broker gone");
        return current;
    }

    std::optional<ServedProfile> profile(const QString &name) const override
    {
        if (current && name == current->profile)
            return current;
        for (const ServedProfile &served : others) {
            if (served.profile == name)
                return served;
        }
        return std::nullopt;
    }
};

ImdsTokenSigner tokenSigner()
{
    return ImdsTokenSigner(tokenKey);
}

/// A request from 127.0.0.1; `Host: 169.254.169.254` unless `headers` has a Host line.
HttpRequest makeRequest(const QByteArray &method, const QByteArray &target,
                        const QByteArrayList &headers = {},
                        const QHostAddress &peer = QHostAddress::LocalHost)
{
    HttpRequest request{method, target, {}, peer};
    bool hasHost = false;
    for (const QByteArray &line : headers) {
        const qsizetype colon = line.indexOf(':');
        request.headers.emplaceBack(line.left(colon), line.mid(colon + 1).trimmed());
        hasHost = hasHost || line.toLower().startsWith("host:");
    }
    if (!hasHost)
        request.headers.emplaceBack("Host", "169.254.169.254");
    return request;
}

ImdsConfig imdsConfig(bool v2Only = false)
{
    return ImdsConfig{QHostAddress(u"169.254.169.254"_s), 80, v2Only, {}};
}

/// A config whose container route accepts the tokens of containerKey.
ImdsConfig containerConfig(const QHostAddress &listen, quint16 port, bool v2Only)
{
    return ImdsConfig{listen, port, v2Only, ContainerTokenSigner(containerKey)};
}

/// The Authorization value `imsa env PROFILE` hands out.
QByteArray containerTokenFor(const QString &profile)
{
    return ContainerTokenSigner(containerKey).tokenFor(profile);
}

constexpr auto credentialsPath = "/latest/meta-data/iam/security-credentials/ProtoRole";

/// Records what the handler asked and answers with `admits`.
class FakeAccess final : public CredentialAccess
{
public:
    bool admits = true;
    QStringList asked; ///< "profile route"

    bool admit(const QString &profile, QLatin1StringView route) override
    {
        asked.append(profile + u' ' + route);
        return admits;
    }
};

} // namespace

class tst_ImdsHandler : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void routes_data();
    void routes();
    void tokenTtl_data();
    void tokenTtl();
    void tokenExpiresWithSimulatedTime_data();
    void tokenExpiresWithSimulatedTime();
    void v2Only_data();
    void v2Only();
    void peerCheck_data();
    void peerCheck();
    void hostCheck_data();
    void hostCheck();
    void limits_data();
    void limits();
    void availability_data();
    void availability();
    void identityDocument();
    void container_data();
    void container();
    void containerTokenGrantsOnlyItsProfile_data();
    void containerTokenGrantsOnlyItsProfile();
    void aFloodOfTokenRequestsLeavesEarlierTokensValid();
    void throwingViewGives500();
    void refreshedCredentialsReplaceTheServedBody_data();
    void refreshedCredentialsReplaceTheServedBody();
    void jsonEscaping_data();
    void jsonEscaping();
    void logsNoSecrets();
    void accessIsAskedOnlyForCredentials_data();
    void accessIsAskedOnlyForCredentials();
};

void tst_ImdsHandler::routes_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QByteArray>("allow");
    QTest::addColumn<bool>("noStore");

    const QByteArray text = "text/plain", json = "application/json";
    const QByteArrayList none;
    const QByteArrayList ttl{"X-aws-ec2-metadata-token-ttl-seconds: 21600"};
    const QByteArrayList validToken{"X-aws-ec2-metadata-token: " + issuedToken};
    const QByteArray creds = "/latest/meta-data/iam/security-credentials";
    const QByteArray extended = "/latest/meta-data/iam/security-credentials-extended";

    QTest::addRow("token PUT issues a token and echoes the TTL")
            << "PUT"_ba
            << "/latest/api/token"_ba << ttl << 200 << text << tokenSigner().issue(21600, t0)
            << QByteArray() << true;
    QTest::addRow("token PUT through a proxy is refused")
            << "PUT"_ba
            << "/latest/api/token"_ba << (ttl + QByteArrayList{"X-Forwarded-For: 10.0.0.9"}) << 403
            << text << "Forbidden"_ba << QByteArray() << false;
    QTest::addRow("token PUT with a lower-case X-Forwarded-For is refused")
            << "PUT"_ba
            << "/latest/api/token"_ba << (ttl + QByteArrayList{"x-forwarded-for: 10.0.0.9"}) << 403
            << text << "Forbidden"_ba << QByteArray() << false;
    QTest::addRow("role list without trailing slash")
            << "GET"_ba << creds << none << 200 << text << "ProtoRole"_ba << QByteArray() << true;
    QTest::addRow("role list with trailing slash, no newline")
            << "GET"_ba << QByteArray(creds + '/') << none << 200 << text << "ProtoRole"_ba
            << QByteArray() << true;
    QTest::addRow("credentials of the served role")
            << "GET"_ba << QByteArray(creds + "/ProtoRole") << none << 200 << json
            << credentialsJson << QByteArray() << true;
    QTest::addRow("credentials with a trailing slash")
            << "GET"_ba << QByteArray(creds + "/ProtoRole/") << none << 200 << json
            << credentialsJson << QByteArray() << true;
    QTest::addRow("credentials with a query string, which is ignored")
            << "GET"_ba << QByteArray(creds + "/ProtoRole?version=1") << none << 200 << json
            << credentialsJson << QByteArray() << true;
    QTest::addRow("credentials with a valid IMDSv2 token")
            << "GET"_ba << QByteArray(creds + "/ProtoRole") << validToken << 200 << json
            << credentialsJson << QByteArray() << true;
    QTest::addRow("credentials with the token header in lower case (awscli v2)")
            << "GET"_ba << QByteArray(creds + "/ProtoRole")
            << QByteArrayList{"x-aws-ec2-metadata-token: " + issuedToken} << 200 << json
            << credentialsJson << QByteArray() << true;
    QTest::addRow("credentials with an unknown token")
            << "GET"_ba << QByteArray(creds + "/ProtoRole")
            << QByteArrayList{"X-aws-ec2-metadata-token: not-a-token"} << 401 << text
            << "Unauthorized"_ba << QByteArray() << false;
    QTest::addRow("credentials with an empty token")
            << "GET"_ba << QByteArray(creds + "/ProtoRole")
            << QByteArrayList{"X-aws-ec2-metadata-token:"} << 401 << text << "Unauthorized"_ba
            << QByteArray() << false;
    QTest::addRow("credentials of another role")
            << "GET"_ba << QByteArray(creds + "/OtherRole") << none << 404 << text << "Not Found"_ba
            << QByteArray() << false;
    QTest::addRow("role name compared case-sensitively")
            << "GET"_ba << QByteArray(creds + "/protorole") << none << 404 << text << "Not Found"_ba
            << QByteArray() << false;
    QTest::addRow("extended role list") << "GET"_ba << QByteArray(extended + '/') << none << 200
                                        << text << "ProtoRole"_ba << QByteArray() << true;
    QTest::addRow("extended credentials add AccountId")
            << "GET"_ba << QByteArray(extended + "/ProtoRole") << none << 200 << json
            << extendedJson << QByteArray() << true;
    QTest::addRow("extended credentials of another role")
            << "GET"_ba << QByteArray(extended + "/OtherRole") << none << 404 << text
            << "Not Found"_ba << QByteArray() << false;
    QTest::addRow("availability zone") << "GET"_ba
                                       << "/latest/meta-data/placement/availability-zone"_ba << none
                                       << 200 << text << "eu-west-1a"_ba << QByteArray() << false;
    QTest::addRow("availability zone with botocore's trailing slash")
            << "GET"_ba
            << "/latest/meta-data/placement/availability-zone/"_ba << none << 200 << text
            << "eu-west-1a"_ba << QByteArray() << false;
    QTest::addRow("region") << "GET"_ba
                            << "/latest/meta-data/placement/region"_ba << none << 200 << text
                            << "eu-west-1"_ba << QByteArray() << false;
    QTest::addRow("unknown metadata path") << "GET"_ba
                                           << "/latest/meta-data/ami-id"_ba << none << 404 << text
                                           << "Not Found"_ba << QByteArray() << false;
    QTest::addRow("root path") << "GET"_ba
                               << "/"_ba << none << 404 << text << "Not Found"_ba << QByteArray()
                               << false;
    QTest::addRow("absolute-form target is not routed")
            << "GET"_ba << QByteArray("http://169.254.169.254" + creds) << none << 404 << text
            << "Not Found"_ba << QByteArray() << false;
    QTest::addRow("container route is off without a container token")
            << "GET"_ba
            << "/v1/credentials/proto"_ba << QByteArrayList{"Authorization: "} << 404 << text
            << "Not Found"_ba << QByteArray() << false;
    QTest::addRow("POST to the role list") << "POST"_ba << QByteArray(creds + '/') << none << 405
                                           << text << "Method Not Allowed"_ba
                                           << "GET"_ba << false;
    QTest::addRow("PUT to the identity document") << "PUT"_ba
                                                  << "/latest/dynamic/instance-identity/document"_ba
                                                  << none << 405 << text << "Method Not Allowed"_ba
                                                  << "GET"_ba << false;
    QTest::addRow("GET on the token route")
            << "GET"_ba
            << "/latest/api/token"_ba << none << 405 << text << "Method Not Allowed"_ba
            << "PUT"_ba << false;
    QTest::addRow("DELETE on the token route")
            << "DELETE"_ba
            << "/latest/api/token"_ba << ttl << 405 << text << "Method Not Allowed"_ba
            << "PUT"_ba << false;
    QTest::addRow("POST to an unknown path") << "POST"_ba
                                             << "/latest/user-data"_ba << none << 404 << text
                                             << "Not Found"_ba << QByteArray() << false;
}

void tst_ImdsHandler::routes()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArrayList, headers);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QByteArray, allow);
    QFETCH(bool, noStore);

    FakeView view;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);

    const HttpResponse response = handler.handle(makeRequest(method, target, headers), t0);
    QCOMPARE(response.status, status);
    QCOMPARE(response.body, body);
    QCOMPARE(response.header("Content-Type"), contentType);
    QCOMPARE(response.header("Server"), "EC2ws"_ba);
    QCOMPARE(response.header("Allow"), allow);
    QCOMPARE(response.header("Cache-Control"), noStore ? "no-store"_ba : QByteArray());
}

void tst_ImdsHandler::tokenTtl_data()
{
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("echo");

    const auto ttl = [](const char *value) {
        return QByteArrayList{"X-aws-ec2-metadata-token-ttl-seconds: "_ba + value};
    };
    QTest::addRow("21600 s, botocore's choice") << ttl("21600") << 200 << "21600"_ba;
    QTest::addRow("300 s, the Go SDK's choice") << ttl("300") << 200 << "300"_ba;
    QTest::addRow("1 s, the minimum") << ttl("1") << 200 << "1"_ba;
    QTest::addRow("header name in lower case")
            << QByteArrayList{"x-aws-ec2-metadata-token-ttl-seconds: 60"} << 200 << "60"_ba;
    QTest::addRow("0 s is out of range") << ttl("0") << 400 << QByteArray();
    QTest::addRow("21601 s is out of range") << ttl("21601") << 400 << QByteArray();
    QTest::addRow("negative") << ttl("-5") << 400 << QByteArray();
    QTest::addRow("not a number") << ttl("abc") << 400 << QByteArray();
    QTest::addRow("a fraction") << ttl("1.5") << 400 << QByteArray();
    QTest::addRow("an explicit plus sign") << ttl("+300") << 400 << QByteArray();
    QTest::addRow("too many digits to be in range") << ttl("99999999999") << 400 << QByteArray();
    QTest::addRow("empty value") << ttl("") << 400 << QByteArray();
    QTest::addRow("missing header") << QByteArrayList() << 400 << QByteArray();
}

void tst_ImdsHandler::tokenTtl()
{
    QFETCH(QByteArrayList, headers);
    QFETCH(int, status);
    QFETCH(QByteArray, echo);

    FakeView view;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    const HttpResponse response =
            handler.handle(makeRequest("PUT", "/latest/api/token", headers), t0);
    QCOMPARE(response.status, status);
    QCOMPARE(response.header("X-aws-ec2-metadata-token-ttl-seconds"), echo);
    if (status != 200)
        return;
    // The token lives exactly as long as the echoed TTL says.
    const int ttl = echo.toInt();
    QVERIFY(tokenSigner().isValid(response.body, t0.addSecs(ttl - 1)));
    QVERIFY(!tokenSigner().isValid(response.body, t0.addSecs(ttl)));
}

void tst_ImdsHandler::tokenExpiresWithSimulatedTime_data()
{
    QTest::addColumn<int>("secondsLater");
    QTest::addColumn<int>("status");

    QTest::addRow("valid one second before its TTL of 300 s") << 299 << 200;
    QTest::addRow("refused one second after its TTL of 300 s") << 301 << 401;
}

void tst_ImdsHandler::tokenExpiresWithSimulatedTime()
{
    QFETCH(int, secondsLater);
    QFETCH(int, status);

    test::FakeClock clock(t0);
    FakeView view;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    const HttpResponse issued = handler.handle(
            makeRequest("PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds: 300"}),
            clock.now());
    QCOMPARE(issued.status, 200);

    clock.advance(secondsLater);
    const HttpResponse response = handler.handle(
            makeRequest("GET", credentialsPath, {"X-aws-ec2-metadata-token: " + issued.body}),
            clock.now());
    QCOMPARE(response.status, status);
}

void tst_ImdsHandler::v2Only_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<int>("status");

    QTest::addRow("GET without a token is refused")
            << "GET"_ba << QByteArray(credentialsPath) << QByteArrayList() << 401;
    QTest::addRow("GET of an unknown path without a token is refused first")
            << "GET"_ba
            << "/latest/meta-data/ami-id"_ba << QByteArrayList() << 401;
    QTest::addRow("GET with a valid token is served")
            << "GET"_ba << QByteArray(credentialsPath)
            << QByteArrayList{"X-aws-ec2-metadata-token: " + issuedToken} << 200;
    QTest::addRow("GET with an unknown token is refused")
            << "GET"_ba << QByteArray(credentialsPath)
            << QByteArrayList{"X-aws-ec2-metadata-token: " + issuedToken.toLower()} << 401;
    QByteArray changed = issuedToken;
    changed[10] = changed[10] == 'A' ? 'B' : 'A';
    QTest::addRow("GET with a token with one character changed is refused")
            << "GET"_ba << QByteArray(credentialsPath)
            << QByteArrayList{"X-aws-ec2-metadata-token: " + changed} << 401;
    QTest::addRow("GET with a token from another key (an earlier app start) is refused")
            << "GET"_ba << QByteArray(credentialsPath)
            << QByteArrayList{"X-aws-ec2-metadata-token: "
                              + ImdsTokenSigner(QByteArray(32, '\x33')).issue(300, t0)}
            << 401;
    QTest::addRow("token PUT still works")
            << "PUT"_ba
            << "/latest/api/token"_ba << QByteArrayList{"X-aws-ec2-metadata-token-ttl-seconds: 300"}
            << 200;
}

void tst_ImdsHandler::v2Only()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArrayList, headers);
    QFETCH(int, status);

    FakeView view;
    ImdsHandler handler(imdsConfig(true), tokenSigner(), view);
    QCOMPARE(handler.handle(makeRequest(method, target, headers), t0).status, status);
}

void tst_ImdsHandler::peerCheck_data()
{
    QTest::addColumn<QString>("peer");
    QTest::addColumn<QString>("listen");
    QTest::addColumn<int>("status");

    const QString imds = u"169.254.169.254"_s;
    QTest::addRow("loopback 127.0.0.1") << u"127.0.0.1"_s << imds << 200;
    QTest::addRow("anywhere in 127.0.0.0/8") << u"127.0.0.53"_s << imds << 200;
    QTest::addRow("IPv6 loopback") << u"::1"_s << imds << 200;
    QTest::addRow("IPv4-mapped loopback") << u"::ffff:127.0.0.1"_s << imds << 200;
    QTest::addRow("the listen address itself (client on lo)") << imds << imds << 200;
    QTest::addRow("IPv4-mapped listen address") << u"::ffff:169.254.169.254"_s << imds << 200;
    QTest::addRow("LAN neighbour 192.168.1.5") << u"192.168.1.5"_s << imds << 403;
    QTest::addRow("private network 10.0.0.2") << u"10.0.0.2"_s << imds << 403;
    QTest::addRow("IPv4-mapped 10.0.0.2") << u"::ffff:10.0.0.2"_s << imds << 403;
    QTest::addRow("another link-local address") << u"169.254.1.1"_s << imds << 403;
    QTest::addRow("global IPv6") << u"2001:db8::1"_s << imds << 403;
    QTest::addRow("unknown peer") << QString() << imds << 403;
    QTest::addRow("169.254.169.254 while listening on 127.0.0.1") << imds << u"127.0.0.1"_s << 403;
    QTest::addRow("a foreign peer while listening on every address")
            << u"10.0.0.2"_s << u"0.0.0.0"_s << 403;
}

void tst_ImdsHandler::peerCheck()
{
    QFETCH(QString, peer);
    QFETCH(QString, listen);
    QFETCH(int, status);

    FakeView view;
    ImdsHandler handler(ImdsConfig{QHostAddress(listen), 80, false, {}}, tokenSigner(), view);
    const HttpRequest request =
            makeRequest("GET", credentialsPath, {"Host: localhost"}, QHostAddress(peer));
    QCOMPARE(handler.handle(request, t0).status, status);
}

void tst_ImdsHandler::hostCheck_data()
{
    QTest::addColumn<QByteArrayList>("hosts");
    QTest::addColumn<QString>("listen");
    QTest::addColumn<int>("status");

    const QString imds = u"169.254.169.254"_s;
    const auto host = [](const char *value) {
        return QByteArrayList{"Host: "_ba + value};
    };
    QTest::addRow("the listen address") << host("169.254.169.254") << imds << 200;
    QTest::addRow("the listen address with port 80") << host("169.254.169.254:80") << imds << 200;
    QTest::addRow("127.0.0.1 with the port") << host("127.0.0.1:9099") << imds << 200;
    QTest::addRow("another loopback literal") << host("127.0.0.2") << imds << 200;
    QTest::addRow("localhost") << host("localhost") << imds << 200;
    QTest::addRow("localhost in capitals with a port") << host("LocalHost:9099") << imds << 200;
    QTest::addRow("IPv6 loopback with the port") << host("[::1]:9099") << imds << 200;
    QTest::addRow("IPv6 loopback without a port") << host("[::1]") << imds << 200;
    QTest::addRow("a listen address that is IPv6")
            << host("[fd00:ec2::254]:80") << u"fd00:ec2::254"_s << 200;
    QTest::addRow("evil.example") << host("evil.example") << imds << 403;
    QTest::addRow("evil.example:80") << host("evil.example:80") << imds << 403;
    QTest::addRow("missing Host") << QByteArrayList{"Accept: */*"} << imds << 403;
    QTest::addRow("empty Host") << host("") << imds << 403;
    QTest::addRow("a name that starts like localhost")
            << host("localhost.evil.example") << imds << 403;
    QTest::addRow("a name that starts like the listen address")
            << host("169.254.169.254.evil.example") << imds << 403;
    QTest::addRow("inet_aton shorthand 127.1") << host("127.1") << imds << 403;
    QTest::addRow("octal 0177.0.0.1") << host("0177.0.0.1") << imds << 403;
    QTest::addRow("port 0") << host("127.0.0.1:0") << imds << 403;
    QTest::addRow("port above 65535") << host("127.0.0.1:65536") << imds << 403;
    QTest::addRow("empty port") << host("127.0.0.1:") << imds << 403;
    QTest::addRow("IPv6 without brackets") << host("::1") << imds << 403;
    QTest::addRow("junk after the brackets") << host("[::1]x") << imds << 403;
    QTest::addRow("a private address") << host("10.0.0.2") << imds << 403;
    QTest::addRow("the IMDS address while listening on 127.0.0.1")
            << host("169.254.169.254") << u"127.0.0.1"_s << 403;
    QTest::addRow("0.0.0.0 while listening on every address")
            << host("0.0.0.0") << u"0.0.0.0"_s << 403;
    QTest::addRow("two Host headers")
            << QByteArrayList{"Host: 127.0.0.1", "Host: evil.example"} << imds << 403;
}

void tst_ImdsHandler::hostCheck()
{
    QFETCH(QByteArrayList, hosts);
    QFETCH(QString, listen);
    QFETCH(int, status);

    FakeView view;
    ImdsHandler handler(ImdsConfig{QHostAddress(listen), 80, false, {}}, tokenSigner(), view);
    HttpRequest request{"GET", credentialsPath, {}, QHostAddress::LocalHost};
    for (const QByteArray &line : hosts)
        request.headers.emplaceBack(line.left(line.indexOf(':')),
                                    line.mid(line.indexOf(':') + 1).trimmed());
    QCOMPARE(handler.handle(request, t0).status, status);
}

void tst_ImdsHandler::limits_data()
{
    QTest::addColumn<int>("targetBytes");
    QTest::addColumn<int>("extraHeaders");
    QTest::addColumn<int>("fillerValueBytes");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<int>("status");

    // Header bytes count name + value + 4: Host: 169.254.169.254 is 23; X-Fill: v is 10 + v.
    const QString local = u"127.0.0.1"_s;
    QTest::addRow("target of 2048 bytes is routed") << 2048 << 0 << 0 << local << 404;
    QTest::addRow("target of 2049 bytes") << 2049 << 0 << 0 << local << 414;
    QTest::addRow("limits come before the peer check") << 2049 << 0 << 0 << u"10.0.0.2"_s << 414;
    QTest::addRow("64 headers") << 0 << 63 << 1 << local << 200;
    QTest::addRow("65 headers") << 0 << 64 << 1 << local << 431;
    QTest::addRow("16 KiB of headers") << 0 << 1 << 16384 - 23 - 10 << local << 200;
    QTest::addRow("one byte over 16 KiB of headers") << 0 << 1 << 16384 - 23 - 9 << local << 431;
}

void tst_ImdsHandler::limits()
{
    QFETCH(int, targetBytes);
    QFETCH(int, extraHeaders);
    QFETCH(int, fillerValueBytes);
    QFETCH(QString, peer);
    QFETCH(int, status);

    QByteArray target = "/latest/meta-data/iam/security-credentials/";
    if (targetBytes > 0)
        target = "/latest/meta-data/" + QByteArray(targetBytes - 18, 'a');
    QByteArrayList headers;
    for (int i = 0; i < extraHeaders; ++i)
        headers.append("X-Fill: " + QByteArray(fillerValueBytes, 'v'));

    FakeView view;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    const HttpRequest request = makeRequest("GET", target, headers, QHostAddress(peer));
    QCOMPARE(request.target.size(), targetBytes > 0 ? targetBytes : target.size());
    QCOMPARE(handler.handle(request, t0).status, status);
}

void tst_ImdsHandler::availability_data()
{
    QTest::addColumn<bool>("active");
    QTest::addColumn<int>("expiresIn");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");

    const QByteArray list = "/latest/meta-data/iam/security-credentials/";
    const QByteArray creds(credentialsPath);
    const QByteArray az = "/latest/meta-data/placement/availability-zone";
    const QByteArray region = "/latest/meta-data/placement/region";
    const QByteArray document = "/latest/dynamic/instance-identity/document";
    const QString euWest1 = u"eu-west-1"_s;

    QTest::addRow("no active profile: role list") << false << 3600 << euWest1 << list << 404;
    QTest::addRow("no active profile: credentials") << false << 3600 << euWest1 << creds << 404;
    QTest::addRow("no active profile: zone") << false << 3600 << euWest1 << az << 404;
    QTest::addRow("no active profile: document") << false << 3600 << euWest1 << document << 404;
    QTest::addRow("credentials expired a second ago") << true << -1 << euWest1 << creds << 404;
    QTest::addRow("credentials expired: role list too") << true << -1 << euWest1 << list << 404;
    QTest::addRow("credentials expiring exactly now") << true << 0 << euWest1 << creds << 404;
    QTest::addRow("credentials with a second left") << true << 1 << euWest1 << creds << 200;
    QTest::addRow("long-lived keys are never served")
            << true << 0x7fffffff << euWest1 << creds << 404;
    QTest::addRow("expired credentials: region still known")
            << true << -1 << euWest1 << region << 200;
    QTest::addRow("no region: zone") << true << 3600 << QString() << az << 404;
    QTest::addRow("no region: region") << true << 3600 << QString() << region << 404;
    QTest::addRow("no region: document") << true << 3600 << QString() << document << 404;
    QTest::addRow("no region: credentials still served")
            << true << 3600 << QString() << creds << 200;
}

void tst_ImdsHandler::availability()
{
    QFETCH(bool, active);
    QFETCH(int, expiresIn);
    QFETCH(QString, region);
    QFETCH(QByteArray, target);
    QFETCH(int, status);

    FakeView view;
    view.current->region = region;
    // 0x7fffffff stands for "no expiry": long-lived keys have no session token either.
    if (expiresIn == 0x7fffffff)
        view.current->credentials = {u"AKIAFAKEKEYID0000001"_s, secretKey, {}, {}};
    else
        view.current->credentials.expiration = t0.addSecs(expiresIn);
    if (!active)
        view.current.reset();
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    QCOMPARE(handler.handle(makeRequest("GET", target), t0).status, status);
}

void tst_ImdsHandler::identityDocument()
{
    FakeView view;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    const HttpResponse response =
            handler.handle(makeRequest("GET", "/latest/dynamic/instance-identity/document/"), t0);
    QCOMPARE(response.status, 200);
    QCOMPARE(response.header("Content-Type"), "application/json"_ba);

    QJsonParseError error;
    const QJsonObject document = QJsonDocument::fromJson(response.body, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    // Every field of the real document (AWS EC2 User Guide, "Instance identity documents").
    QCOMPARE(document.keys(),
             QStringList({u"accountId"_s, u"architecture"_s, u"availabilityZone"_s,
                          u"billingProducts"_s, u"devpayProductCodes"_s, u"imageId"_s,
                          u"instanceId"_s, u"instanceType"_s, u"kernelId"_s,
                          u"marketplaceProductCodes"_s, u"pendingTime"_s, u"privateIp"_s,
                          u"ramdiskId"_s, u"region"_s, u"version"_s}));
    QCOMPARE(document[u"accountId"_s].toString(), u"123456789012"_s);
    QCOMPARE(document[u"region"_s].toString(), u"eu-west-1"_s);
    QCOMPARE(document[u"availabilityZone"_s].toString(), u"eu-west-1a"_s);
    // Python: hashlib.sha256(b'123456789012/proto').hexdigest()[:17]
    QCOMPARE(document[u"instanceId"_s].toString(), u"i-e0eb94b786dc8d1a2"_s);
    QVERIFY(QStringList({u"i386"_s, u"x86_64"_s, u"arm64"_s})
                    .contains(document[u"architecture"_s].toString()));
    QVERIFY(document[u"imageId"_s].toString().startsWith(u"ami-"_s));
    QVERIFY(!document[u"instanceType"_s].toString().isEmpty());
    QCOMPARE(document[u"privateIp"_s].toString(), u"127.0.0.1"_s);
    QCOMPARE(document[u"pendingTime"_s].toString(), u"2026-11-25T09:59:00Z"_s);
    QCOMPARE(document[u"version"_s].toString(), u"2017-09-30"_s);
    QVERIFY(document[u"kernelId"_s].isNull());

    view.current->lastUpdated = t0.addSecs(600);
    view.current->credentials.accessKeyId = u"ASIAFAKEKEYID0000002"_s;
    const HttpResponse later =
            handler.handle(makeRequest("GET", "/latest/dynamic/instance-identity/document"), t0);
    QCOMPARE(QJsonDocument::fromJson(later.body)[u"instanceId"_s].toString(),
             u"i-e0eb94b786dc8d1a2"_s);
}

void tst_ImdsHandler::container_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<QString>("peer");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    const QByteArrayList right{"Authorization: " + containerToken, "Host: 127.0.0.1:9099"};
    const auto with = [](const QByteArray &authorization) {
        return QByteArrayList{"Authorization: " + authorization, "Host: 127.0.0.1:9099"};
    };
    QByteArray sameLength = containerToken;
    sameLength.back() = sameLength.back() == 'X' ? 'Y' : 'X';
    const QString local = u"127.0.0.1"_s;
    const QByteArray proto = "/v1/credentials/proto";

    QTest::addRow("right token serves the profile, no IMDS token needed in v2-only mode")
            << "GET"_ba << proto << right << local << 200 << containerJson;
    QTest::addRow("query string ignored")
            << "GET"_ba << QByteArray(proto + "?x=1") << right << local << 200 << containerJson;
    QTest::addRow("percent-encoded profile name")
            << "GET"_ba
            << "/v1/credentials/pro%74o"_ba << right << local << 200 << containerJson;
    QTest::addRow("wrong token of the same length")
            << "GET"_ba << proto << with(sameLength) << local << 401 << "Unauthorized"_ba;
    QTest::addRow("wrong token, shorter") << "GET"_ba << proto << with(containerToken.chopped(1))
                                          << local << 401 << "Unauthorized"_ba;
    QTest::addRow("wrong token, the right one plus more")
            << "GET"_ba << proto << with(containerToken + 'x') << local << 401 << "Unauthorized"_ba;
    QTest::addRow("wrong token, the right one plus a NUL byte")
            << "GET"_ba << proto << with(containerToken + '\0') << local << 401
            << "Unauthorized"_ba;
    QTest::addRow("Bearer prefix is not the configured value")
            << "GET"_ba << proto << with("Bearer " + containerToken) << local << 401
            << "Unauthorized"_ba;
    QTest::addRow("empty Authorization")
            << "GET"_ba << proto << with("") << local << 401 << "Unauthorized"_ba;
    QTest::addRow("missing Authorization")
            << "GET"_ba << proto << QByteArrayList{"Host: 127.0.0.1:9099"} << local << 401
            << "Unauthorized"_ba;
    QTest::addRow("proto's token for another profile")
            << "GET"_ba
            << "/v1/credentials/other"_ba << right << local << 401 << "Unauthorized"_ba;
    QTest::addRow("a profile without credentials, with its own token")
            << "GET"_ba
            << "/v1/credentials/other"_ba << with(containerTokenFor(u"other"_s)) << local << 404
            << "Not Found"_ba;
    QTest::addRow("no profile name")
            << "GET"_ba
            << "/v1/credentials/"_ba << right << local << 401 << "Unauthorized"_ba;
    QTest::addRow("POST with the right token")
            << "POST"_ba << proto << right << local << 405 << "Method Not Allowed"_ba;
    QTest::addRow("foreign peer with the right token")
            << "GET"_ba << proto << right << u"192.168.1.5"_s << 403 << "Forbidden"_ba;
    QTest::addRow("foreign Host with the right token")
            << "GET"_ba << proto
            << QByteArrayList{"Authorization: " + containerToken, "Host: evil.example:9099"}
            << local << 403 << "Forbidden"_ba;
}

void tst_ImdsHandler::container()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArrayList, headers);
    QFETCH(QString, peer);
    QFETCH(int, status);
    QFETCH(QByteArray, body);

    FakeView view;
    ImdsHandler handler(containerConfig(QHostAddress::LocalHost, 9099, true), tokenSigner(), view);
    const HttpResponse response =
            handler.handle(makeRequest(method, target, headers, QHostAddress(peer)), t0);
    QCOMPARE(response.status, status);
    QCOMPARE(response.body, body);
    QCOMPARE(response.header("Cache-Control"), status == 200 ? "no-store"_ba : QByteArray());
    QCOMPARE(response.header("Allow"), status == 405 ? "GET"_ba : QByteArray());
}

void tst_ImdsHandler::containerTokenGrantsOnlyItsProfile_data()
{
    QTest::addColumn<QString>("issuedFor");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("servedKeyId");

    const QString admin = u"ASIAADMINADMINADMIN1"_s;
    const QString readonly = u"ASIAREADONLYREADONL1"_s;
    const QString percent = u"ASIAPERCENTPERCENTP1"_s;
    QTest::addRow("readonly's token reads readonly")
            << u"readonly"_s << "/v1/credentials/readonly"_ba << 200 << readonly;
    QTest::addRow("readonly's token cannot read admin")
            << u"readonly"_s << "/v1/credentials/admin"_ba << 401 << QString();
    QTest::addRow("admin's token cannot read readonly")
            << u"admin"_s << "/v1/credentials/readonly"_ba << 401 << QString();
    QTest::addRow("readonly's token cannot read admin spelt %%61dmin")
            << u"readonly"_s << "/v1/credentials/%61dmin"_ba << 401 << QString();
    QTest::addRow("admin's token reads admin spelt %%61dmin")
            << u"admin"_s << "/v1/credentials/%61dmin"_ba << 200 << admin;
    QTest::addRow("the token of a profile named %%61dmin cannot read admin")
            << u"%61dmin"_s << "/v1/credentials/%61dmin"_ba << 401 << QString();
    QTest::addRow("%%2561dmin is decoded once, to the profile named %%61dmin")
            << u"%61dmin"_s << "/v1/credentials/%2561dmin"_ba << 200 << percent;
    QTest::addRow("no token grants the bare route")
            << u"readonly"_s << "/v1/credentials"_ba << 401 << QString();
    QTest::addRow("no token grants an empty profile name")
            << u"readonly"_s << "/v1/credentials/"_ba << 401 << QString();
}

void tst_ImdsHandler::containerTokenGrantsOnlyItsProfile()
{
    QFETCH(QString, issuedFor);
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    QFETCH(QString, servedKeyId);

    FakeView view;
    view.others = {other(u"admin"_s, u"ASIAADMINADMINADMIN1"_s),
                   other(u"readonly"_s, u"ASIAREADONLYREADONL1"_s),
                   other(u"%61dmin"_s, u"ASIAPERCENTPERCENTP1"_s)};
    ImdsHandler handler(containerConfig(QHostAddress::LocalHost, 9099, false), tokenSigner(), view);
    const HttpResponse response = handler.handle(
            makeRequest("GET", target,
                        {"Host: 127.0.0.1:9099", "Authorization: " + containerTokenFor(issuedFor)}),
            t0);
    QCOMPARE(response.status, status);
    QCOMPARE(QJsonDocument::fromJson(response.body)[u"AccessKeyId"_s].toString(), servedKeyId);
}

void tst_ImdsHandler::aFloodOfTokenRequestsLeavesEarlierTokensValid()
{
    // Anyone on the machine may ask for tokens; asking for many must not cost another client
    // its session (issue #12: 4096 PUTs used to evict every earlier token).
    FakeView view;
    view.current->credentials.expiration = t0.addSecs(20'000); // still served after the flood
    ImdsHandler handler(imdsConfig(true), tokenSigner(), view);
    const auto putToken = [&handler](const QDateTime &now) {
        return handler.handle(makeRequest("PUT", "/latest/api/token",
                                          {"X-aws-ec2-metadata-token-ttl-seconds: 21600"}),
                              now);
    };
    const QByteArray first = putToken(t0).body;
    QDateTime now = t0;
    for (int i = 1; i < 10'000; ++i) {
        now = t0.addSecs(i); // a new second each time, so that no two tokens are alike
        if (putToken(now).status != 200)
            QFAIL(qPrintable(u"token request %1 refused"_s.arg(i)));
    }
    const HttpResponse response = handler.handle(
            makeRequest("GET", credentialsPath, {"X-aws-ec2-metadata-token: " + first}), now);
    QCOMPARE(response.status, 200);
}

void tst_ImdsHandler::throwingViewGives500()
{
    FakeView view;
    view.throws = true;
    ImdsHandler handler(imdsConfig(), tokenSigner(), view);
    const HttpResponse response = handler.handle(makeRequest("GET", credentialsPath), t0);
    QCOMPARE(response.status, 500);
    QCOMPARE(response.header("Server"), "EC2ws"_ba);
}

void tst_ImdsHandler::refreshedCredentialsReplaceTheServedBody_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("field");
    QTest::addRow("IMDS") << QByteArray(credentialsPath) << "AccessKeyId"_ba;
    QTest::addRow("IMDS extended")
            << "/latest/meta-data/iam/security-credentials-extended/ProtoRole"_ba
            << "AccountId"_ba;
    QTest::addRow("container") << "/v1/credentials/proto"_ba
                               << "AccessKeyId"_ba;
}

void tst_ImdsHandler::refreshedCredentialsReplaceTheServedBody()
{
    // The handler keeps the last body it built; every input of that body must invalidate it.
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, field);
    FakeView view;
    ImdsHandler handler(containerConfig(QHostAddress::LocalHost, 9099, false), tokenSigner(), view);
    const QByteArrayList headers{"Host: 127.0.0.1:9099", "Authorization: " + containerToken};
    const auto served = [&](const QString &key) {
        const HttpResponse response = handler.handle(makeRequest("GET", target, headers), t0);
        return QJsonDocument::fromJson(response.body).object().value(key).toString();
    };
    const QString fieldName = QString::fromLatin1(field);
    const QString first = served(fieldName);
    QVERIFY(!first.isEmpty());
    QCOMPARE(served(fieldName), first);

    if (field == "AccountId")
        view.current->accountId = u"999999999999"_s;
    else
        view.current->credentials.accessKeyId = u"ASIAFAKEKEYID0000002"_s;
    QVERIFY(served(fieldName) != first);

    view.current->credentials.sessionToken += u"x"_s;
    QVERIFY(served(u"Token"_s).endsWith(u'x'));
    view.current->credentials.expiration = t0.addSecs(7200);
    QCOMPARE(served(u"Expiration"_s), t0.addSecs(7200).toString(Qt::ISODate));
    view.current->lastUpdated = t0;
    QCOMPARE(served(u"LastUpdated"_s), t0.toString(Qt::ISODate));
}

void tst_ImdsHandler::jsonEscaping_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QByteArray>("json");

    QTest::addRow("plain text, slash kept") << u"ab/c+="_s << R"("ab/c+=")"_ba;
    QTest::addRow("quote and backslash") << u"a\"b\\c"_s << R"("a\"b\\c")"_ba;
    QTest::addRow("control characters") << u"a\nb\u0001"_s << R"("a\u000ab\u0001")"_ba;
    QTest::addRow("non-ASCII passes as UTF-8") << u"é"_s << "\"\xc3\xa9\""_ba;
}

void tst_ImdsHandler::jsonEscaping()
{
    QFETCH(QString, text);
    QFETCH(QByteArray, json);
    QCOMPARE(detail::jsonString(text), json);
    QCOMPARE(QJsonDocument::fromJson("[" + json + "]").array().first().toString(), text);
}

namespace {
QStringList capturedLog;

void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    capturedLog.append(message);
}
} // namespace

void tst_ImdsHandler::logsNoSecrets()
{
    QLoggingCategory::setFilterRules(u"imsa.*=true"_s);
    capturedLog.clear();
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    FakeView view;
    ImdsHandler handler(containerConfig(QHostAddress(u"169.254.169.254"_s), 80, false),
                        tokenSigner(), view);
    const QByteArrayList token{"X-aws-ec2-metadata-token: " + issuedToken};
    const QList<HttpRequest> requests{
            makeRequest("PUT", "/latest/api/token", {"X-aws-ec2-metadata-token-ttl-seconds: 60"}),
            makeRequest("PUT", "/latest/api/token",
                        {"X-aws-ec2-metadata-token-ttl-seconds: 60", "X-Forwarded-For: 1.2.3.4"}),
            makeRequest("GET", credentialsPath, token),
            makeRequest("GET", "/latest/meta-data/iam/security-credentials-extended/ProtoRole",
                        token),
            makeRequest("GET", credentialsPath, {"X-aws-ec2-metadata-token: " + containerToken}),
            makeRequest("GET", credentialsPath, token, QHostAddress(u"192.168.1.5"_s)),
            makeRequest("GET", credentialsPath, {"Host: evil.example", token.first()}),
            makeRequest("GET", "/v1/credentials/proto", {"Authorization: " + containerToken}),
            makeRequest("GET", "/v1/credentials/proto", {"Authorization: " + issuedToken}),
    };
    for (const HttpRequest &request : requests)
        handler.handle(request, t0);
    view.current->credentials.expiration = t0;
    handler.handle(makeRequest("GET", credentialsPath, token), t0);

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules({});
    const QString log = capturedLog.join(u'\n');
    QVERIFY2(log.contains(u"192.168.1.5"_s), qPrintable(log)); // the capture works
    QVERIFY2(log.contains(u"****0001"_s), qPrintable(log)); // key ids appear redacted
    for (const QString &secret : {secretKey, sessionToken, QString::fromLatin1(issuedToken),
                                  QString::fromLatin1(containerToken), u"ASIAFAKEKEYID"_s})
        QVERIFY2(!log.contains(secret), qPrintable(secret));
}

void tst_ImdsHandler::accessIsAskedOnlyForCredentials_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArrayList>("headers");
    QTest::addColumn<bool>("admits");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("asked");

    const QByteArrayList none;
    const QByteArrayList authorized{"Authorization: " + containerTokenFor(u"proto"_s)};
    QTest::addRow("IMDS credentials, admitted")
            << QByteArray(credentialsPath) << none << true << 200 << u"proto imds"_s;
    QTest::addRow("IMDS credentials, refused: as if there were none")
            << QByteArray(credentialsPath) << none << false << 404 << u"proto imds"_s;
    QTest::addRow("extended credentials, refused")
            << "/latest/meta-data/iam/security-credentials-extended/ProtoRole"_ba << none << false
            << 404 << u"proto imds"_s;
    QTest::addRow("container credentials, refused")
            << "/v1/credentials/proto"_ba << authorized << false << 404 << u"proto container"_s;
    QTest::addRow("the role name is no credential: not asked")
            << "/latest/meta-data/iam/security-credentials/"_ba << none << false << 200
            << QString();
    QTest::addRow("a wrong role name is not asked either")
            << "/latest/meta-data/iam/security-credentials/Other"_ba << none << false << 404
            << QString();
}

void tst_ImdsHandler::accessIsAskedOnlyForCredentials()
{
    QFETCH(QByteArray, target);
    QFETCH(QByteArrayList, headers);
    QFETCH(bool, admits);
    QFETCH(int, status);
    QFETCH(QString, asked);

    FakeView view;
    ImdsHandler handler(containerConfig(QHostAddress::LocalHost, 9254, false), tokenSigner(), view);
    FakeAccess access;
    access.admits = admits;
    QByteArrayList allHeaders = headers;
    allHeaders.append("Host: 127.0.0.1:9254");
    const HttpResponse response =
            handler.handle(makeRequest("GET", target, allHeaders), t0, &access);
    QCOMPARE(response.status, status);
    QCOMPARE(access.asked.join(u','), asked);
    if (!admits)
        QVERIFY(!response.body.contains("SECRET"));
}

QTEST_GUILESS_MAIN(tst_ImdsHandler)
#include "tst_imdshandler.moc"
