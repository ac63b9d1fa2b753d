#include <QRegularExpression>
#include <QTest>

#include "imsa/imdstokens.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

const QDateTime t0(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);

QByteArray bytesZeroTo31()
{
    QByteArray bytes;
    for (char i = 0; i < 32; ++i)
        bytes += i;
    return bytes;
}

const QByteArray key = bytesZeroTo31();
const QByteArray otherKey(32, '\x5a');

// Expected values from Python, independent of this code:
//   e = struct.pack('>q', 1795600800 + 300)   # t0 + 300 s
//   base64.urlsafe_b64encode(e + hmac.new(bytes(range(32)), b'imsa IMDSv2 token\0' + e,
//                                         hashlib.sha256).digest()[:16]).rstrip(b'=')
const QByteArray tokenAtT0For300s = "AAAAAGsGssyAQTrDOn0kyQCQ9KKnz8Vn"_ba;

/// `token` with the character at `index` replaced by another of the base64url alphabet.
QByteArray withCharacterChanged(QByteArray token, qsizetype index)
{
    token[index] = token[index] == 'A' ? 'B' : 'A';
    return token;
}

} // namespace

class tst_ImdsTokens : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void imdsTokenFormat();
    void randomKeysDiffer();
    void imdsTokenExpiry_data();
    void imdsTokenExpiry();
    void imdsTokenRefusals_data();
    void imdsTokenRefusals();

    void tokenMemoRefusals_data() { imdsTokenRefusals_data(); }

    void tokenMemoRefusals();
    void tokenMemoIssues();
    void containerTokenFormat_data();
    void containerTokenFormat();
    void containerTokenGrants_data();
    void containerTokenGrants();
};

void tst_ImdsTokens::imdsTokenFormat()
{
    const ImdsTokenSigner signer(key);
    const QByteArray token = signer.issue(300, t0);
    QCOMPARE(token, tokenAtT0For300s);
    QCOMPARE(token.size(), ImdsTokenSigner::tokenChars);
    QVERIFY(signer.isValid(token, t0));
}

void tst_ImdsTokens::randomKeysDiffer()
{
    const QByteArray first = randomTokenKey();
    const QByteArray second = randomTokenKey();
    QCOMPARE(first.size(), 32);
    QVERIFY(first != second);
    const QByteArray token = ImdsTokenSigner(first).issue(21600, t0);
    const QRegularExpression shape(u"^[A-Za-z0-9_-]{32}$"_s);
    QVERIFY2(shape.match(QString::fromLatin1(token)).hasMatch(), token.constData());
    QVERIFY(ImdsTokenSigner(first).isValid(token, t0));
    QVERIFY(!ImdsTokenSigner(second).isValid(token, t0));
}

void tst_ImdsTokens::imdsTokenExpiry_data()
{
    QTest::addColumn<int>("ttl");
    QTest::addColumn<int>("issuedAtMs"); ///< after t0
    QTest::addColumn<int>("checkedAtMs"); ///< after t0
    QTest::addColumn<bool>("valid");

    QTest::addRow("valid when issued") << 300 << 0 << 0 << true;
    QTest::addRow("valid a millisecond before the TTL ends") << 300 << 0 << 299'999 << true;
    QTest::addRow("expired exactly at the TTL") << 300 << 0 << 300'000 << false;
    QTest::addRow("expired one second after the TTL") << 300 << 0 << 301'000 << false;
    QTest::addRow("maximum TTL valid at 21599 s") << 21600 << 0 << 21'599'000 << true;
    QTest::addRow("maximum TTL expired at 21600 s") << 21600 << 0 << 21'600'000 << false;
    QTest::addRow("TTL above the maximum is clamped to 21600 s")
            << 99999 << 0 << 21'600'000 << false;
    QTest::addRow("TTL 0 is clamped to 1 s and valid when issued") << 0 << 0 << 0 << true;
    QTest::addRow("TTL 0 is clamped to 1 s and expired after it") << 0 << 0 << 1000 << false;
    QTest::addRow("negative TTL is clamped to 1 s") << -5 << 0 << 1000 << false;
    QTest::addRow("issued mid-second: valid for the whole TTL") << 1 << 400 << 1399 << true;
    QTest::addRow("issued mid-second: the expiry is rounded up to the next second")
            << 1 << 400 << 1999 << true;
    QTest::addRow("issued mid-second: expired at that second") << 1 << 400 << 2000 << false;
    QTest::addRow("checked before its issue time: valid, only the expiry is signed")
            << 300 << 0 << -1000 << true;
}

void tst_ImdsTokens::imdsTokenExpiry()
{
    QFETCH(int, ttl);
    QFETCH(int, issuedAtMs);
    QFETCH(int, checkedAtMs);
    QFETCH(bool, valid);

    const ImdsTokenSigner signer(key);
    const QByteArray token = signer.issue(ttl, t0.addMSecs(issuedAtMs));
    QCOMPARE(signer.isValid(token, t0.addMSecs(checkedAtMs)), valid);
}

void tst_ImdsTokens::imdsTokenRefusals_data()
{
    QTest::addColumn<QByteArray>("candidate");

    const QByteArray issued = tokenAtT0For300s;
    QTest::addRow("an empty token") << QByteArray();
    for (qsizetype i = 0; i < issued.size(); ++i)
        QTest::addRow("the issued token with character %d changed", int(i))
                << withCharacterChanged(issued, i);
    QTest::addRow("a prefix of the issued token") << issued.chopped(1);
    QTest::addRow("the issued token with a character appended") << QByteArray(issued + 'A');
    QTest::addRow("the issued token with padding appended") << QByteArray(issued + "==");
    QTest::addRow("the issued token in lower case") << issued.toLower();
    QTest::addRow("the issued token with a character of standard base64 in it")
            << QByteArray(issued).replace(5, 1, "+");
    QTest::addRow("the issued token with a NUL byte appended") << QByteArray(issued + '\0');
    QTest::addRow("a token from another key") << ImdsTokenSigner(otherKey).issue(300, t0);
    QByteArray extended = QByteArray::fromBase64(issued, QByteArray::Base64UrlEncoding);
    extended[7] = char(extended[7] + 1);
    QTest::addRow("the issued token with a later expiry and the old MAC")
            << extended.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    QTest::addRow("a megabyte of base64url") << QByteArray(1 << 20, 'A');
    QTest::addRow("32 characters outside the alphabet") << QByteArray(32, '\xff');
}

void tst_ImdsTokens::imdsTokenRefusals()
{
    QFETCH(QByteArray, candidate);

    const ImdsTokenSigner signer(key);
    QCOMPARE(signer.issue(300, t0), tokenAtT0For300s);
    QVERIFY(!signer.isValid(candidate, t0));
}

void tst_ImdsTokens::tokenMemoRefusals()
{
    QFETCH(QByteArray, candidate);

    // The memo holds the issued token, verified: the candidate must not pass for it.
    ImdsTokenMemo memo{ImdsTokenSigner(key)};
    QVERIFY(memo.isValid(tokenAtT0For300s, t0));
    QVERIFY(!memo.isValid(candidate, t0));
    QVERIFY(memo.isValid(tokenAtT0For300s, t0.addSecs(299)));
    QVERIFY(!memo.isValid(tokenAtT0For300s, t0.addSecs(300)));
}

void tst_ImdsTokens::tokenMemoIssues()
{
    const ImdsTokenSigner signer(key);
    ImdsTokenMemo memo{signer};
    QCOMPARE(memo.issue(300, t0), tokenAtT0For300s);
    QCOMPARE(memo.issue(300, t0.addMSecs(-500)), tokenAtT0For300s);
    for (const int ms : {1, 999, 1000, 60'000}) {
        QCOMPARE(memo.issue(300, t0.addMSecs(ms)), signer.issue(300, t0.addMSecs(ms)));
        QCOMPARE(memo.issue(21600, t0.addMSecs(ms)), signer.issue(21600, t0.addMSecs(ms)));
    }
}

void tst_ImdsTokens::containerTokenFormat_data()
{
    QTest::addColumn<QString>("profile");
    QTest::addColumn<QByteArray>("expected");

    // base64.urlsafe_b64encode(hmac.new(bytes(range(32)), b'imsa container\0' + name.encode(),
    //                                   hashlib.sha256).digest()).rstrip(b'=')
    QTest::addRow("readonly") << u"readonly"_s << "vFVhT_jPXRq9ZL_khG0ptZgVZhKPmx2IVJUJebk9ACk"_ba;
    QTest::addRow("admin") << u"admin"_s << "us4MA5BftA0llRB59bfdD-NRaetydkchUdeMvD3eaWU"_ba;
    QTest::addRow("a name outside ASCII is MACed as UTF-8")
            << u"é"_s << "8C7o9ozVSFFys4OcOlo9l3yGTb5pYzBKJMdusnEf0tg"_ba;
}

void tst_ImdsTokens::containerTokenFormat()
{
    QFETCH(QString, profile);
    QFETCH(QByteArray, expected);

    const ContainerTokenSigner signer(key);
    QCOMPARE(signer.tokenFor(profile), expected);
    QCOMPARE(expected.size(), ContainerTokenSigner::tokenChars);
    QVERIFY(signer.grants(expected, profile));
}

void tst_ImdsTokens::containerTokenGrants_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<QString>("profile");
    QTest::addColumn<bool>("granted");

    const ContainerTokenSigner signer(key);
    const QByteArray readonly = signer.tokenFor(u"readonly"_s);
    QTest::addRow("readonly's token grants readonly") << readonly << u"readonly"_s << true;
    QTest::addRow("readonly's token does not grant admin") << readonly << u"admin"_s << false;
    QTest::addRow("readonly's token does not grant ReadOnly") << readonly << u"ReadOnly"_s << false;
    QTest::addRow("readonly's token does not grant readonly with a space")
            << readonly << u"readonly "_s << false;
    QTest::addRow("readonly's token from another key")
            << ContainerTokenSigner(otherKey).tokenFor(u"readonly"_s) << u"readonly"_s << false;
    QTest::addRow("readonly's token with its last character changed")
            << withCharacterChanged(readonly, readonly.size() - 1) << u"readonly"_s << false;
    QTest::addRow("readonly's token with a character appended")
            << QByteArray(readonly + 'A') << u"readonly"_s << false;
    QTest::addRow("an IMDSv2 token")
            << ImdsTokenSigner(key).issue(300, t0) << u"readonly"_s << false;
    QTest::addRow("an empty token") << QByteArray() << u"readonly"_s << false;
    QTest::addRow("the empty name is granted by no token")
            << signer.tokenFor(QString()) << QString() << false;
}

void tst_ImdsTokens::containerTokenGrants()
{
    QFETCH(QByteArray, token);
    QFETCH(QString, profile);
    QFETCH(bool, granted);

    QCOMPARE(ContainerTokenSigner(key).grants(token, profile), granted);
}

QTEST_APPLESS_MAIN(tst_ImdsTokens)
#include "tst_imdstokens.moc"
