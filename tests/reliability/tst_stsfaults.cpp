// The stand-in STS misbehaving while imsa renews: imsa retries within bounds, keeps serving
// the credentials it has, reports the failure in `imsa status`, and never serves expired or
// nearly expired ones.
#include <QDateTime>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTest>

#include "servingrig.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

namespace {

/// The broker never hands out credentials with less than this left (credentialbroker.h).
constexpr qint64 minServeSeconds = 15 * 60;

bool injectFault(const QString &stsUrl, const QString &kind, int count)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(stsUrl + u"_fault"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setTransferTimeout(5000);
    QNetworkReply *reply = network.post(
            request, QJsonDocument(QJsonObject{{u"kind"_s, kind}, {u"count"_s, count}}).toJson());
    QSignalSpy finished(reply, &QNetworkReply::finished);
    const bool ok = finished.wait(5000) && reply->error() == QNetworkReply::NoError;
    reply->deleteLater();
    return ok;
}

/// A served answer is either a refusal or credentials with at least minServeSeconds left.
bool isAcceptable(const ServedCredentials &served)
{
    if (served.status != 200)
        return served.status == 404;
    return served.expiration.isValid()
            && QDateTime::currentDateTimeUtc().secsTo(served.expiration) >= minServeSeconds - 5;
}

} // namespace

class tst_StsFaults : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void renewalSurvivesFaults_data();
    void renewalSurvivesFaults();
    void skewedStsClockIsTolerated_data();
    void skewedStsClockIsTolerated();
    void tooShortCredentialsAreNeverServed();
};

void tst_StsFaults::renewalSurvivesFaults_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("count");
    QTest::addColumn<bool>("reported");
    // StsClient tries a transient failure 3 times before the broker sees it (stsclient.h), so
    // 3 faults make one failed renewal; the broker's own retry then succeeds.
    QTest::addRow("three 5xx answers") << u"server-error"_s << 3 << true;
    QTest::addRow("three throttling answers") << u"throttling"_s << 3 << true;
    QTest::addRow("three malformed XML answers") << u"malformed"_s << 3 << true;
    // A hang costs the 10 s StsClient timeout; one is enough to stay within the test's bound.
    QTest::addRow("one answer that never comes") << u"hang"_s << 1 << false;
}

void tst_StsFaults::renewalSurvivesFaults()
{
    QFETCH(QString, kind);
    QFETCH(int, count);
    QFETCH(bool, reported);
    ServingRig rig;
    QVERIFY2(rig.start(), qPrintable(rig.error()));
    const ServedCredentials before = rig.fetchCredentials();
    QCOMPARE(before.status, 200);
    QVERIFY(isAcceptable(before));

    QVERIFY(injectFault(rig.environment().stsUrl(), kind, count));
    QVERIFY(rig.control(u"renew"_s));
    if (reported) {
        QTRY_VERIFY_WITH_TIMEOUT(!rig.status().value(u"last_error").toString().isEmpty(), 20'000);
        // The old credentials are still good and still served while the renewal fails.
        const ServedCredentials during = rig.fetchCredentials();
        QCOMPARE(during.status, 200);
        QCOMPARE(during.accessKeyId, before.accessKeyId);
    }
    // The broker's retry (5 s after the failure) or the StsClient's own retry succeeds.
    QTRY_VERIFY_WITH_TIMEOUT(rig.fetchCredentials().accessKeyId != before.accessKeyId, 30'000);
    const ServedCredentials after = rig.fetchCredentials();
    QCOMPARE(after.status, 200);
    QVERIFY(isAcceptable(after));
    QCOMPARE(rig.stsCount(u"GetSessionToken"_s), 1);
}

void tst_StsFaults::skewedStsClockIsTolerated_data()
{
    QTest::addColumn<int>("offset");
    QTest::addRow("STS clock 10 minutes ahead") << 600;
    QTest::addRow("STS clock 10 minutes behind") << -600;
}

void tst_StsFaults::skewedStsClockIsTolerated()
{
    QFETCH(int, offset);
    ServingRig rig;
    QVERIFY2(rig.start({u"--clock-offset"_s, QString::number(offset)}), qPrintable(rig.error()));
    const ServedCredentials served = rig.fetchCredentials();
    QCOMPARE(served.status, 200);
    QVERIFY(isAcceptable(served));
    QVERIFY(rig.control(u"renew"_s));
    QTRY_VERIFY_WITH_TIMEOUT(rig.fetchCredentials().accessKeyId != served.accessKeyId, 20'000);
    QVERIFY(isAcceptable(rig.fetchCredentials()));
}

void tst_StsFaults::tooShortCredentialsAreNeverServed()
{
    // The stand-in caps role credentials at 10 minutes, below what the broker may serve.
    ServingRig rig;
    // `assume` itself may fail for that reason; the app must run and refuse all the same.
    rig.start({u"--role-duration"_s, u"600"_s});
    QCOMPARE(rig.status().value(u"running").toBool(), true);
    QCOMPARE(rig.fetchCredentials().status, 404);
}

QTEST_GUILESS_MAIN(tst_StsFaults)
#include "tst_stsfaults.moc"
