#include <atomic>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include "stsclientharness.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_StsClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void sessionRoleAndIdentity();
    void endpointPathIsSigned();
    void refusals_data();
    void refusals();
    void roleChainingAndExpiry();
    void deadContextGetsNoCallback();
    void neverCompletesInsideTheCall();
    void callbackRunsInContextThread();
    void destroyedClientStillAnswers();
    void logsHoldNoSecrets();
    void standInControlRoutes();

private:
    StsEndpoint endpoint() const { return m_harness->endpoint(); }

    AwsCredentials sessionCredentials(int durationSeconds = 43200);

    std::unique_ptr<StsClientHarness> m_harness;
    FakeClock *m_clock = nullptr;
    StandInSts *m_sts = nullptr;
    QNetworkAccessManager *m_network = nullptr;
    StsClient *m_client = nullptr;
};

void tst_StsClient::init()
{
    m_harness = std::make_unique<StsClientHarness>();
    m_clock = &m_harness->clock;
    m_sts = &m_harness->sts;
    m_network = &m_harness->network;
    m_client = &m_harness->client;
    QVERIFY(m_sts->listen());
}

void tst_StsClient::cleanup()
{
    m_harness.reset();
}

AwsCredentials tst_StsClient::sessionCredentials(int durationSeconds)
{
    Outcome<AwsCredentials> session;
    m_client->getSessionToken({aliceKeys(), aliceMfa, u"123456"_s, durationSeconds, endpoint()},
                              this, session.callback());
    if (!session.wait() || !session.result->ok())
        return {};
    return session.result->value();
}

void tst_StsClient::sessionRoleAndIdentity()
{
    Outcome<AwsCredentials> session;
    m_client->getSessionToken({aliceKeys(), aliceMfa, u"123456"_s, 43200, endpoint()}, this,
                              session.callback());
    QVERIFY(session.wait());
    QVERIFY(session.result->ok());
    const AwsCredentials sessionKeys = session.result->value();
    QVERIFY(sessionKeys.accessKeyId.startsWith(u"ASIA"_s));
    QVERIFY(!sessionKeys.secretAccessKey.isEmpty());
    QVERIFY(!sessionKeys.sessionToken.isEmpty());
    QCOMPARE(sessionKeys.expiration, m_clock->now().addSecs(43200));

    QCOMPARE(m_sts->calls().size(), qsizetype(1));
    const StandInCall first = m_sts->calls().first();
    QCOMPARE(first.action, u"GetSessionToken"_s);
    QCOMPARE(first.accessKeyId, u"AKIAIOSFODNN7EXAMPLE"_s);
    QCOMPARE(first.serialNumber, aliceMfa);
    QVERIFY(first.hadTokenCode);
    QCOMPARE(first.region, u"us-east-1"_s);
    QCOMPARE(first.signedAt, m_clock->now());
    QCOMPARE(first.status, 200);

    // Role chaining: signed with the session keys and their token.
    Outcome<AssumedRole> role;
    m_client->assumeRole({sessionKeys, adminRole, u"alice"_s, {}, {}, {}, 3600, endpoint()}, this,
                         role.callback());
    QVERIFY(role.wait());
    QVERIFY(role.result->ok());
    QCOMPARE(role.result->value().assumedRoleArn,
             u"arn:aws:sts::123456789012:assumed-role/Admin/alice"_s);
    const AwsCredentials roleKeys = role.result->value().credentials;
    QVERIFY(roleKeys.accessKeyId.startsWith(u"ASIA"_s));
    QVERIFY(roleKeys.accessKeyId != sessionKeys.accessKeyId);
    QCOMPARE(roleKeys.expiration, m_clock->now().addSecs(3600));
    QCOMPARE(m_sts->calls().last().accessKeyId, sessionKeys.accessKeyId);
    QVERIFY(!m_sts->calls().last().hadTokenCode);

    Outcome<CallerIdentity> identity;
    m_client->getCallerIdentity(roleKeys, endpoint(), this, identity.callback());
    QVERIFY(identity.wait());
    QVERIFY(identity.result->ok());
    QCOMPARE(identity.result->value().arn, u"arn:aws:sts::123456789012:assumed-role/Admin/alice"_s);
    QCOMPARE(identity.result->value().account, u"123456789012"_s);
    QVERIFY(identity.result->value().userId.startsWith(u"AROA"_s));
    QVERIFY(identity.result->value().userId.endsWith(u":alice"_s));

    Outcome<CallerIdentity> user;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, user.callback());
    QVERIFY(user.wait());
    QVERIFY(user.result->ok());
    QCOMPARE(user.result->value().arn, u"arn:aws:iam::123456789012:user/alice"_s);

    QCOMPARE(m_sts->callCount(u"GetSessionToken"_s), 1);
    QCOMPARE(m_sts->callCount(u"AssumeRole"_s), 1);
    QCOMPARE(m_sts->callCount(u"GetCallerIdentity"_s), 2);
    QCOMPARE(session.deliveries + role.deliveries + identity.deliveries + user.deliveries, 4);
}

void tst_StsClient::endpointPathIsSigned()
{
    QUrl url = m_sts->url();
    url.setPath(u"/sts/v1/"_s);
    Outcome<CallerIdentity> identity;
    m_client->getCallerIdentity(aliceKeys(), StsEndpoint{url, u"eu-west-1"_s}, this,
                                identity.callback());
    QVERIFY(identity.wait());
    QVERIFY(identity.result->ok());
    QCOMPARE(m_sts->calls().last().region, u"eu-west-1"_s);
}

void tst_StsClient::refusals_data()
{
    QTest::addColumn<QString>("action");
    QTest::addColumn<AwsCredentials>("credentials");
    QTest::addColumn<QString>("mfaSerial");
    QTest::addColumn<QString>("tokenCode");
    QTest::addColumn<int>("duration");
    QTest::addColumn<QString>("roleArn");
    QTest::addColumn<StsErrorCode>("code");
    QTest::addColumn<QString>("message");

    const AwsCredentials wrongSecret{u"AKIAIOSFODNN7EXAMPLE"_s, u"not-the-secret"_s, {}, {}};
    const AwsCredentials unknownKey{u"AKIAUNKNOWNEXAMPLE00"_s, u"whatever"_s, {}, {}};

    QTest::addRow("wrong MFA code for a session")
            << u"GetSessionToken"_s << aliceKeys() << aliceMfa << u"654321"_s << 43200 << QString()
            << StsErrorCode::WrongMfaCode
            << u"wrong MFA code for arn:aws:iam::123456789012:mfa/alice"_s;
    QTest::addRow("wrong MFA code for a role with base keys")
            << u"AssumeRole"_s << aliceKeys() << aliceMfa << u"000000"_s << 3600 << adminRole
            << StsErrorCode::WrongMfaCode
            << u"wrong MFA code for arn:aws:iam::123456789012:mfa/alice"_s;
    QTest::addRow("another user's MFA device")
            << u"GetSessionToken"_s << aliceKeys() << u"arn:aws:iam::123456789012:mfa/bob"_s
            << u"123456"_s << 43200 << QString() << StsErrorCode::WrongMfaCode
            << u"wrong MFA code for arn:aws:iam::123456789012:mfa/bob"_s;
    QTest::addRow("a wrong secret key fails the signature check")
            << u"GetCallerIdentity"_s << wrongSecret << QString() << QString() << 0 << QString()
            << StsErrorCode::SignatureMismatch << QString();
    QTest::addRow("an unknown access key")
            << u"GetCallerIdentity"_s << unknownKey << QString() << QString() << 0 << QString()
            << StsErrorCode::InvalidKeys
            << u"The security token included in the request is invalid."_s;
    QTest::addRow("a session shorter than 15 minutes")
            << u"GetSessionToken"_s << aliceKeys() << QString() << QString() << 60 << QString()
            << StsErrorCode::InvalidRequest << QString();
    QTest::addRow("a malformed role ARN")
            << u"AssumeRole"_s << aliceKeys() << QString() << QString() << 3600
            << u"arn:aws:iam::1234:user/Admin"_s << StsErrorCode::InvalidRequest << QString();
    QTest::addRow("a role the user may not assume")
            << u"AssumeRole"_s << aliceKeys() << QString() << QString() << 3600
            << u"arn:aws:iam::123456789012:role/Forbidden"_s << StsErrorCode::AccessDenied
            << u"User: arn:aws:iam::123456789012:user/alice is not authorized to perform: "
               "sts:AssumeRole on resource: arn:aws:iam::123456789012:role/Forbidden"_s;
    QTest::addRow("no keys at all, refused before any request")
            << u"GetCallerIdentity"_s << AwsCredentials() << QString() << QString() << 0
            << QString() << StsErrorCode::InvalidRequest
            << u"no access key to sign the STS call with"_s;
}

void tst_StsClient::refusals()
{
    QFETCH(QString, action);
    QFETCH(AwsCredentials, credentials);
    QFETCH(QString, mfaSerial);
    QFETCH(QString, tokenCode);
    QFETCH(int, duration);
    QFETCH(QString, roleArn);
    QFETCH(StsErrorCode, code);
    QFETCH(QString, message);

    m_sts->denyRole(u"arn:aws:iam::123456789012:role/Forbidden"_s);
    std::optional<StsError> error;
    if (action == u"GetSessionToken"_s) {
        Outcome<AwsCredentials> outcome;
        m_client->getSessionToken({credentials, mfaSerial, tokenCode, duration, endpoint()}, this,
                                  outcome.callback());
        QVERIFY(outcome.wait());
        QVERIFY(!outcome.result->ok());
        error = outcome.result->error();
    } else if (action == u"AssumeRole"_s) {
        Outcome<AssumedRole> outcome;
        m_client->assumeRole(
                {credentials, roleArn, u"alice"_s, {}, mfaSerial, tokenCode, duration, endpoint()},
                this, outcome.callback());
        QVERIFY(outcome.wait());
        QVERIFY(!outcome.result->ok());
        error = outcome.result->error();
    } else {
        Outcome<CallerIdentity> outcome;
        m_client->getCallerIdentity(credentials, endpoint(), this, outcome.callback());
        QVERIFY(outcome.wait());
        QVERIFY(!outcome.result->ok());
        error = outcome.result->error();
    }
    QCOMPARE(error->code, code);
    if (!message.isEmpty())
        QCOMPARE(error->message, message);
    // The device may be named (its ARN can contain the same digits), the code never.
    if (!tokenCode.isEmpty())
        QVERIFY(!error->message.contains(QRegularExpression(u"\\b"_s + tokenCode + u"\\b"_s)));
    // Refusals are final: one request (none when refused locally), no retry.
    QCOMPARE(m_sts->calls().size(), qsizetype(credentials.isComplete() ? 1 : 0));
    QCOMPARE(m_client->pendingCallCount(), qsizetype(0));
}

void tst_StsClient::roleChainingAndExpiry()
{
    const AwsCredentials sessionKeys = sessionCredentials(3600);
    QVERIFY(sessionKeys.isComplete());

    Outcome<AssumedRole> tooLong;
    m_client->assumeRole({sessionKeys, adminRole, u"alice"_s, {}, {}, {}, 7200, endpoint()}, this,
                         tooLong.callback());
    QVERIFY(tooLong.wait());
    QVERIFY(!tooLong.result->ok());
    QCOMPARE(tooLong.result->error().code, StsErrorCode::InvalidRequest);
    QCOMPARE(tooLong.result->error().awsCode, u"ValidationError"_s);

    m_clock->advance(3600);
    Outcome<CallerIdentity> expired;
    m_client->getCallerIdentity(sessionKeys, endpoint(), this, expired.callback());
    QVERIFY(expired.wait());
    QVERIFY(!expired.result->ok());
    QCOMPARE(expired.result->error().code, StsErrorCode::ExpiredToken);
    QCOMPARE(m_sts->calls().size(), qsizetype(3));
}

void tst_StsClient::deadContextGetsNoCallback()
{
    bool called = false;
    auto context = std::make_unique<QObject>();
    m_client->getCallerIdentity(aliceKeys(), endpoint(), context.get(),
                                [&called](StsResult<CallerIdentity>) {
                                    called = true;
                                });
    context.reset();
    QTRY_COMPARE_WITH_TIMEOUT(m_client->pendingCallCount(), qsizetype(0), answerTimeoutMs);
    QCoreApplication::processEvents();
    QCoreApplication::sendPostedEvents();
    QVERIFY(!called);

    // The same call with a living context does call back: the check above can fail.
    context = std::make_unique<QObject>();
    m_client->getCallerIdentity(aliceKeys(), endpoint(), context.get(),
                                [&called](StsResult<CallerIdentity>) {
                                    called = true;
                                });
    QTRY_VERIFY_WITH_TIMEOUT(called, answerTimeoutMs);
}

void tst_StsClient::neverCompletesInsideTheCall()
{
    Outcome<CallerIdentity> refusedLocally;
    m_client->getCallerIdentity(AwsCredentials(), endpoint(), this, refusedLocally.callback());
    QCOMPARE(refusedLocally.deliveries, 0);
    QVERIFY(refusedLocally.wait());
    QCOMPARE(refusedLocally.result->error().code, StsErrorCode::InvalidRequest);

    Outcome<CallerIdentity> badEndpoint;
    m_client->getCallerIdentity(aliceKeys(), StsEndpoint{QUrl(u"localhost:4566"_s), u"us-east-1"_s},
                                this, badEndpoint.callback());
    QCOMPARE(badEndpoint.deliveries, 0);
    QVERIFY(badEndpoint.wait());
    QCOMPARE(badEndpoint.result->error().code, StsErrorCode::InvalidRequest);

    Outcome<CallerIdentity> remote;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, remote.callback());
    QCOMPARE(remote.deliveries, 0);
    QVERIFY(remote.wait());
    QCOMPARE(remote.deliveries, 1);
}

void tst_StsClient::callbackRunsInContextThread()
{
    QThread thread;
    thread.start();
    auto *context = new QObject;
    context->moveToThread(&thread);
    connect(&thread, &QThread::finished, context, &QObject::deleteLater);
    std::atomic<QThread *> ranIn = nullptr;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), context,
                                [&ranIn](StsResult<CallerIdentity>) {
                                    ranIn = QThread::currentThread();
                                });
    QTRY_VERIFY_WITH_TIMEOUT(ranIn.load() != nullptr, answerTimeoutMs);
    QCOMPARE(ranIn.load(), &thread);
    thread.quit();
    QVERIFY(thread.wait(answerTimeoutMs));
}

void tst_StsClient::destroyedClientStillAnswers()
{
    m_sts->injectFault(StandInFault::Hang, 1);
    auto client = std::make_unique<StsClient>(*m_network, *m_clock);
    Outcome<CallerIdentity> outcome;
    client->getCallerIdentity(aliceKeys(), endpoint(), this, outcome.callback());
    QTRY_COMPARE_WITH_TIMEOUT(m_sts->calls().size(), qsizetype(1), answerTimeoutMs);
    client.reset();
    QVERIFY(outcome.wait());
    QVERIFY(!outcome.result->ok());
    QCOMPARE(outcome.result->error().code, StsErrorCode::Other);
    QCOMPARE(outcome.deliveries, 1);
}

namespace {

QStringList *capturedLog = nullptr;

void captureMessage(QtMsgType, const QMessageLogContext &context, const QString &message)
{
    if (capturedLog)
        capturedLog->append(QString::fromLatin1(context.category) + u' ' + message);
}

} // namespace

void tst_StsClient::logsHoldNoSecrets()
{
    const StandInIdentity bob{u"AKIABOBEXAMPLE000001"_s,
                              u"bob-secret-key-0123456789"_s,
                              u"arn:aws:iam::210987654321:user/bob"_s,
                              {},
                              u"arn:aws:iam::210987654321:mfa/bob"_s,
                              u"271828"_s};
    m_sts->addIdentity(bob);
    const AwsCredentials bobKeys{bob.accessKeyId, bob.secretAccessKey, {}, {}};

    QStringList log;
    capturedLog = &log;
    QLoggingCategory::setFilterRules(u"imsa.sts.debug=true"_s);
    const QtMessageHandler previous = qInstallMessageHandler(captureMessage);

    Outcome<AwsCredentials> session;
    m_client->getSessionToken({bobKeys, bob.mfaSerial, bob.mfaCode, 3600, endpoint()}, this,
                              session.callback());
    const bool sessionArrived = session.wait() && session.result->ok();
    Outcome<AssumedRole> role;
    if (sessionArrived) {
        m_client->assumeRole({session.result->value(),
                              u"arn:aws:iam::210987654321:role/Ops"_s,
                              u"bob"_s,
                              {},
                              {},
                              {},
                              3600,
                              endpoint()},
                             this, role.callback());
        role.wait();
    }
    Outcome<AwsCredentials> wrongCode;
    m_client->getSessionToken({bobKeys, bob.mfaSerial, u"314159"_s, 3600, endpoint()}, this,
                              wrongCode.callback());
    wrongCode.wait();
    m_sts->injectFault(StandInFault::Throttling, 1);
    Outcome<CallerIdentity> throttled;
    m_client->getCallerIdentity(bobKeys, endpoint(), this, throttled.callback());
    throttled.wait();

    qInstallMessageHandler(previous);
    QLoggingCategory::setFilterRules(QString());
    capturedLog = nullptr;

    QVERIFY(sessionArrived);
    QVERIFY(role.result && role.result->ok());
    QVERIFY(wrongCode.result && !wrongCode.result->ok());
    QVERIFY(throttled.result && throttled.result->ok());
    QVERIFY(!log.isEmpty());
    const QString all = log.join(u'\n');
    QVERIFY(all.contains(u"****0001"_s));
    for (const QString &secret :
         {bob.secretAccessKey, bob.accessKeyId, bob.mfaCode, u"314159"_s,
          session.result->value().secretAccessKey, session.result->value().sessionToken,
          session.result->value().accessKeyId, role.result->value().credentials.secretAccessKey,
          role.result->value().credentials.sessionToken}) {
        QVERIFY2(!all.contains(secret),
                 qPrintable(u"log shows a secret of length "_s + QString::number(secret.size())));
    }
}

void tst_StsClient::standInControlRoutes()
{
    const auto send = [this](const QString &path, const QByteArray &body) {
        QUrl url = m_sts->url();
        url.setPath(path);
        QNetworkRequest request(url);
        QNetworkReply *reply =
                body.isNull() ? m_network->get(request) : m_network->post(request, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(answerTimeoutMs);
        reply->deleteLater();
        return std::pair(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                         reply->readAll());
    };

    QCOMPARE(send(u"/_fault"_s, R"({"kind": "throttling", "count": 2})").first, 204);
    QCOMPARE(send(u"/_fault"_s, R"({"kind": "earthquake"})").first, 400);
    Outcome<CallerIdentity> outcome;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());

    const auto [status, body] = send(u"/_calls"_s, QByteArray());
    QCOMPARE(status, 200);
    const QJsonObject calls = QJsonDocument::fromJson(body).object();
    QCOMPARE(calls.value(u"counts"_s).toObject().value(u"GetCallerIdentity"_s).toInt(), 3);
    const QJsonArray log = calls.value(u"calls"_s).toArray();
    QCOMPARE(log.size(), 3);
    QCOMPARE(log.at(0).toObject().value(u"errorCode"_s).toString(), u"Throttling"_s);
    QCOMPARE(log.at(0).toObject().value(u"status"_s).toInt(), 400);
    QCOMPARE(log.at(2).toObject().value(u"status"_s).toInt(), 200);
    QCOMPARE(log.at(2).toObject().value(u"accessKeyId"_s).toString(), u"AKIAIOSFODNN7EXAMPLE"_s);
    QCOMPARE(log.at(2).toObject().value(u"hadTokenCode"_s).toBool(), false);
}

QTEST_GUILESS_MAIN(tst_StsClient)
#include "tst_stsclient.moc"
