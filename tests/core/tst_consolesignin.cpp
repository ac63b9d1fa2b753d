#include <QTest>
#include <QUrlQuery>

#include "imsa/consolesignin.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_ConsoleSignin : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void partitionHosts_data();
    void partitionHosts();
    void sessionDuration_data();
    void sessionDuration();
    void destination_data();
    void destination();
    void profilesWithoutRoleAreRefused();
    void unknownPartitionIsRefused();
    void signinUrlOverride_data();
    void signinUrlOverride();
    void sessionJsonSurvivesEncoding();
    void loginUrl();
    void tokenAnswer_data();
    void tokenAnswer();
};

namespace {

Profile roleProfile(const QString &roleArn, const QString &region = {})
{
    Profile profile;
    profile.name = u"prod"_s;
    profile.roleArn = roleArn;
    profile.region = region;
    return profile;
}

/// A query parameter decoded as an HTML form would be ('+' is a space): what AWS reads.
QString formValue(const QUrl &url, const QString &name)
{
    const QByteArray query = url.query(QUrl::FullyEncoded).toLatin1();
    for (const QByteArray &pair : query.split('&')) {
        const qsizetype equals = pair.indexOf('=');
        if (QString::fromLatin1(pair.left(equals)) == name) {
            QByteArray value = pair.mid(equals + 1);
            value.replace('+', ' ');
            return QString::fromUtf8(QByteArray::fromPercentEncoding(value));
        }
    }
    return u"(absent)"_s;
}

ConsoleSignin plan(const Profile &profile, const ConsoleOptions &options = {},
                   const QProcessEnvironment &environment = {})
{
    auto signin = planConsoleSignin(profile, options, environment);
    if (!signin)
        qWarning("%s", qPrintable(signin.error().message));
    return signin ? signin.value() : ConsoleSignin{};
}

} // namespace

void tst_ConsoleSignin::partitionHosts_data()
{
    QTest::addColumn<QString>("roleArn");
    QTest::addColumn<QString>("federation");
    QTest::addColumn<QString>("destination");

    QTest::addRow("aws") << u"arn:aws:iam::123456789012:role/Admin"_s
                         << u"https://signin.aws.amazon.com/federation"_s
                         << u"https://console.aws.amazon.com/console/home?region=eu-west-1"_s;
    QTest::addRow("aws-cn") << u"arn:aws-cn:iam::123456789012:role/Admin"_s
                            << u"https://signin.amazonaws.cn/federation"_s
                            << u"https://console.amazonaws.cn/console/home?region=eu-west-1"_s;
    QTest::addRow("aws-us-gov")
            << u"arn:aws-us-gov:iam::123456789012:role/Admin"_s
            << u"https://signin.amazonaws-us-gov.com/federation"_s
            << u"https://console.amazonaws-us-gov.com/console/home?region=eu-west-1"_s;
}

void tst_ConsoleSignin::partitionHosts()
{
    QFETCH(QString, roleArn);
    QFETCH(QString, federation);
    QFETCH(QString, destination);
    const ConsoleSignin signin = plan(roleProfile(roleArn, u"eu-west-1"_s));
    QCOMPARE(signin.federation.toString(), federation);
    QCOMPARE(signin.destination.toString(), destination);
    const QUrl login = consoleLoginUrl(signin, u"TOKEN"_s);
    QCOMPARE(login.adjusted(QUrl::RemoveQuery).toString(), federation);
    QCOMPARE(formValue(login, u"Destination"_s), destination);
}

void tst_ConsoleSignin::sessionDuration_data()
{
    QTest::addColumn<int>("origin");
    QTest::addColumn<int>("wanted");
    QTest::addColumn<int>("sent"); // -1: no SessionDuration

    const int role = int(CredentialOrigin::AssumeRole);
    const int chained = int(CredentialOrigin::ChainedAssumeRole);
    const int federation = int(CredentialOrigin::FederationToken);
    QTest::addRow("role credentials keep the role's duration") << role << 7200 << 7200;
    QTest::addRow("role credentials up to 12 hours") << role << 43200 << 43200;
    QTest::addRow("never below 15 minutes") << role << 60 << 900;
    QTest::addRow("chained role credentials are capped at one hour") << chained << 43200 << 3600;
    QTest::addRow("chained role credentials under an hour keep theirs") << chained << 1800 << 1800;
    QTest::addRow("federation token credentials send none") << federation << 3600 << -1;
}

void tst_ConsoleSignin::sessionDuration()
{
    QFETCH(int, origin);
    QFETCH(int, wanted);
    QFETCH(int, sent);
    const std::optional<int> duration = consoleSessionDuration(CredentialOrigin(origin), wanted);
    QCOMPARE(duration.value_or(-1), sent);
}

void tst_ConsoleSignin::destination_data()
{
    QTest::addColumn<QString>("profileRegion");
    QTest::addColumn<QString>("service");
    QTest::addColumn<QString>("destination");
    QTest::addColumn<QString>("region");
    QTest::addColumn<QString>("expected"); // URL, or "error: <part of the message>"

    const QString none;
    QTest::addRow("console home in the profile's region")
            << u"eu-central-1"_s << none << none << none
            << u"https://console.aws.amazon.com/console/home?region=eu-central-1"_s;
    QTest::addRow("no region: the console chooses")
            << none << none << none << none << u"https://console.aws.amazon.com/console/home"_s;
    QTest::addRow("--region overrides the profile's")
            << u"eu-central-1"_s << none << none << u"us-west-2"_s
            << u"https://console.aws.amazon.com/console/home?region=us-west-2"_s;
    QTest::addRow("--service opens that service")
            << u"eu-central-1"_s << u"s3"_s << none << none
            << u"https://console.aws.amazon.com/s3/home?region=eu-central-1"_s;
    QTest::addRow("--service with --region")
            << none << u"cloudwatch"_s << none << u"ap-southeast-2"_s
            << u"https://console.aws.amazon.com/cloudwatch/home?region=ap-southeast-2"_s;
    QTest::addRow("--service that is not a name")
            << none << u"s3/../iam"_s << none << none << u"error: --service takes"_s;
    QTest::addRow("--region that is not a region")
            << none << none << none << u"eu west"_s << u"error: region 'eu west'"_s;
    QTest::addRow("--destination on the console host")
            << u"eu-central-1"_s << none
            << u"https://console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:"_s << none
            << u"https://console.aws.amazon.com/ec2/home?region=eu-central-1#Instances:"_s;
    QTest::addRow("--destination on a regional console host")
            << none << none << u"https://eu-west-1.console.aws.amazon.com/lambda/home"_s << none
            << u"https://eu-west-1.console.aws.amazon.com/lambda/home"_s;
    QTest::addRow("--destination elsewhere")
            << none << none << u"https://console.aws.amazon.com.evil.example/"_s << none
            << u"error: --destination must be an https:// URL on console.aws.amazon.com"_s;
    QTest::addRow("--destination with a host ending like the console")
            << none << none << u"https://evilconsole.aws.amazon.com/"_s << none
            << u"error: --destination must be"_s;
    QTest::addRow("--destination two labels deep")
            << none << none << u"https://a.b.console.aws.amazon.com/"_s << none
            << u"error: --destination must be"_s;
    QTest::addRow("--destination over plain http")
            << none << none << u"http://console.aws.amazon.com/"_s << none
            << u"error: --destination must be"_s;
    QTest::addRow("--destination with user info")
            << none << none << u"https://me@console.aws.amazon.com/"_s << none
            << u"error: --destination must be"_s;
}

void tst_ConsoleSignin::destination()
{
    QFETCH(QString, profileRegion);
    QFETCH(QString, service);
    QFETCH(QString, destination);
    QFETCH(QString, region);
    QFETCH(QString, expected);
    const auto signin =
            planConsoleSignin(roleProfile(u"arn:aws:iam::123456789012:role/Admin"_s, profileRegion),
                              ConsoleOptions{service, destination, region}, {});
    if (expected.startsWith(u"error: "_s)) {
        QVERIFY(!signin);
        QVERIFY2(signin.error().message.startsWith(expected.mid(7)),
                 qPrintable(signin.error().message));
        return;
    }
    QVERIFY2(signin, qPrintable(signin ? QString() : signin.error().message));
    QCOMPARE(signin->destination.toString(QUrl::FullyEncoded), expected);
}

void tst_ConsoleSignin::profilesWithoutRoleAreRefused()
{
    Profile mfaOnly;
    mfaOnly.name = u"base"_s;
    mfaOnly.mfaSerial = u"arn:aws:iam::123456789012:mfa/alice"_s;
    const auto signin = planConsoleSignin(mfaOnly, {}, {});
    QVERIFY(!signin);
    QVERIFY2(signin.error().message.contains(u"Add a role_arn to profile 'base'"_s),
             qPrintable(signin.error().message));
    QVERIFY(signin.error().message.contains(u"AWS opens the console only with role credentials"_s));
}

void tst_ConsoleSignin::unknownPartitionIsRefused()
{
    const auto signin =
            planConsoleSignin(roleProfile(u"arn:aws-iso:iam::123456789012:role/Admin"_s), {}, {});
    QVERIFY(!signin);
    QVERIFY2(signin.error().message.contains(u"IMSA_SIGNIN_URL"_s),
             qPrintable(signin.error().message));
}

void tst_ConsoleSignin::signinUrlOverride_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected"); // federation URL, or "error: <start of the message>"

    QTest::addRow("loopback over http")
            << u"http://127.0.0.1:8080/federation"_s << u"http://127.0.0.1:8080/federation"_s;
    QTest::addRow("localhost over http")
            << u"http://localhost:1/federation"_s << u"http://localhost:1/federation"_s;
    QTest::addRow("any host over https") << u"https://signin.example.internal/federation"_s
                                         << u"https://signin.example.internal/federation"_s;
    QTest::addRow("plain http elsewhere")
            << u"http://10.0.0.5/federation"_s
            << u"error: IMSA_SIGNIN_URL=http://10.0.0.5/federation: plain http is allowed only to a loopback address"_s;
    QTest::addRow("not a URL") << u"signin.example"_s
                               << u"error: IMSA_SIGNIN_URL=signin.example: must be an http://"_s;
}

void tst_ConsoleSignin::signinUrlOverride()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QProcessEnvironment environment;
    environment.insert(u"IMSA_SIGNIN_URL"_s, value);
    const auto signin = planConsoleSignin(roleProfile(u"arn:aws:iam::123456789012:role/Admin"_s),
                                          {}, environment);
    if (expected.startsWith(u"error: "_s)) {
        QVERIFY(!signin);
        QVERIFY2(signin.error().message.startsWith(expected.mid(7)),
                 qPrintable(signin.error().message));
        return;
    }
    QVERIFY(signin);
    QCOMPARE(signin->federation.toString(), expected);
    QCOMPARE(signinTokenUrl(signin.value(), {}).adjusted(QUrl::RemoveQuery).toString(), expected);
}

void tst_ConsoleSignin::sessionJsonSurvivesEncoding()
{
    Profile chained = roleProfile(u"arn:aws:iam::123456789012:role/Admin"_s);
    chained.mfaSerial = u"arn:aws:iam::123456789012:mfa/alice"_s;
    chained.roleDurationSeconds = 43200;
    AwsCredentials credentials;
    credentials.accessKeyId = u"ASIAEXAMPLE123"_s;
    credentials.secretAccessKey = u"se+cr/et=&key \"quoted\""_s;
    credentials.sessionToken = u"FwoG+ZXIvYXdz/EA==&Session=evil%20\\n"_s;
    const QUrl url = signinTokenUrl(plan(chained), credentials);

    QCOMPARE(formValue(url, u"Action"_s), u"getSigninToken"_s);
    QCOMPARE(formValue(url, u"SessionDuration"_s), u"3600"_s); // chained: capped
    const QJsonObject session =
            QJsonDocument::fromJson(formValue(url, u"Session"_s).toUtf8()).object();
    QCOMPARE(session.value(u"sessionId").toString(), credentials.accessKeyId);
    QCOMPARE(session.value(u"sessionKey").toString(), credentials.secretAccessKey);
    QCOMPARE(session.value(u"sessionToken").toString(), credentials.sessionToken);
    QCOMPARE(session.size(), 3);
    // The token's '&Session=' stayed inside the one parameter.
    QCOMPARE(url.query(QUrl::FullyEncoded).count(u"Session="_s), 1);
    // QUrlQuery reads it the same way.
    QCOMPARE(QUrlQuery(url).allQueryItemValues(u"Session"_s).size(), 1);

    const Profile direct = roleProfile(u"arn:aws:iam::123456789012:role/Admin"_s);
    QCOMPARE(formValue(signinTokenUrl(plan(direct), credentials), u"SessionDuration"_s),
             u"3600"_s); // the profile's default role duration
}

void tst_ConsoleSignin::loginUrl()
{
    const ConsoleSignin signin =
            plan(roleProfile(u"arn:aws:iam::123456789012:role/Admin"_s, u"eu-west-1"_s),
                 ConsoleOptions{u"s3"_s, {}, {}});
    const QString token = u"tok+en/with=specials&Action=evil"_s;
    const QUrl url = consoleLoginUrl(signin, token);
    QCOMPARE(url.scheme(), u"https"_s);
    QCOMPARE(url.host(), u"signin.aws.amazon.com"_s);
    QCOMPARE(formValue(url, u"Action"_s), u"login"_s);
    QCOMPARE(formValue(url, u"Issuer"_s), u"imsa"_s);
    QCOMPARE(formValue(url, u"Destination"_s),
             u"https://console.aws.amazon.com/s3/home?region=eu-west-1"_s);
    QCOMPARE(formValue(url, u"SigninToken"_s), token);
    QCOMPARE(url.query(QUrl::FullyEncoded).count(u"Action="_s), 1);
}

void tst_ConsoleSignin::tokenAnswer_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected"); // token, or "error: <start of the message>"

    QTest::addRow("token") << 200 << QByteArray(R"({"SigninToken":"abc-DEF_123"})")
                           << u"abc-DEF_123"_s;
    QTest::addRow("refused")
            << 400 << QByteArray("<html>Bad Request</html>")
            << u"error: the AWS sign-in endpoint refused the credentials (HTTP 400)"_s;
    QTest::addRow("not JSON")
            << 200 << QByteArray("SigninToken=abc")
            << u"error: the AWS sign-in endpoint answered without a SigninToken"_s;
    QTest::addRow("no token") << 200 << QByteArray(R"({"Token":"abc"})")
                              << u"error: the AWS sign-in endpoint answered without"_s;
    QTest::addRow("token not a string") << 200 << QByteArray(R"({"SigninToken":5})")
                                        << u"error: the AWS sign-in endpoint answered without"_s;
    QTest::addRow("empty token") << 200 << QByteArray(R"({"SigninToken":""})")
                                 << u"error: the AWS sign-in endpoint answered with an unusable"_s;
    QTest::addRow("token with a newline")
            << 200 << QByteArray(R"({"SigninToken":"a\nb"})")
            << u"error: the AWS sign-in endpoint answered with an unusable"_s;
    QTest::addRow("a JSON list") << 200 << QByteArray(R"(["SigninToken"])")
                                 << u"error: the AWS sign-in endpoint answered without"_s;
}

void tst_ConsoleSignin::tokenAnswer()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    const auto token = parseSigninTokenAnswer(status, body);
    if (expected.startsWith(u"error: "_s)) {
        QVERIFY(!token);
        QVERIFY2(token.error().message.startsWith(expected.mid(7)),
                 qPrintable(token.error().message));
        QVERIFY(!token.error().message.contains(QString::fromUtf8(body)));
        return;
    }
    QVERIFY(token);
    QCOMPARE(token.value(), expected);
}

QTEST_APPLESS_MAIN(tst_ConsoleSignin)
#include "tst_consolesignin.moc"
