// What `imsa status` prints, from the app's reply as the control protocol spells it.
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "imsa/ipcmessage.h"
#include "imsa/usertext.h"
#include "runtime/statusview.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

constexpr std::int64_t now = 1'764'700'000; // 2025-12-02T18:26:40Z

/// The lines for `status` as the app sends it: through Qt's JSON writer, then the launcher's
/// reader, so that a key spelt differently on the two sides shows as a missing line.
QString render(const QJsonObject &status)
{
    const std::optional<runtime::JsonValue> parsed =
            runtime::parseJson(QJsonDocument(status).toJson(QJsonDocument::Compact).toStdString());
    if (!parsed)
        return u"(not parsed)"_s;
    return QString::fromStdString(runtime::renderStatus(*parsed, now));
}

QString iso(std::int64_t time)
{
    return QDateTime::fromSecsSinceEpoch(time, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

class tst_StatusView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parsesTheAppsTimes_data();
    void parsesTheAppsTimes();
    void refusesOtherTimes_data();
    void refusesOtherTimes();
    void remainingTextIsCoresEnglish();
    void everyField();
    void noActiveProfile();
    void pidThatIsNoWholeNumber_data();
    void pidThatIsNoWholeNumber();
};

void tst_StatusView::parsesTheAppsTimes_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("epoch") << u"1970-01-01T00:00:00Z"_s;
    QTest::newRow("as the app writes") << u"2026-12-03T18:05:09Z"_s;
    QTest::newRow("leap day") << u"2024-02-29T23:59:59Z"_s;
    QTest::newRow("east of UTC") << u"2026-12-03T18:05:09+02:00"_s;
    QTest::newRow("west of UTC") << u"2026-12-03T01:30:00-09:30"_s;
    QTest::newRow("milliseconds") << u"2026-12-03T18:05:09.250Z"_s;
    QTest::newRow("before 1970") << u"1969-07-20T20:17:40Z"_s;
}

void tst_StatusView::parsesTheAppsTimes()
{
    QFETCH(QString, text);
    const std::optional<std::int64_t> parsed = runtime::parseIsoTime(text.toStdString());
    QVERIFY(parsed);
    QCOMPARE(*parsed, QDateTime::fromString(text, Qt::ISODate).toSecsSinceEpoch());
}

void tst_StatusView::refusesOtherTimes_data()
{
    QTest::addColumn<QString>("text");

    QTest::newRow("empty") << QString();
    QTest::newRow("no zone") << u"2026-12-03T18:05:09"_s;
    QTest::newRow("date only") << u"2026-12-03"_s;
    QTest::newRow("space for T") << u"2026-12-03 18:05:09Z"_s;
    QTest::newRow("no leap day") << u"2023-02-29T00:00:00Z"_s;
    QTest::newRow("month 13") << u"2026-13-01T00:00:00Z"_s;
    QTest::newRow("hour 24") << u"2026-12-03T24:00:00Z"_s;
    QTest::newRow("second 60") << u"2026-12-03T23:59:60Z"_s;
    QTest::newRow("zone without colon") << u"2026-12-03T18:05:09+0200"_s;
    QTest::newRow("text after zone") << u"2026-12-03T18:05:09Zx"_s;
    QTest::newRow("point without digits") << u"2026-12-03T18:05:09.Z"_s;
    QTest::newRow("letters") << u"yyyy-mm-ddThh:mm:ssZ"_s;
}

void tst_StatusView::refusesOtherTimes()
{
    QFETCH(QString, text);
    QVERIFY(!runtime::parseIsoTime(text.toStdString()));
}

void tst_StatusView::remainingTextIsCoresEnglish()
{
    // One rule in two spellings: the launcher's must say what core's English says.
    const QDateTime start = QDateTime::fromSecsSinceEpoch(now, Qt::UTC);
    for (std::int64_t left = -90; left <= 26 * 3600; left += left < 7300 ? 1 : 37) {
        const QString expected = remainingText(start, start.addSecs(left), TextLanguage::English);
        QCOMPARE(QString::fromStdString(runtime::remainingText(now, now + left)), expected);
    }
}

void tst_StatusView::everyField()
{
    const QJsonObject status{
            {ipc::keys::running, true},
            {ipc::keys::endpoint, u"http://169.254.169.254/"_s},
            {ipc::keys::profile, u"prod"_s},
            {ipc::keys::roleArn, u"arn:aws:iam::123456789012:role/Admin"_s},
            {ipc::keys::state, u"ready"_s},
            {ipc::keys::expiration, iso(now + 42 * 60)},
            {ipc::keys::mfaSessionExpiration, iso(now + 11 * 3600 + 5 * 60)},
            {ipc::keys::pid, 4242},
            {ipc::keys::keyStore, u"keychain (Secret Service)"_s},
            {ipc::keys::warnings, QJsonArray{u"first warning"_s, u"second warning"_s}},
            {ipc::keys::configErrors, QJsonArray{u"~/.imsa:3:7: bad"_s}},
            {ipc::keys::lastError, u"Cannot reach AWS STS: timeout"_s},
            {ipc::keys::stsEndpoint, u"http://127.0.0.1:4566/"_s},
    };
    QCOMPARE(render(status),
             u"imsa is running (pid 4242)\n"
             "  endpoint:     http://169.254.169.254/\n"
             "  profile:      prod\n"
             "  role:         arn:aws:iam::123456789012:role/Admin\n"
             "  state:        ready\n"
             "  STS endpoint: http://127.0.0.1:4566/ (not AWS)\n"
             "  credentials:  2025-12-02T19:08:40Z (42 min left)\n"
             "  MFA session:  2025-12-03T05:31:40Z (11 h 5 min left)\n"
             "  key store:    keychain (Secret Service)\n"
             "  last error:   Cannot reach AWS STS: timeout\n"
             "warning: first warning\n"
             "warning: second warning\n"
             "configuration change rejected: ~/.imsa:3:7: bad\n"_s);
}

void tst_StatusView::noActiveProfile()
{
    // As the app answers before any `imsa assume`: nulls, empty lists, an expired time.
    const QJsonObject status{
            {ipc::keys::running, true},
            {ipc::keys::endpoint, u"http://127.0.0.1:9254/"_s},
            {ipc::keys::profile, QJsonValue()},
            {ipc::keys::roleArn, QJsonValue()},
            {ipc::keys::state, u"inactive"_s},
            {ipc::keys::expiration, QJsonValue()},
            {ipc::keys::mfaSessionExpiration, iso(now - 1)},
            {ipc::keys::pid, 7},
            {ipc::keys::keyStore, u"file"_s},
            {ipc::keys::warnings, QJsonArray()},
            {ipc::keys::configErrors, QJsonArray()},
    };
    QCOMPARE(render(status),
             u"imsa is running (pid 7)\n"
             "  endpoint:     http://127.0.0.1:9254/\n"
             "  profile:      (none; run: imsa assume PROFILE)\n"
             "  MFA session:  2025-12-02T18:26:39Z (expired)\n"
             "  key store:    file\n"_s);
}

void tst_StatusView::pidThatIsNoWholeNumber_data()
{
    QTest::addColumn<QByteArray>("status");
    QTest::addColumn<QString>("firstLine");

    // As imsa-cli read it with QJsonValue::toInteger(): 0 unless a whole number that fits.
    QTest::newRow("a pid") << R"({"pid":4194304})"_ba << u"imsa is running (pid 4194304)"_s;
    QTest::newRow("beyond 64 bits")
            << R"({"pid":22222222222222222222222222})"_ba << u"imsa is running (pid 0)"_s;
    QTest::newRow("fraction") << R"({"pid":12.5})"_ba << u"imsa is running (pid 0)"_s;
    QTest::newRow("text") << R"({"pid":"12"})"_ba << u"imsa is running (pid 0)"_s;
}

void tst_StatusView::pidThatIsNoWholeNumber()
{
    QFETCH(QByteArray, status);
    QFETCH(QString, firstLine);
    const std::optional<runtime::JsonValue> parsed = runtime::parseJson(status.toStdString());
    QVERIFY(parsed);
    const QString lines = QString::fromStdString(runtime::renderStatus(*parsed, now));
    QCOMPARE(lines.section(u'\n', 0, 0), firstLine);
}

QTEST_GUILESS_MAIN(tst_StatusView)
#include "tst_statusview.moc"
