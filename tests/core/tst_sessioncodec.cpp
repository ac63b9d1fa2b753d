#include <QTest>

#include "imsa/sessioncodec.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_SessionCodec : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodeSession();
    void decodeSession_data();
    void decodeSession();
    void baseKeys_data();
    void baseKeys();
};

namespace {

const AwsCredentials session{u"ASIAIOSFODNN7EXAMPLE"_s, u"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE"_s,
                             u"IQoJb3JpZ2luX2VjEXAMPLETOKEN"_s,
                             QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC)};

} // namespace

void tst_SessionCodec::encodeSession()
{
    // Keys sorted as QJsonObject writes them; Expiration as STS and IMDS write it.
    QCOMPARE(encodeSessionCredentials(session),
             R"({"AccessKeyId":"ASIAIOSFODNN7EXAMPLE","Expiration":"2026-11-25T10:00:00Z",)"
             R"("SecretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLE",)"
             R"("SessionToken":"IQoJb3JpZ2luX2VjEXAMPLETOKEN"})"_ba);
    const auto decoded = decodeSessionCredentials(encodeSessionCredentials(session));
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.value(), session);
}

void tst_SessionCodec::decodeSession_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QDateTime>("expiration");
    QTest::addColumn<QString>("error");

    const QDateTime ten(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);
    const auto entry = [](const char *expiration) -> QByteArray {
        return R"({"AccessKeyId":"ASIAX","SecretAccessKey":"s3cr3t","SessionToken":"t0k3n","Expiration":")"_ba
                + expiration + R"("})"_ba;
    };
    QTest::addRow("fractional seconds as STS sends them")
            << entry("2026-11-25T10:00:00.250Z") << ten.addMSecs(250) << QString();
    QTest::addRow("an offset is converted to UTC")
            << entry("2026-11-25T11:00:00+01:00") << ten << QString();
    QTest::addRow("not JSON") << "s3cr3t"_ba << QDateTime() << u"not valid JSON"_s;
    QTest::addRow("an array") << R"(["s3cr3t"])"_ba << QDateTime() << u"not a JSON object"_s;
    QTest::addRow("no session token")
            << R"({"AccessKeyId":"ASIAX","SecretAccessKey":"s3cr3t","Expiration":"2026-11-25T10:00:00Z"})"_ba
            << QDateTime() << u"SessionToken is missing"_s;
    QTest::addRow("key id that is not a string")
            << R"({"AccessKeyId":7,"SecretAccessKey":"s3cr3t","SessionToken":"t0k3n","Expiration":"2026-11-25T10:00:00Z"})"_ba
            << QDateTime() << u"AccessKeyId is missing"_s;
    QTest::addRow("expiration that is not a time")
            << entry("next tuesday") << QDateTime()
            << u"Expiration is missing or not an ISO 8601 time"_s;
}

void tst_SessionCodec::decodeSession()
{
    QFETCH(QByteArray, json);
    QFETCH(QDateTime, expiration);
    QFETCH(QString, error);

    const auto decoded = decodeSessionCredentials(json);
    if (error.isEmpty()) {
        QVERIFY(decoded.ok());
        QCOMPARE(decoded.value().expiration, expiration);
        QCOMPARE(decoded.value().expiration.timeSpec(), Qt::UTC);
        QCOMPARE(decoded.value().secretAccessKey, u"s3cr3t"_s);
        return;
    }
    QVERIFY(!decoded.ok());
    QVERIFY2(decoded.error().startsWith(error), qPrintable(decoded.error()));
    QVERIFY(!decoded.error().contains(u"s3cr3t"_s));
}

void tst_SessionCodec::baseKeys_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("accessKeyId");
    QTest::addColumn<QString>("error");

    QTest::addRow("key id and secret")
            << R"({"AccessKeyId":"AKIAIOSFODNN7EXAMPLE","SecretAccessKey":"s3cr3t"})"_ba
            << u"AKIAIOSFODNN7EXAMPLE"_s << QString();
    QTest::addRow("secret only: the key id comes from the profile")
            << R"({"SecretAccessKey":"s3cr3t"})"_ba << QString() << QString();
    QTest::addRow("no secret") << R"({"AccessKeyId":"AKIAIOSFODNN7EXAMPLE"})"_ba << QString()
                               << u"SecretAccessKey is missing"_s;
    QTest::addRow("a bare secret, not JSON") << "s3cr3t"_ba << QString() << u"not valid JSON"_s;
}

void tst_SessionCodec::baseKeys()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, accessKeyId);
    QFETCH(QString, error);

    const auto decoded = decodeBaseKeys(json);
    if (!error.isEmpty()) {
        QVERIFY(!decoded.ok());
        QVERIFY2(decoded.error().startsWith(error), qPrintable(decoded.error()));
        QVERIFY(!decoded.error().contains(u"s3cr3t"_s));
        return;
    }
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.value().accessKeyId, accessKeyId);
    QCOMPARE(decoded.value().secretAccessKey, u"s3cr3t"_s);
    QVERIFY(!decoded.value().isTemporary());
    const auto again = decodeBaseKeys(encodeBaseKeys(decoded.value()));
    QVERIFY(again.ok());
    QCOMPARE(again.value(), decoded.value());
}

QTEST_APPLESS_MAIN(tst_SessionCodec)
#include "tst_sessioncodec.moc"
