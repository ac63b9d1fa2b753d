#include <QFile>
#include <QTest>

#include "imsa/detail/stscall.h"
#include "imsa/detail/stsquery.h"
#include "imsa/detail/stsxml.h"

using namespace imsa;
using namespace imsa::detail;
using namespace Qt::StringLiterals;

namespace {

QByteArray readData(const QString &name)
{
    QFile file(qEnvironmentVariable("IMSA_TEST_DATA") + u"/sts/"_s + name);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read test data %s", qPrintable(file.fileName()));
    return file.readAll();
}

QDateTime utc(int year, int month, int day, int hour, int minute, int second, int ms = 0)
{
    return QDateTime(QDate(year, month, day), QTime(hour, minute, second, ms), QTimeZone::utc());
}

QByteArray sessionDocument(const QByteArray &credentials)
{
    return "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
           "<GetSessionTokenResult><Credentials>"
            + credentials
            + "</Credentials></GetSessionTokenResult>"
              "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>"
              "</GetSessionTokenResponse>";
}

const QByteArray goodCredentials = "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                                   "<SecretAccessKey>very-secret-key</SecretAccessKey>"
                                   "<SessionToken>token</SessionToken>"
                                   "<Expiration>2026-11-25T21:00:00Z</Expiration>";

} // namespace

class tst_StsXml : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void getSessionToken();
    void assumeRole();
    void callerIdentity_data();
    void callerIdentity();
    void expiration_data();
    void expiration();
    void malformed_data();
    void malformed();
    void errorDocument();
    void errorMapping_data();
    void errorMapping();
    void failureWithoutDocument_data();
    void failureWithoutDocument();
    void queryBody_data();
    void queryBody();
    void httpDate_data();
    void httpDate();
    void hostHeader_data();
    void hostHeader();
    void scrubbedMessage_data();
    void scrubbedMessage();
};

void tst_StsXml::getSessionToken()
{
    const auto result = parseGetSessionTokenResponse(readData(u"get-session-token.xml"_s));
    QVERIFY(result.ok());
    QCOMPARE(result->accessKeyId, u"ASIAIOSFODNN7EXAMPLE"_s);
    QCOMPARE(result->secretAccessKey, u"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"_s);
    QVERIFY(result->sessionToken.startsWith(u"AQoEXAMPLEH4aoAH0gNCAPyJxz4BlCFFxWNE1OPTgk5TthT+"_s));
    QVERIFY(result->sessionToken.endsWith(u"OtkIKGO7fAE"_s));
    QCOMPARE(result->expiration, utc(2026, 11, 25, 21, 0, 0));
    QCOMPARE(result->expiration.timeSpec(), Qt::UTC);
}

void tst_StsXml::assumeRole()
{
    const auto result = parseAssumeRoleResponse(readData(u"assume-role.xml"_s));
    QVERIFY(result.ok());
    QCOMPARE(result->credentials.accessKeyId, u"ASIAJEXAMPLEXEG2JICEA"_s);
    QCOMPARE(result->credentials.secretAccessKey, u"9drTJvcXLB89EXAMPLELB8923FB892xMFI"_s);
    QCOMPARE(result->credentials.sessionToken,
             u"IQoJb3JpZ2luX2VjEXAMPLEVYfr6N8ZRsl4lRfLsYbm/F2TxRuCCcLHGmk3dEXAMPLE=="_s);
    QCOMPARE(result->credentials.expiration, utc(2026, 11, 25, 10, 0, 0, 359));
    QCOMPARE(result->assumedRoleArn, u"arn:aws:sts::123456789012:assumed-role/Admin/alice"_s);
}

void tst_StsXml::callerIdentity_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("account");
    QTest::addColumn<QString>("arn");
    QTest::addColumn<QString>("userId");

    QTest::addRow("an IAM user") << u"get-caller-identity-user.xml"_s << u"123456789012"_s
                                 << u"arn:aws:iam::123456789012:user/alice"_s
                                 << u"AIDAJQABLZS4A3QDU576Q"_s;
    QTest::addRow("an assumed role, with an XML declaration")
            << u"get-caller-identity-assumed-role.xml"_s << u"123456789012"_s
            << u"arn:aws:sts::123456789012:assumed-role/Admin/alice"_s
            << u"AROA3XFRBF535PLBIFPI4:alice"_s;
}

void tst_StsXml::callerIdentity()
{
    QFETCH(QString, file);
    QFETCH(QString, account);
    QFETCH(QString, arn);
    QFETCH(QString, userId);

    const auto result = parseGetCallerIdentityResponse(readData(file));
    QVERIFY(result.ok());
    QCOMPARE(result->account, account);
    QCOMPARE(result->arn, arn);
    QCOMPARE(result->userId, userId);
}

void tst_StsXml::expiration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::addRow("whole seconds, Z") << u"2026-11-25T10:00:00Z"_s << utc(2026, 11, 25, 10, 0, 0);
    QTest::addRow("milliseconds") << u"2011-07-15T23:28:33.359Z"_s
                                  << utc(2011, 7, 15, 23, 28, 33, 359);
    QTest::addRow("microseconds are cut to milliseconds")
            << u"2011-07-15T23:28:33.123456Z"_s << utc(2011, 7, 15, 23, 28, 33, 123);
    QTest::addRow("one fractional digit is tenths")
            << u"2011-07-15T23:28:33.5Z"_s << utc(2011, 7, 15, 23, 28, 33, 500);
    QTest::addRow("an offset is converted to UTC")
            << u"2026-11-25T12:00:00+02:00"_s << utc(2026, 11, 25, 10, 0, 0);
    QTest::addRow("no zone is ambiguous") << u"2026-11-25T10:00:00"_s << QDateTime();
    QTest::addRow("a date alone is not an instant") << u"2026-11-25"_s << QDateTime();
    QTest::addRow("not a date") << u"tomorrow"_s << QDateTime();
    QTest::addRow("empty") << QString() << QDateTime();
    QTest::addRow("no such month") << u"2026-13-25T10:00:00Z"_s << QDateTime();
}

void tst_StsXml::expiration()
{
    QFETCH(QString, text);
    QFETCH(QDateTime, expected);

    const auto parsed = parseIso8601(text);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(parsed->timeSpec(), Qt::UTC);
    }
}

void tst_StsXml::malformed_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QByteArray>("body");

    QTest::addRow("empty body") << u"GetSessionToken"_s << QByteArray();
    QTest::addRow("not XML") << u"GetSessionToken"_s << QByteArray("{\"Credentials\":{}}");
    QTest::addRow("HTML error page")
            << u"GetCallerIdentity"_s << QByteArray("<html><body>502 Bad Gateway</body></html>");
    QTest::addRow("truncated document")
            << u"GetSessionToken"_s << sessionDocument(goodCredentials).left(150);
    QTest::addRow("two document elements")
            << u"GetSessionToken"_s << sessionDocument(goodCredentials) + "<Extra/>";
    QTest::addRow("answer to another action")
            << u"AssumeRole"_s << sessionDocument(goodCredentials);
    QTest::addRow("an error document with status 200")
            << u"GetSessionToken"_s << readData(u"error-throttling.xml"_s);
    QTest::addRow("no SessionToken")
            << u"GetSessionToken"_s
            << sessionDocument("<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                               "<SecretAccessKey>very-secret-key</SecretAccessKey>"
                               "<Expiration>2026-11-25T21:00:00Z</Expiration>");
    QTest::addRow("empty AccessKeyId")
            << u"GetSessionToken"_s
            << sessionDocument("<AccessKeyId> </AccessKeyId>"
                               "<SecretAccessKey>very-secret-key</SecretAccessKey>"
                               "<SessionToken>token</SessionToken>"
                               "<Expiration>2026-11-25T21:00:00Z</Expiration>");
    QTest::addRow("no Expiration")
            << u"GetSessionToken"_s
            << sessionDocument("<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                               "<SecretAccessKey>very-secret-key</SecretAccessKey>"
                               "<SessionToken>token</SessionToken>");
    QTest::addRow("Expiration without a zone")
            << u"GetSessionToken"_s
            << sessionDocument("<AccessKeyId>ASIAEXAMPLE</AccessKeyId>"
                               "<SecretAccessKey>very-secret-key</SecretAccessKey>"
                               "<SessionToken>token</SessionToken>"
                               "<Expiration>2026-11-25T21:00:00</Expiration>");
    QTest::addRow("AccessKeyId twice")
            << u"GetSessionToken"_s
            << sessionDocument(goodCredentials + "<AccessKeyId>ASIAOTHER</AccessKeyId>");
    QTest::addRow("credentials one level too deep")
            << u"GetSessionToken"_s
            << sessionDocument("<Wrapped>" + goodCredentials + "</Wrapped>");
    QTest::addRow("AssumeRole without AssumedRoleUser")
            << u"AssumeRole"_s
            << "<AssumeRoleResponse><AssumeRoleResult><Credentials>" + goodCredentials
                    + "</Credentials></AssumeRoleResult></AssumeRoleResponse>";
    QTest::addRow("GetCallerIdentity without Account")
            << u"GetCallerIdentity"_s
            << QByteArray("<GetCallerIdentityResponse><GetCallerIdentityResult>"
                          "<Arn>arn:aws:iam::123456789012:user/alice</Arn><UserId>AIDA</UserId>"
                          "</GetCallerIdentityResult></GetCallerIdentityResponse>");
    QTest::addRow("a DTD with entity expansion (billion laughs)")
            << u"GetCallerIdentity"_s
            << QByteArray("<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
                          "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>"
                          "<GetCallerIdentityResponse><GetCallerIdentityResult>"
                          "<Arn>&lol2;</Arn><UserId>AIDA</UserId><Account>1</Account>"
                          "</GetCallerIdentityResult></GetCallerIdentityResponse>");
    QTest::addRow("an undeclared entity")
            << u"GetSessionToken"_s << sessionDocument(goodCredentials + "<Note>&secret;</Note>");
    QTest::addRow("nesting deeper than STS ever sends")
            << u"GetSessionToken"_s
            << sessionDocument(QByteArray("<a>").repeated(40) + QByteArray("</a>").repeated(40));
    QTest::addRow("larger than any STS document")
            << u"GetSessionToken"_s
            << sessionDocument(goodCredentials + "<Pad>" + QByteArray(maxStsDocumentBytes, 'x')
                               + "</Pad>");
}

void tst_StsXml::malformed()
{
    QFETCH(QString, action);
    QFETCH(QByteArray, body);

    std::optional<StsError> error;
    if (action == u"GetSessionToken"_s) {
        const auto result = parseGetSessionTokenResponse(body);
        QVERIFY(!result.ok());
        error = result.error();
    } else if (action == u"AssumeRole"_s) {
        const auto result = parseAssumeRoleResponse(body);
        QVERIFY(!result.ok());
        error = result.error();
    } else {
        const auto result = parseGetCallerIdentityResponse(body);
        QVERIFY(!result.ok());
        error = result.error();
    }
    QCOMPARE(error->code, StsErrorCode::MalformedResponse);
    QVERIFY(error->isTransient());
    QVERIFY(!error->message.isEmpty());
    // Describes what is missing, never repeats what the server sent.
    QVERIFY(!error->message.contains(u"very-secret-key"_s));
    QVERIFY(!error->message.contains(u"ASIA"_s));
}

void tst_StsXml::errorDocument()
{
    const auto document = parseStsErrorDocument(readData(u"error-throttling.xml"_s));
    QVERIFY(document.has_value());
    QCOMPARE(document->type, u"Sender"_s);
    QCOMPARE(document->code, u"Throttling"_s);
    QCOMPARE(document->message, u"Rate exceeded"_s);
    QCOMPARE(document->requestId, u"4fc0d3ee-efef-11e9-9282-3b7bffe54a9b"_s);

    QVERIFY(!parseStsErrorDocument(readData(u"get-session-token.xml"_s)).has_value());
    QVERIFY(!parseStsErrorDocument("<ErrorResponse><Error><Message>m</Message></Error>"
                                   "</ErrorResponse>")
                     .has_value());
}

void tst_StsXml::errorMapping_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("mfaSerial");
    QTest::addColumn<StsErrorCode>("code");
    QTest::addColumn<QString>("awsCode");
    QTest::addColumn<QString>("message");
    QTest::addColumn<bool>("transient");

    const QString alice = u"arn:aws:iam::123456789012:mfa/alice"_s;
    QTest::addRow("wrong MFA code names the device")
            << 403 << u"error-wrong-mfa-code.xml"_s << alice << StsErrorCode::WrongMfaCode
            << u"AccessDenied"_s << u"wrong MFA code for arn:aws:iam::123456789012:mfa/alice"_s
            << false;
    QTest::addRow("wrong MFA code without a known device")
            << 403 << u"error-wrong-mfa-code.xml"_s << QString() << StsErrorCode::WrongMfaCode
            << u"AccessDenied"_s << u"wrong MFA code"_s << false;
    QTest::addRow("other AccessDenied keeps AWS's message")
            << 403 << u"error-access-denied.xml"_s << alice << StsErrorCode::AccessDenied
            << u"AccessDenied"_s
            << u"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
               "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Admin"_s
            << false;
    QTest::addRow("InvalidClientTokenId is unknown keys")
            << 403 << u"error-invalid-client-token-id.xml"_s << QString()
            << StsErrorCode::InvalidKeys << u"InvalidClientTokenId"_s
            << u"The security token included in the request is invalid."_s << false;
    QTest::addRow("ExpiredToken") << 400 << u"error-expired-token.xml"_s << QString()
                                  << StsErrorCode::ExpiredToken << u"ExpiredToken"_s
                                  << u"The security token included in the request is expired"_s
                                  << false;
    QTest::addRow("SignatureDoesNotMatch is a wrong secret")
            << 403 << u"error-signature-does-not-match.xml"_s << QString()
            << StsErrorCode::SignatureMismatch << u"SignatureDoesNotMatch"_s
            << u"The request signature we calculated does not match the signature you provided. "
               "Check your AWS Secret Access Key and signing method. Consult the service "
               "documentation for details."_s
            << false;
    QTest::addRow("Signature expired is clock skew")
            << 403 << u"error-signature-expired.xml"_s << QString() << StsErrorCode::ClockSkew
            << u"SignatureDoesNotMatch"_s
            << u"Signature expired: 20261125T085000Z is now earlier than 20261125T085500Z "
               "(20261125T090000Z - 5 min.)"_s
            << false;
    QTest::addRow("Signature not yet current is clock skew")
            << 403 << u"error-signature-not-yet-current.xml"_s << QString()
            << StsErrorCode::ClockSkew << u"SignatureDoesNotMatch"_s
            << u"Signature not yet current: 20261125T091000Z is still later than 20261125T090500Z "
               "(20261125T090000Z + 5 min.)"_s
            << false;
    QTest::addRow("RequestExpired is clock skew")
            << 400 << u"error-request-expired.xml"_s << QString() << StsErrorCode::ClockSkew
            << u"RequestExpired"_s << u"Request has expired."_s << false;
    QTest::addRow("ValidationError is an invalid request")
            << 400 << u"error-validation.xml"_s << QString() << StsErrorCode::InvalidRequest
            << u"ValidationError"_s
            << u"1 validation error detected: Value 'x' at 'roleSessionName' failed to satisfy "
               "constraint: Member must have length greater than or equal to 2"_s
            << false;
    QTest::addRow("InvalidParameterValue is an invalid request")
            << 400 << u"error-invalid-parameter-value.xml"_s << QString()
            << StsErrorCode::InvalidRequest << u"InvalidParameterValue"_s
            << u"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."_s
            << false;
    QTest::addRow("Throttling") << 400 << u"error-throttling.xml"_s << QString()
                                << StsErrorCode::Throttled << u"Throttling"_s << u"Rate exceeded"_s
                                << true;
    QTest::addRow("RequestLimitExceeded is throttling")
            << 400 << u"error-request-limit-exceeded.xml"_s << QString() << StsErrorCode::Throttled
            << u"RequestLimitExceeded"_s << u"Request limit exceeded."_s << true;
    QTest::addRow("an unknown code with 429 is throttling")
            << 429 << u"error-region-disabled.xml"_s << QString() << StsErrorCode::Throttled
            << u"RegionDisabledException"_s
            << u"STS is not activated in this region for account:123456789012. Your account "
               "administrator can activate STS in this region using the IAM Console."_s
            << true;
    QTest::addRow("InternalFailure 500 is a server error")
            << 500 << u"error-internal-failure.xml"_s << QString() << StsErrorCode::ServerError
            << u"InternalFailure"_s << u"An internal error occurred."_s << true;
    QTest::addRow("ServiceUnavailable 503 is a server error")
            << 503 << u"error-service-unavailable.xml"_s << QString() << StsErrorCode::ServerError
            << u"ServiceUnavailable"_s << u"Service is unavailable."_s << true;
    QTest::addRow("an unknown 4xx code is Other and keeps AWS's words")
            << 403 << u"error-region-disabled.xml"_s << QString() << StsErrorCode::Other
            << u"RegionDisabledException"_s
            << u"STS is not activated in this region for account:123456789012. Your account "
               "administrator can activate STS in this region using the IAM Console."_s
            << false;
}

void tst_StsXml::errorMapping()
{
    QFETCH(int, status);
    QFETCH(QString, file);
    QFETCH(QString, mfaSerial);
    QFETCH(StsErrorCode, code);
    QFETCH(QString, awsCode);
    QFETCH(QString, message);
    QFETCH(bool, transient);

    const StsError error = classifyStsFailure(status, readData(file), mfaSerial);
    QCOMPARE(error.code, code);
    QCOMPARE(error.awsCode, awsCode);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(error.isTransient(), transient);
}

void tst_StsXml::failureWithoutDocument_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<StsErrorCode>("code");
    QTest::addColumn<QString>("message");

    QTest::addRow("502 from a proxy") << 502 << QByteArray("<html>Bad Gateway</html>")
                                      << StsErrorCode::ServerError << u"HTTP 502 from STS"_s;
    QTest::addRow("429 without a body")
            << 429 << QByteArray() << StsErrorCode::Throttled << u"HTTP 429 from STS"_s;
    QTest::addRow("403 with a foreign body")
            << 403 << QByteArray("{\"message\":\"Forbidden\"}") << StsErrorCode::MalformedResponse
            << u"HTTP 403 from STS without an error document"_s;
    QTest::addRow("a redirect") << 301 << QByteArray() << StsErrorCode::MalformedResponse
                                << u"HTTP 301 from STS without an error document"_s;
}

void tst_StsXml::failureWithoutDocument()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(StsErrorCode, code);
    QFETCH(QString, message);

    const StsError error = classifyStsFailure(status, body, QString());
    QCOMPARE(error.code, code);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, status);
    QVERIFY(error.awsCode.isEmpty());
}

void tst_StsXml::queryBody_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<QueryParameters>("parameters");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("no parameters") << u"GetCallerIdentity"_s << QueryParameters()
                                   << QByteArray("Action=GetCallerIdentity&Version=2011-06-15");
    QTest::addRow("ARN characters are encoded like botocore does")
            << u"AssumeRole"_s
            << QueryParameters{{u"RoleArn"_s, u"arn:aws:iam::123456789012:role/a/Admin"_s},
                               {u"RoleSessionName"_s, u"alice@example.com"_s}}
            << QByteArray("Action=AssumeRole&Version=2011-06-15"
                          "&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%2FAdmin"
                          "&RoleSessionName=alice%40example.com");
    QTest::addRow("a space is percent-encoded, unreserved characters stay")
            << u"AssumeRole"_s << QueryParameters{{u"ExternalId"_s, u"a b+c=d&e-f_g.h~i"_s}}
            << QByteArray("Action=AssumeRole&Version=2011-06-15"
                          "&ExternalId=a%20b%2Bc%3Dd%26e-f_g.h~i");
    QTest::addRow("non-ASCII is UTF-8, upper-case hex")
            << u"AssumeRole"_s << QueryParameters{{u"ExternalId"_s, u"é€"_s}}
            << QByteArray("Action=AssumeRole&Version=2011-06-15&ExternalId=%C3%A9%E2%82%AC");
}

void tst_StsXml::queryBody()
{
    QFETCH(QString, action);
    QFETCH(QueryParameters, parameters);
    QFETCH(QByteArray, expected);

    const QByteArray latin1 = action.toLatin1();
    QCOMPARE(buildQueryBody(QLatin1StringView(latin1), parameters), expected);
}

void tst_StsXml::httpDate_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QDateTime>("expected");

    QTest::addRow("RFC 9110 example")
            << QByteArray("Sun, 06 Nov 1994 08:49:37 GMT") << utc(1994, 11, 6, 8, 49, 37);
    QTest::addRow("surrounding spaces")
            << QByteArray(" Wed, 25 Nov 2026 09:00:00 GMT ") << utc(2026, 11, 25, 9, 0, 0);
    QTest::addRow("wrong weekday") << QByteArray("Tue, 25 Nov 2026 09:00:00 GMT") << QDateTime();
    QTest::addRow("obsolete RFC 850 form")
            << QByteArray("Sunday, 06-Nov-94 08:49:37 GMT") << QDateTime();
    QTest::addRow("empty") << QByteArray() << QDateTime();
}

void tst_StsXml::httpDate()
{
    QFETCH(QByteArray, text);
    QFETCH(QDateTime, expected);

    const auto parsed = parseHttpDate(text);
    QCOMPARE(parsed.has_value(), expected.isValid());
    if (parsed) {
        QCOMPARE(*parsed, expected);
        QCOMPARE(formatHttpDate(*parsed), text.trimmed());
    }
}

void tst_StsXml::hostHeader_data()
{
    QTest::addColumn<QUrl>("url");
    QTest::addColumn<QByteArray>("expected");

    QTest::addRow("global endpoint")
            << QUrl(u"https://sts.amazonaws.com"_s) << QByteArray("sts.amazonaws.com");
    QTest::addRow("the default port is left out")
            << QUrl(u"https://sts.eu-west-1.amazonaws.com:443/"_s)
            << QByteArray("sts.eu-west-1.amazonaws.com");
    QTest::addRow("another port is kept")
            << QUrl(u"http://127.0.0.1:4566/sts/"_s) << QByteArray("127.0.0.1:4566");
    QTest::addRow("port 443 on plain http is kept")
            << QUrl(u"http://localhost:443"_s) << QByteArray("localhost:443");
    QTest::addRow("IPv6 literals get brackets")
            << QUrl(u"http://[::1]:8080/"_s) << QByteArray("[::1]:8080");
    QTest::addRow("host names are lower case") << QUrl(u"https://STS.US-EAST-2.AMAZONAWS.COM"_s)
                                               << QByteArray("sts.us-east-2.amazonaws.com");
}

void tst_StsXml::hostHeader()
{
    QFETCH(QUrl, url);
    QFETCH(QByteArray, expected);
    QCOMPARE(stsHostHeader(url), expected);
}

void tst_StsXml::scrubbedMessage_data()
{
    QTest::addColumn<QString>("message");
    QTest::addColumn<QString>("expected");

    QTest::addRow("a quoted one-time code")
            << u"1 validation error detected: Value '314159' at 'tokenCode' failed"_s
            << u"1 validation error detected: Value '***' at 'tokenCode' failed"_s;
    QTest::addRow("digits inside an account id stay")
            << u"wrong MFA code for arn:aws:iam::314159265358:mfa/alice"_s
            << u"wrong MFA code for arn:aws:iam::314159265358:mfa/alice"_s;
    QTest::addRow("secret key and session token")
            << u"echo wJalrXUtnFEMI/K7MDENG and IQoJtoken"_s << u"echo *** and ***"_s;
    QTest::addRow("nothing secret") << u"Rate exceeded"_s << u"Rate exceeded"_s;
}

void tst_StsXml::scrubbedMessage()
{
    QFETCH(QString, message);
    QFETCH(QString, expected);

    StsCall call;
    call.credentials =
            AwsCredentials{u"ASIAEXAMPLE"_s, u"wJalrXUtnFEMI/K7MDENG"_s, u"IQoJtoken"_s, {}};
    call.tokenCode = u"314159"_s;
    QCOMPARE(scrubStsMessage(message, call), expected);
}

QTEST_APPLESS_MAIN(tst_StsXml)
#include "tst_stsxml.moc"
