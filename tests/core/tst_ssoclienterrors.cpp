#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

#include "ssoclientrig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

QStringList *capturedLog = nullptr;

void captureMessage(QtMsgType, const QMessageLogContext &, const QString &message)
{
    if (capturedLog)
        capturedLog->append(message);
}

} // namespace

// SsoClient when things go wrong: every error shape, retries, timeouts, refusals, delivery.
class tst_SsoClientErrors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void errors_data();
    void errors();
    void malformedAnswers_data();
    void malformedAnswers();
    void transientErrorsAreRetried();
    void devicePollsAreNotRetried();
    void timeoutIsBounded();
    void refusedBeforeSending();
    void deliveryRules();
    void secretsStayOutOfLogsAndMessages();

private:
    std::unique_ptr<SsoClientRig> m_rig;
};

void tst_SsoClientErrors::init()
{
    m_rig = std::make_unique<SsoClientRig>();
    QVERIFY(m_rig->listen());
}

void tst_SsoClientErrors::cleanup()
{
    m_rig.reset();
}

void tst_SsoClientErrors::errors_data()
{
    // Answers as the services send them (botocore's service-2.json error shapes): sso-oidc names
    // the exception in x-amzn-ErrorType with an OAuth body, the portal with {"message": ...}.
    QTest::addColumn<bool>("portal");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("errorType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<SsoErrorCode>("code");
    QTest::addColumn<QString>("awsCode");
    QTest::addColumn<QString>("message");

    const auto oauth = [](const char *error, const char *description) -> QByteArray {
        return QByteArray(R"({"error":")") + error + R"(","error_description":")" + description
                + R"("})";
    };
    QTest::addRow("authorization pending")
            << false << 400
            << QByteArray("AuthorizationPendingException:http://internal.amazon.com/")
            << oauth("authorization_pending", "Authorization is still pending")
            << SsoErrorCode::AuthorizationPending << u"AuthorizationPendingException"_s
            << u"Authorization is still pending"_s;
    QTest::addRow("slow down") << false << 400 << QByteArray("SlowDownException")
                               << oauth("slow_down", "Client is polling too fast")
                               << SsoErrorCode::SlowDown << u"SlowDownException"_s
                               << u"Client is polling too fast"_s;
    QTest::addRow("expired device code")
            << false << 400 << QByteArray("ExpiredTokenException")
            << oauth("expired_token", "Device code expired") << SsoErrorCode::ExpiredToken
            << u"ExpiredTokenException"_s << u"Device code expired"_s;
    QTest::addRow("user denied") << false << 400 << QByteArray("AccessDeniedException")
                                 << oauth("access_denied", "Denied") << SsoErrorCode::AccessDenied
                                 << u"AccessDeniedException"_s << u"Denied"_s;
    QTest::addRow("unknown client (401)")
            << false << 401 << QByteArray("InvalidClientException")
            << oauth("invalid_client", "Invalid client") << SsoErrorCode::InvalidClient
            << u"InvalidClientException"_s << u"Invalid client"_s;
    QTest::addRow("client not allowed the grant")
            << false << 400 << QByteArray("UnauthorizedClientException")
            << oauth("unauthorized_client", "no") << SsoErrorCode::InvalidClient
            << u"UnauthorizedClientException"_s << u"no"_s;
    QTest::addRow("refresh token revoked")
            << false << 400 << QByteArray("InvalidGrantException")
            << oauth("invalid_grant", "Invalid grant provided") << SsoErrorCode::InvalidGrant
            << u"InvalidGrantException"_s << u"Invalid grant provided"_s;
    QTest::addRow("unknown start URL")
            << false << 400 << QByteArray("InvalidRequestException")
            << oauth("invalid_request", "Invalid start url") << SsoErrorCode::InvalidRequest
            << u"InvalidRequestException"_s << u"Invalid start url"_s;
    QTest::addRow("OAuth body without the header")
            << false << 400 << QByteArray() << oauth("slow_down", "too fast")
            << SsoErrorCode::SlowDown << u"slow_down"_s << u"too fast"_s;
    QTest::addRow("sso-oidc internal error")
            << false << 500 << QByteArray("InternalServerException")
            << oauth("server_error", "oops") << SsoErrorCode::ServerError
            << u"InternalServerException"_s << u"oops"_s;
    QTest::addRow("portal 401") << true << 401 << QByteArray("UnauthorizedException")
                                << QByteArray(R"({"message":"Session token not found or invalid"})")
                                << SsoErrorCode::Unauthorized << u"UnauthorizedException"_s
                                << u"Session token not found or invalid"_s;
    QTest::addRow("portal 403 without an error type")
            << true << 403 << QByteArray() << QByteArray(R"({"Message":"No access"})")
            << SsoErrorCode::Forbidden << QString() << u"No access"_s;
    QTest::addRow("portal 404 named in __type")
            << true << 404 << QByteArray()
            << QByteArray(
                       R"({"__type":"com.amazonaws.switchboard.portal#ResourceNotFoundException",)"
                       R"("message":"No access"})")
            << SsoErrorCode::NotFound << u"ResourceNotFoundException"_s << u"No access"_s;
    QTest::addRow("portal 429") << true << 429 << QByteArray("TooManyRequestsException")
                                << QByteArray(R"({"message":"Rate exceeded"})")
                                << SsoErrorCode::Throttled << u"TooManyRequestsException"_s
                                << u"Rate exceeded"_s;
    QTest::addRow("portal 400 named in code")
            << true << 400 << QByteArray()
            << QByteArray(R"({"code":"InvalidRequestException","message":"bad account"})")
            << SsoErrorCode::InvalidRequest << u"InvalidRequestException"_s << u"bad account"_s;
    QTest::addRow("portal 503 with an HTML page")
            << true << 503 << QByteArray() << QByteArray("<html>busy</html>")
            << SsoErrorCode::ServerError << QString() << u"HTTP 503"_s;
    QTest::addRow("an unknown 418")
            << true << 418 << QByteArray("TeapotException") << QByteArray("{}")
            << SsoErrorCode::Other << u"TeapotException"_s << u"HTTP 418 TeapotException"_s;
}

void tst_SsoClientErrors::errors()
{
    QFETCH(bool, portal);
    QFETCH(int, status);
    QFETCH(QByteArray, errorType);
    QFETCH(QByteArray, body);
    QFETCH(SsoErrorCode, code);
    QFETCH(QString, awsCode);
    QFETCH(QString, message);

    m_rig->client->setRetryPolicy(StsRetryPolicy{1, {}, {}, {}});
    StandInResponse response{status, {}, body};
    if (!errorType.isEmpty())
        response.headers.append({"x-amzn-ErrorType", errorType});
    m_rig->answer({response});
    SsoOutcome<Done> done;
    SsoOutcome<SsoToken> token;
    if (portal)
        m_rig->client->logout(m_rig->url(), ssoAccessToken, this, done.callback());
    else
        m_rig->client->refreshToken(m_rig->url(), ssoRegistration(), ssoRefreshToken, this,
                                    token.callback());
    QVERIFY(portal ? done.wait() : token.wait());
    const SsoError error = portal ? done.error() : token.error();
    QCOMPARE(error.code, code);
    QCOMPARE(error.awsCode, awsCode);
    QCOMPARE(error.message, message);
    QCOMPARE(error.httpStatus, status);
    QCOMPARE(m_rig->requests.size(), 1);
}

void tst_SsoClientErrors::malformedAnswers_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::addRow("not JSON") << QByteArray("<html/>")
                              << u"GetRoleCredentials answer is not a JSON object"_s;
    QTest::addRow("no roleCredentials")
            << QByteArray("{}") << u"GetRoleCredentials answer has no valid 'accessKeyId'"_s;
    QTest::addRow("expiration as a date string")
            << QByteArray(R"({"roleCredentials":{"accessKeyId":"ASIA1","secretAccessKey":"s",)"
                          R"("sessionToken":"t","expiration":"2026-12-02T18:00:00Z"}})")
            << u"GetRoleCredentials answer has no valid 'expiration'"_s;
}

void tst_SsoClientErrors::malformedAnswers()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    m_rig->client->setRetryPolicy(StsRetryPolicy{1, {}, {}, {}});
    m_rig->answer({StandInResponse{200, {}, body}});
    SsoOutcome<AwsCredentials> outcome;
    m_rig->client->getRoleCredentials(m_rig->url(), ssoAccessToken, u"123456789012"_s, u"R"_s, this,
                                      outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(!outcome.result->ok());
    QCOMPARE(outcome.error().code, SsoErrorCode::MalformedResponse);
    QCOMPARE(outcome.error().message, message);
}

void tst_SsoClientErrors::transientErrorsAreRetried()
{
    const StandInResponse throttled =
            ssoJson(429, {{u"message"_s, u"Rate exceeded"_s}}, "TooManyRequestsException");
    const StandInResponse credentials =
            ssoJson(200,
                    {{u"roleCredentials"_s,
                      QJsonObject{{u"accessKeyId"_s, u"ASIA1"_s},
                                  {u"secretAccessKey"_s, u"s"_s},
                                  {u"sessionToken"_s, u"t"_s},
                                  {u"expiration"_s, 1764702000000.0}}}});
    m_rig->answer({throttled, StandInResponse{502, {}, {}}, credentials});
    SsoOutcome<AwsCredentials> recovered;
    m_rig->client->getRoleCredentials(m_rig->url(), ssoAccessToken, u"1"_s, u"R"_s, this,
                                      recovered.callback());
    QVERIFY(recovered.wait());
    QVERIFY(recovered.result->ok());
    QCOMPARE(m_rig->requests.size(), 3);

    // Bounded: three attempts in all, then the last error.
    m_rig->requests.clear();
    m_rig->answer({throttled});
    SsoOutcome<AwsCredentials> gaveUp;
    m_rig->client->getRoleCredentials(m_rig->url(), ssoAccessToken, u"1"_s, u"R"_s, this,
                                      gaveUp.callback());
    QVERIFY(gaveUp.wait());
    QCOMPARE(gaveUp.error().code, SsoErrorCode::Throttled);
    QCOMPARE(m_rig->requests.size(), 3);
    QCOMPARE(gaveUp.deliveries, 1);

    // A refusal is not retried.
    m_rig->requests.clear();
    m_rig->answer({ssoJson(401, {{u"message"_s, u"no"_s}}, "UnauthorizedException")});
    SsoOutcome<AwsCredentials> refused;
    m_rig->client->getRoleCredentials(m_rig->url(), ssoAccessToken, u"1"_s, u"R"_s, this,
                                      refused.callback());
    QVERIFY(refused.wait());
    QCOMPARE(refused.error().code, SsoErrorCode::Unauthorized);
    QCOMPARE(m_rig->requests.size(), 1);
    QCOMPARE(m_rig->client->pendingCallCount(), 0);
}

void tst_SsoClientErrors::devicePollsAreNotRetried()
{
    // The caller's next poll, `interval` seconds later, is the retry (RFC 8628 section 3.5).
    for (const StandInResponse &response :
         {ssoJson(400, {{u"error"_s, u"authorization_pending"_s}}, "AuthorizationPendingException"),
          ssoJson(400, {{u"error"_s, u"slow_down"_s}}, "SlowDownException"),
          StandInResponse{500, {}, {}}}) {
        m_rig->requests.clear();
        m_rig->answer({response});
        SsoOutcome<SsoToken> outcome;
        m_rig->client->createTokenFromDeviceCode(m_rig->url(), ssoRegistration(), ssoDeviceCode,
                                                 this, outcome.callback());
        QVERIFY(outcome.wait());
        QVERIFY(!outcome.result->ok());
        QCOMPARE(m_rig->requests.size(), 1);
    }
}

void tst_SsoClientErrors::timeoutIsBounded()
{
    using namespace std::chrono_literals;
    m_rig->client->setTimeout(200ms);
    m_rig->client->setRetryPolicy(StsRetryPolicy{2, 1ms, 1ms, [] {
                                                     return 0.0;
                                                 }});
    m_rig->answer({std::nullopt});
    QElapsedTimer elapsed;
    elapsed.start();
    SsoOutcome<SsoPage<SsoAccount>> outcome;
    m_rig->client->listAccounts(m_rig->url(), ssoAccessToken, {}, this, outcome.callback());
    QVERIFY(outcome.wait());
    QCOMPARE(outcome.error().code, SsoErrorCode::Timeout);
    QCOMPARE(outcome.error().message, u"no answer from IAM Identity Center within 200 ms"_s);
    QCOMPARE(m_rig->requests.size(), 2);
    QVERIFY2(elapsed.elapsed() < 2000, qPrintable(QString::number(elapsed.elapsed())));

    // Nothing listening: a network error, after the same bounded retries.
    const QUrl closed(u"http://127.0.0.1:1"_s);
    SsoOutcome<Done> network;
    m_rig->client->logout(closed, ssoAccessToken, this, network.callback());
    QVERIFY(network.wait());
    QCOMPARE(network.error().code, SsoErrorCode::Network);
}

void tst_SsoClientErrors::refusedBeforeSending()
{
    SsoOutcome<Done> plainHttp;
    m_rig->client->logout(QUrl(u"http://portal.example.com"_s), ssoAccessToken, this,
                          plainHttp.callback());
    QVERIFY(plainHttp.wait());
    QCOMPARE(plainHttp.error().code, SsoErrorCode::InvalidRequest);
    QCOMPARE(plainHttp.error().message,
             u"http://portal.example.com: plain http is allowed only to a loopback address "
             "(127.0.0.0/8, ::1, localhost); use https"_s);

    SsoOutcome<Done> noToken;
    m_rig->client->logout(m_rig->url(), {}, this, noToken.callback());
    QVERIFY(noToken.wait());
    QCOMPARE(noToken.error().message, u"no access token: sign in first"_s);

    SsoOutcome<Done> headerInjection;
    m_rig->client->logout(m_rig->url(), u"abc\r\nX-Evil: 1"_s, this, headerInjection.callback());
    QVERIFY(headerInjection.wait());
    QCOMPARE(headerInjection.error().message,
             u"the access token holds characters no header may carry"_s);

    SsoOutcome<SsoClientRegistration> notHttp;
    m_rig->client->registerClient(QUrl(u"file:///etc/passwd"_s), u"imsa"_s, {}, this,
                                  notHttp.callback());
    QVERIFY(notHttp.wait());
    QCOMPARE(notHttp.error().code, SsoErrorCode::InvalidRequest);
    QCOMPARE(m_rig->requests.size(), 0);
}

void tst_SsoClientErrors::deliveryRules()
{
    // Never from inside the call, even for a refusal.
    SsoOutcome<Done> refused;
    m_rig->client->logout(m_rig->url(), {}, this, refused.callback());
    QCOMPARE(refused.deliveries, 0);
    QVERIFY(refused.wait());

    // A dead context gets nothing, and the call is forgotten.
    auto context = std::make_unique<QObject>();
    SsoOutcome<Done> orphan;
    m_rig->client->logout(m_rig->url(), ssoAccessToken, context.get(), orphan.callback());
    context.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_rig->client->pendingCallCount(), 0, ssoAnswerTimeoutMs);
    QTest::qWait(20);
    QCOMPARE(orphan.deliveries, 0);

    // Calls pending at destruction complete with an error.
    m_rig->answer({std::nullopt});
    SsoOutcome<Done> pending;
    m_rig->client->logout(m_rig->url(), ssoAccessToken, this, pending.callback());
    QTRY_COMPARE_WITH_TIMEOUT(m_rig->requests.size(), 2, ssoAnswerTimeoutMs);
    m_rig->client.reset();
    QVERIFY(pending.wait());
    QCOMPARE(pending.deliveries, 1);
    QCOMPARE(pending.error().code, SsoErrorCode::Other);
}

void tst_SsoClientErrors::secretsStayOutOfLogsAndMessages()
{
    QStringList log;
    capturedLog = &log;
    QLoggingCategory::setFilterRules(u"imsa.sso.debug=true"_s);
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);
    const auto restore = qScopeGuard([previous] {
        qInstallMessageHandler(previous);
        QLoggingCategory::setFilterRules({});
        capturedLog = nullptr;
    });

    // A service that quotes back everything it was sent.
    m_rig->respond = [](const StandInRequest &request) {
        const QString echoed =
                QString::fromUtf8(request.body + request.header("x-amz-sso_bearer_token"));
        return std::optional(ssoJson(400,
                                     {{u"message"_s, echoed}, {u"error_description"_s, echoed}},
                                     "InvalidRequestException"));
    };

    QList<SsoError> errors;
    SsoOutcome<SsoToken> poll, refresh;
    SsoOutcome<DeviceAuthorization> authorize;
    SsoOutcome<SsoPage<QString>> roles;
    m_rig->client->createTokenFromDeviceCode(m_rig->url(), ssoRegistration(), ssoDeviceCode, this,
                                             poll.callback());
    m_rig->client->refreshToken(m_rig->url(), ssoRegistration(), ssoRefreshToken, this,
                                refresh.callback());
    m_rig->client->startDeviceAuthorization(m_rig->url(), ssoRegistration(), u"https://x/start"_s,
                                            this, authorize.callback());
    m_rig->client->listAccountRoles(m_rig->url(), ssoAccessToken, u"1"_s, {}, this,
                                    roles.callback());
    QVERIFY(poll.wait() && refresh.wait() && authorize.wait() && roles.wait());
    errors << poll.error() << refresh.error() << authorize.error() << roles.error();
    QCOMPARE(m_rig->requests.size(), 4);
    QVERIFY(!log.isEmpty());
    const QString everything = log.join(u'\n');
    for (const SsoError &error : std::as_const(errors)) {
        QCOMPARE(error.code, SsoErrorCode::InvalidRequest);
        QVERIFY2(error.message.contains(u"***"_s), qPrintable(error.message));
        for (const QString &secret :
             {ssoAccessToken, ssoRefreshToken, ssoClientSecret, ssoDeviceCode}) {
            QVERIFY2(!error.message.contains(secret), qPrintable(error.message));
            QVERIFY2(!everything.contains(secret), qPrintable(everything));
        }
    }
}

QTEST_GUILESS_MAIN(tst_SsoClientErrors)

#include "tst_ssoclienterrors.moc"
