#include <QTest>
#include <QTranslator>

#include "imsa/detail/stscall.h"
#include "imsa/usertext.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

const QString awsMessage = u"User alice is not authorized to perform sts:AssumeRole"_s;

Profile roleProfile()
{
    Profile profile;
    profile.name = u"prod"_s;
    profile.keyProfile = u"base"_s;
    profile.mfaSerial = u"arn:aws:iam::123456789012:mfa/alice"_s;
    profile.roleArn = u"arn:aws:iam::123456789012:role/Admin"_s;
    return profile;
}

/// Every StsErrorCode, in declaration order: Other is the last one (stserror.h).
QList<StsErrorCode> allCodes()
{
    QList<StsErrorCode> codes;
    for (int value = 0; value <= static_cast<int>(StsErrorCode::Other); ++value)
        codes << static_cast<StsErrorCode>(value);
    return codes;
}

/// Marks every text of the "StatusText" context, so a test sees which ones were translated.
class MarkingTranslator : public QTranslator
{
public:
    QString translate(const char *context, const char *source, const char * = nullptr,
                      int = -1) const override
    {
        if (qstrcmp(context, "StatusText") != 0)
            return {};
        return u"[de] "_s + QString::fromUtf8(source);
    }

    bool isEmpty() const override { return false; }
};

} // namespace

class tst_UserText : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyStsErrorHasItsOwnSentence_data();
    void everyStsErrorHasItsOwnSentence();
    void stsErrorWording_data();
    void stsErrorWording();
    void countdown_data();
    void countdown();
    void configuredDuration_data();
    void configuredDuration();
    void englishIgnoresInstalledTranslators();
};

void tst_UserText::everyStsErrorHasItsOwnSentence_data()
{
    QTest::addColumn<StsErrorCode>("code");
    for (const StsErrorCode code : allCodes())
        QTest::addRow("%s", detail::stsErrorCodeName(code).data()) << code;
}

void tst_UserText::everyStsErrorHasItsOwnSentence()
{
    QFETCH(StsErrorCode, code);

    const StsError error{code, u"AccessDenied"_s, awsMessage, 403};
    const QString text = stsErrorText(error, roleProfile(), TextLanguage::English);
    QVERIFY(!text.trimmed().isEmpty());
    // Not just AWS's words: a sentence that says what failed.
    QVERIFY2(text != awsMessage, qPrintable(text));
    QVERIFY2(!text.contains(u'%'), qPrintable(text));
    // A code that fell through to the fallback for unknown failures would read like Other.
    const QString generic = stsErrorText({StsErrorCode::Other, u"AccessDenied"_s, awsMessage, 403},
                                         roleProfile(), TextLanguage::English);
    if (code != StsErrorCode::Other)
        QVERIFY2(text != generic, qPrintable(text));
}

void tst_UserText::stsErrorWording_data()
{
    QTest::addColumn<StsError>("error");
    QTest::addColumn<QString>("expected");

    // The texts the tray's tests and the CLI's end-to-end test see.
    QTest::addRow("wrong MFA code keeps AWS's reason")
            << StsError{StsErrorCode::WrongMfaCode, u"AccessDenied"_s,
                        u"MultiFactorAuthentication failed with invalid MFA one time pass code."_s,
                        403}
            << u"AWS did not accept the MFA code: MultiFactorAuthentication failed with invalid "
               "MFA one time pass code."_s;
    QTest::addRow("wrong MFA code names the device STS XML names")
            << StsError{StsErrorCode::WrongMfaCode, u"AccessDenied"_s,
                        u"wrong MFA code for arn:aws:iam::123456789012:mfa/alice"_s, 403}
            << u"AWS did not accept the MFA code: wrong MFA code for "
               "arn:aws:iam::123456789012:mfa/alice"_s;
    QTest::addRow("access denied")
            << StsError{StsErrorCode::AccessDenied, u"AccessDenied"_s, awsMessage, 403}
            << u"Access denied: User alice is not authorized to perform sts:AssumeRole"_s;
    QTest::addRow("network") << StsError{StsErrorCode::Network, {}, u"Connection refused"_s, 0}
                             << u"Cannot reach AWS STS: Connection refused"_s;
    QTest::addRow("keys are named by the profile that holds them")
            << StsError{StsErrorCode::InvalidKeys, u"InvalidClientTokenId"_s,
                        u"The security token included in the request is invalid."_s, 403}
            << u"The access key of profile 'base' is not valid: The security token included in "
               "the request is invalid."_s;
    QTest::addRow("secret key mismatch")
            << StsError{StsErrorCode::SignatureMismatch, u"SignatureDoesNotMatch"_s, u"x"_s, 403}
            << u"The secret key of profile 'base' does not match its access key."_s;
    QTest::addRow("expired session names the profile")
            << StsError{StsErrorCode::ExpiredToken, u"ExpiredToken"_s, u"x"_s, 403}
            << u"The MFA session of profile 'prod' has expired."_s;
    QTest::addRow("unknown failure without a message shows AWS's code")
            << StsError{StsErrorCode::Other, u"NewAwsError"_s, {}, 400}
            << u"The STS call of profile 'prod' failed: NewAwsError"_s;
}

void tst_UserText::stsErrorWording()
{
    QFETCH(StsError, error);
    QFETCH(QString, expected);
    QCOMPARE(stsErrorText(error, roleProfile(), TextLanguage::English), expected);
}

void tst_UserText::countdown_data()
{
    QTest::addColumn<qint64>("secondsLeft");
    QTest::addColumn<QString>("countdown");
    QTest::addColumn<QString>("remaining");

    QTest::addRow("passed") << qint64(-5) << u"0 min"_s << u"expired"_s;
    QTest::addRow("now") << qint64(0) << u"0 min"_s << u"expired"_s;
    QTest::addRow("one second: minutes round up") << qint64(1) << u"1 min"_s << u"1 min left"_s;
    QTest::addRow("59 s") << qint64(59) << u"1 min"_s << u"1 min left"_s;
    QTest::addRow("60 s") << qint64(60) << u"1 min"_s << u"1 min left"_s;
    QTest::addRow("61 s") << qint64(61) << u"2 min"_s << u"2 min left"_s;
    QTest::addRow("3540 s") << qint64(3540) << u"59 min"_s << u"59 min left"_s;
    QTest::addRow("3599 s rounds up to the hour")
            << qint64(3599) << u"1 h 0 min"_s << u"1 h 0 min left"_s;
    QTest::addRow("3600 s") << qint64(3600) << u"1 h 0 min"_s << u"1 h 0 min left"_s;
    QTest::addRow("3601 s") << qint64(3601) << u"1 h 1 min"_s << u"1 h 1 min left"_s;
    QTest::addRow("3 h 12 min") << qint64((3 * 60 + 12) * 60) << u"3 h 12 min"_s
                                << u"3 h 12 min left"_s;
}

void tst_UserText::countdown()
{
    QFETCH(qint64, secondsLeft);
    QFETCH(QString, countdown);
    QFETCH(QString, remaining);

    const QDateTime now(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
    const QDateTime until = now.addSecs(secondsLeft);
    QCOMPARE(countdownText(now, until, TextLanguage::English), countdown);
    QCOMPARE(remainingText(now, until, TextLanguage::English), remaining);
}

void tst_UserText::configuredDuration_data()
{
    QTest::addColumn<int>("seconds");
    QTest::addColumn<QString>("expected");

    QTest::addRow("whole hours") << 43200 << u"12 h"_s;
    QTest::addRow("one hour") << 3600 << u"1 h"_s;
    QTest::addRow("whole minutes, not whole hours") << 5400 << u"90 min"_s;
    QTest::addRow("one minute") << 60 << u"1 min"_s;
    QTest::addRow("seconds") << 3601 << u"3601 s"_s;
    QTest::addRow("under a minute") << 59 << u"59 s"_s;
}

void tst_UserText::configuredDuration()
{
    QFETCH(int, seconds);
    QFETCH(QString, expected);
    QCOMPARE(configuredDurationText(seconds, TextLanguage::English), expected);
}

void tst_UserText::englishIgnoresInstalledTranslators()
{
    // The service shares the tray's process and its translators, but answers the CLI in English.
    MarkingTranslator translator;
    QVERIFY(QCoreApplication::installTranslator(&translator));
    const StsError error{StsErrorCode::Network, {}, u"Connection refused"_s, 0};
    const QDateTime now(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC);
    const QDateTime until = now.addSecs(42 * 60);

    const QString english = stsErrorText(error, roleProfile(), TextLanguage::English);
    const QString translated = stsErrorText(error, roleProfile(), TextLanguage::User);
    const QString englishCountdown = countdownText(now, until, TextLanguage::English);
    const QString translatedCountdown = countdownText(now, until, TextLanguage::User);
    const QString translatedDuration = configuredDurationText(3600, TextLanguage::User);
    QCoreApplication::removeTranslator(&translator);

    QCOMPARE(english, u"Cannot reach AWS STS: Connection refused"_s);
    QCOMPARE(translated, u"[de] Cannot reach AWS STS: Connection refused"_s);
    QCOMPARE(englishCountdown, u"42 min"_s);
    QCOMPARE(translatedCountdown, u"[de] 42 min"_s);
    QCOMPARE(translatedDuration, u"[de] 1 h"_s);
}

QTEST_GUILESS_MAIN(tst_UserText)
#include "tst_usertext.moc"
