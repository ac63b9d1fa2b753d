#include <QElapsedTimer>
#include <QTcpServer>
#include <QTest>

#include "stsclientharness.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

/// How StsClient copes with a difficult STS: throttling, server errors, malformed answers,
/// hangs, refused connections and a clock that disagrees with ours.
class tst_StsClientResilience : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void retries_data();
    void retries();
    void retryDelays_data();
    void retryDelays();
    void timeout();
    void clockSkew_data();
    void clockSkew();
    void clockSkewWithMfaIsRetriedOnce();
    void unreachableEndpoint();

private:
    StsEndpoint endpoint() const { return m_harness->endpoint(); }

    std::unique_ptr<StsClientHarness> m_harness;
    FakeClock *m_clock = nullptr;
    StandInSts *m_sts = nullptr;
    StsClient *m_client = nullptr;
};

void tst_StsClientResilience::init()
{
    m_harness = std::make_unique<StsClientHarness>();
    m_clock = &m_harness->clock;
    m_sts = &m_harness->sts;
    m_client = &m_harness->client;
    QVERIFY(m_sts->listen());
}

void tst_StsClientResilience::cleanup()
{
    m_harness.reset();
}

void tst_StsClientResilience::retries_data()
{
    QTest::addColumn<StandInFault>("fault");
    QTest::addColumn<int>("faults");
    QTest::addColumn<bool>("withMfa");
    QTest::addColumn<std::optional<StsErrorCode>>("failure");
    QTest::addColumn<int>("calls");

    using Code = std::optional<StsErrorCode>;
    QTest::addRow("throttled twice, then success")
            << StandInFault::Throttling << 2 << false << Code() << 3;
    QTest::addRow("HTTP 500 three times gives up after the bound")
            << StandInFault::ServerError << 3 << false << Code(StsErrorCode::ServerError) << 3;
    QTest::addRow("HTTP 500 once, then success")
            << StandInFault::ServerError << 1 << false << Code() << 2;
    QTest::addRow("malformed XML once, then success")
            << StandInFault::MalformedXml << 1 << false << Code() << 2;
    QTest::addRow("malformed XML every time") << StandInFault::MalformedXml << 5 << false
                                              << Code(StsErrorCode::MalformedResponse) << 3;
    QTest::addRow("a throttled MFA call is not retried")
            << StandInFault::Throttling << 1 << true << Code(StsErrorCode::Throttled) << 1;
    QTest::addRow("an MFA call meeting HTTP 500 is not retried")
            << StandInFault::ServerError << 1 << true << Code(StsErrorCode::ServerError) << 1;
}

void tst_StsClientResilience::retries()
{
    QFETCH(StandInFault, fault);
    QFETCH(int, faults);
    QFETCH(bool, withMfa);
    QFETCH(std::optional<StsErrorCode>, failure);
    QFETCH(int, calls);

    m_sts->injectFault(fault, faults);
    Outcome<AwsCredentials> outcome;
    m_client->getSessionToken({aliceKeys(), withMfa ? aliceMfa : QString(),
                               withMfa ? u"123456"_s : QString(), 3600, endpoint()},
                              this, outcome.callback());
    QVERIFY(outcome.wait());
    QCOMPARE(outcome.result->ok(), !failure.has_value());
    if (failure)
        QCOMPARE(outcome.result->error().code, *failure);
    QCOMPARE(m_sts->callCount(u"GetSessionToken"_s), calls);
    QCOMPARE(outcome.deliveries, 1);
}

void tst_StsClientResilience::retryDelays_data()
{
    QTest::addColumn<double>("jitter");
    QTest::addColumn<int>("attempt");
    QTest::addColumn<int>("expectedMs");

    QTest::addRow("first pause is the base delay") << 1.0 << 1 << 200;
    QTest::addRow("doubles each attempt") << 1.0 << 3 << 800;
    QTest::addRow("capped at the maximum") << 1.0 << 10 << 5000;
    QTest::addRow("jitter scales the pause") << 0.25 << 2 << 100;
    QTest::addRow("jitter zero retries at once") << 0.0 << 4 << 0;
    QTest::addRow("jitter outside 0..1 is clamped") << 7.0 << 1 << 200;
}

void tst_StsClientResilience::retryDelays()
{
    QFETCH(double, jitter);
    QFETCH(int, attempt);
    QFETCH(int, expectedMs);

    StsRetryPolicy policy;
    policy.jitter = [jitter] {
        return jitter;
    };
    QCOMPARE(policy.delayAfter(attempt), std::chrono::milliseconds(expectedMs));

    // Without a fixed jitter every pause stays within the exponential bound.
    const StsRetryPolicy random;
    for (int i = 0; i < 20; ++i) {
        const auto delay = random.delayAfter(attempt);
        QVERIFY(delay >= 0ms);
        QVERIFY(delay
                <= std::min(random.baseDelay * (1 << std::min(attempt - 1, 20)), random.maxDelay));
    }
}

void tst_StsClientResilience::timeout()
{
    m_client->setTimeout(300ms);
    m_client->setRetryPolicy(StsRetryPolicy{1, 1ms, 1ms, [] {
                                                return 1.0;
                                            }});
    m_sts->injectFault(StandInFault::Hang, 1);
    QElapsedTimer elapsed;
    elapsed.start();
    Outcome<CallerIdentity> hung;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, hung.callback());
    QVERIFY(hung.wait());
    QVERIFY(!hung.result->ok());
    QCOMPARE(hung.result->error().code, StsErrorCode::Timeout);
    QVERIFY2(elapsed.elapsed() < 3000, "the transfer timeout, not a default, ended the call");

    // With retries allowed, one hang costs one attempt.
    m_client->setRetryPolicy(StsRetryPolicy{3, 1ms, 1ms, [] {
                                                return 1.0;
                                            }});
    m_sts->injectFault(StandInFault::Hang, 1);
    Outcome<CallerIdentity> retried;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, retried.callback());
    QVERIFY(retried.wait());
    QVERIFY(retried.result->ok());
    QCOMPARE(m_sts->callCount(u"GetCallerIdentity"_s), 3);
}

void tst_StsClientResilience::clockSkew_data()
{
    QTest::addColumn<qint64>("offset");
    QTest::addColumn<bool>("asFault");

    QTest::addRow("STS 10 minutes ahead") << qint64(600) << false;
    QTest::addRow("STS 10 minutes behind") << qint64(-600) << false;
    QTest::addRow("STS an hour ahead") << qint64(3600) << false;
    QTest::addRow("a skewed answer injected as a fault") << qint64(900) << true;
}

void tst_StsClientResilience::clockSkew()
{
    QFETCH(qint64, offset);
    QFETCH(bool, asFault);

    if (asFault)
        m_sts->injectFault(StandInFault::Skew, 3, offset);
    else
        m_sts->setClockOffset(offset);

    Outcome<CallerIdentity> first;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, first.callback());
    QVERIFY(first.wait());
    QVERIFY(first.result->ok());
    QCOMPARE(m_client->clockOffsetSeconds(), offset);
    QCOMPARE(m_sts->calls().size(), qsizetype(2));
    QCOMPARE(m_sts->calls().at(0).errorCode, u"SignatureDoesNotMatch"_s);
    QCOMPARE(m_sts->calls().at(0).signedAt, m_clock->now());
    QCOMPARE(m_sts->calls().at(1).signedAt, m_clock->now().addSecs(offset));

    // Later calls sign with the corrected time straight away.
    m_clock->advance(60);
    Outcome<AwsCredentials> later;
    m_client->getSessionToken({aliceKeys(), aliceMfa, u"123456"_s, 3600, endpoint()}, this,
                              later.callback());
    QVERIFY(later.wait());
    QVERIFY(later.result->ok());
    QCOMPARE(m_sts->calls().size(), qsizetype(3));
    QCOMPARE(m_sts->calls().last().signedAt, m_clock->now().addSecs(offset));
}

void tst_StsClientResilience::clockSkewWithMfaIsRetriedOnce()
{
    // STS checks the signature time before the action, so the refused request did not spend the
    // code: the retry with STS's time carries the same one.
    m_sts->setClockOffset(600);
    Outcome<AwsCredentials> first;
    m_client->getSessionToken({aliceKeys(), aliceMfa, u"123456"_s, 3600, endpoint()}, this,
                              first.callback());
    QVERIFY(first.wait());
    QVERIFY(first.result->ok());
    QCOMPARE(m_sts->calls().size(), qsizetype(2));
    QCOMPARE(m_sts->calls().at(0).errorCode, u"SignatureDoesNotMatch"_s);
    QVERIFY(m_sts->calls().at(1).hadTokenCode);
    QCOMPARE(m_client->clockOffsetSeconds(), qint64(600));

    // Clocks agreeing again resets the correction (after one refused, retried attempt).
    m_sts->setClockOffset(0);
    Outcome<CallerIdentity> third;
    m_client->getCallerIdentity(aliceKeys(), endpoint(), this, third.callback());
    QVERIFY(third.wait());
    QVERIFY(third.result->ok());
    QCOMPARE(m_client->clockOffsetSeconds(), qint64(0));
    QCOMPARE(m_sts->calls().size(), qsizetype(4));
}

void tst_StsClientResilience::unreachableEndpoint()
{
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    QUrl url = m_sts->url();
    url.setPort(closed.serverPort());
    closed.close();

    Outcome<CallerIdentity> outcome;
    m_client->getCallerIdentity(aliceKeys(), StsEndpoint{url, u"us-east-1"_s}, this,
                                outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(!outcome.result->ok());
    QCOMPARE(outcome.result->error().code, StsErrorCode::Network);
    QCOMPARE(outcome.result->error().httpStatus, 0);
    QCOMPARE(m_client->pendingCallCount(), qsizetype(0));
}

QTEST_GUILESS_MAIN(tst_StsClientResilience)
#include "tst_stsclientresilience.moc"
