#include <QRegularExpression>
#include <QTest>

#include "imsa/imdstokenstore.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

const QDateTime t0(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);

/// Always the same bytes: makes the issued token an exact, independently known string.
std::function<QByteArray(int)> fixedBytes(QByteArray bytes)
{
    return [bytes](int count) {
        return bytes.left(count);
    };
}

QByteArray bytesZeroTo31()
{
    QByteArray bytes;
    for (char i = 0; i < 32; ++i)
        bytes += i;
    return bytes;
}

} // namespace

class tst_ImdsTokenStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokenFormat_data();
    void tokenFormat();
    void systemTokensAreRandomAndDiffer();
    void expiry_data();
    void expiry();
    void unknownTokens_data();
    void unknownTokens();
    void prunesExpiredTokens();
    void evictsOldestBeyondTheLimit();
};

void tst_ImdsTokenStore::tokenFormat_data()
{
    QTest::addColumn<QByteArray>("randomBytes");
    QTest::addColumn<QByteArray>("expected");

    // Expected values from Python: base64.urlsafe_b64encode(b).rstrip(b'=')
    QTest::addRow("bytes 0 to 31 in base64url without padding")
            << bytesZeroTo31() << "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"_ba;
    QTest::addRow("all bits set use the url-safe alphabet")
            << QByteArray(32, '\xff') << "__________________________________________8"_ba;
}

void tst_ImdsTokenStore::tokenFormat()
{
    QFETCH(QByteArray, randomBytes);
    QFETCH(QByteArray, expected);

    ImdsTokenStore store(fixedBytes(randomBytes));
    const QByteArray token = store.issue(300, t0);
    QCOMPARE(token, expected);
    QCOMPARE(token.size(), 43);
    QVERIFY(store.isValid(token, t0));
}

void tst_ImdsTokenStore::systemTokensAreRandomAndDiffer()
{
    ImdsTokenStore store;
    const QByteArray first = store.issue(21600, t0);
    const QByteArray second = store.issue(21600, t0);
    QVERIFY(first != second);
    const QRegularExpression shape(u"^[A-Za-z0-9_-]{43}$"_s);
    QVERIFY2(shape.match(QString::fromLatin1(first)).hasMatch(), first.constData());
    QVERIFY2(shape.match(QString::fromLatin1(second)).hasMatch(), second.constData());
    QVERIFY(store.isValid(first, t0));
    QVERIFY(store.isValid(second, t0));
    QCOMPARE(store.size(), 2);
}

void tst_ImdsTokenStore::expiry_data()
{
    QTest::addColumn<int>("ttl");
    QTest::addColumn<int>("secondsLater");
    QTest::addColumn<bool>("valid");

    QTest::addRow("valid when issued") << 300 << 0 << true;
    QTest::addRow("valid one second before the TTL ends") << 300 << 299 << true;
    QTest::addRow("expired exactly at the TTL") << 300 << 300 << false;
    QTest::addRow("expired one second after the TTL") << 300 << 301 << false;
    QTest::addRow("maximum TTL valid at 21599 s") << 21600 << 21599 << true;
    QTest::addRow("maximum TTL expired at 21600 s") << 21600 << 21600 << false;
    QTest::addRow("TTL above the maximum is clamped to 21600 s") << 99999 << 21600 << false;
    QTest::addRow("TTL 0 is clamped to 1 s and valid when issued") << 0 << 0 << true;
    QTest::addRow("TTL 0 is clamped to 1 s and expired after it") << 0 << 1 << false;
    QTest::addRow("negative TTL is clamped to 1 s") << -5 << 1 << false;
}

void tst_ImdsTokenStore::expiry()
{
    QFETCH(int, ttl);
    QFETCH(int, secondsLater);
    QFETCH(bool, valid);

    ImdsTokenStore store(fixedBytes(bytesZeroTo31()));
    const QByteArray token = store.issue(ttl, t0);
    QCOMPARE(store.isValid(token, t0.addSecs(secondsLater)), valid);
}

void tst_ImdsTokenStore::unknownTokens_data()
{
    const QByteArray issued = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"_ba;
    QTest::addColumn<QByteArray>("candidate");

    QTest::addRow("empty token") << QByteArray();
    QTest::addRow("a token never issued") << "BBECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"_ba;
    QTest::addRow("the issued token with its last character changed")
            << QByteArray(issued).replace(42, 1, "9");
    QTest::addRow("a prefix of the issued token") << issued.left(42);
    QTest::addRow("the issued token with a character appended") << QByteArray(issued + 'A');
    QTest::addRow("the issued token in lower case") << issued.toLower();
}

void tst_ImdsTokenStore::unknownTokens()
{
    QFETCH(QByteArray, candidate);

    ImdsTokenStore store(fixedBytes(bytesZeroTo31()));
    const QByteArray token = store.issue(300, t0);
    QVERIFY(token != candidate);
    QVERIFY(!store.isValid(candidate, t0));
    QVERIFY(store.isValid(token, t0));
}

void tst_ImdsTokenStore::prunesExpiredTokens()
{
    ImdsTokenStore store;
    const QByteArray shortLived = store.issue(10, t0);
    const QByteArray middle = store.issue(20, t0);
    const QByteArray longLived = store.issue(30, t0);
    QCOMPARE(store.size(), 3);

    QVERIFY(store.isValid(longLived, t0.addSecs(15)));
    QCOMPARE(store.size(), 2);
    QVERIFY(!store.isValid(shortLived, t0.addSecs(15)));
    QVERIFY(store.isValid(middle, t0.addSecs(15)));

    QVERIFY(!store.isValid(longLived, t0.addSecs(30)));
    QCOMPARE(store.size(), 0);
}

void tst_ImdsTokenStore::evictsOldestBeyondTheLimit()
{
    ImdsTokenStore store;
    const QByteArray oldest = store.issue(21600, t0);
    const QByteArray secondOldest = store.issue(21600, t0);
    QByteArray newest;
    for (qsizetype i = 2; i <= ImdsTokenStore::maxTokens; ++i)
        newest = store.issue(21600, t0);

    QCOMPARE(store.size(), ImdsTokenStore::maxTokens);
    QVERIFY(!store.isValid(oldest, t0));
    QVERIFY(store.isValid(secondOldest, t0));
    QVERIFY(store.isValid(newest, t0));
}

QTEST_APPLESS_MAIN(tst_ImdsTokenStore)
#include "tst_imdstokenstore.moc"
