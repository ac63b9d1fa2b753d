#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QTest>

#include "core/brokerrig.h"
#include "service/sessionnotifier.h"
#include "tray/mfadialog.h"
#include "tray/traycontroller.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;

namespace {

const QString prod = QStringLiteral("prod");

/// A broker waiting for prod's MFA code, the controller (on a session notifier, as TrayApp makes
/// it), and the dialog the tray would open.
struct DialogRig
{
    DialogRig()
    {
        const Profile base = baseProfile();
        rig.broker->setProfiles({base, roleProfile(base, prod, QStringLiteral("Admin"))});
        rig.broker->setActiveProfile(prod);
        if (!rig.settle() || rig.broker->status(prod).state != ProfileState::NeedsMfa)
            qFatal("the broker did not ask for an MFA code");
        dialog = new MfaDialog(controller, prod, aliceMfaSerial);
        dialog->show();
    }

    ~DialogRig() { delete dialog; }

    QLineEdit *code() const { return dialog->findChild<QLineEdit *>(QStringLiteral("code")); }

    QLabel *message() const { return dialog->findChild<QLabel *>(QStringLiteral("message")); }

    QPushButton *button(QDialogButtonBox::StandardButton which) const
    {
        return dialog->findChild<QDialogButtonBox *>()->button(which);
    }

    BrokerRig rig;
    app::SessionNotifier sessionNotifier{*rig.broker, rig.clock};
    TrayController controller{*rig.broker, rig.clock, sessionNotifier};
    QPointer<MfaDialog> dialog;
};

} // namespace

class tst_MfaDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsProfileAndDevice();
    void acceptsOnlySixDigits_data();
    void acceptsOnlySixDigits();
    void enterSubmits();
    void enterWithTooFewDigitsDoesNothing();
    void wrongCodeShowsAwsMessageAndAllowsRetry();
    void cancelLeavesProfileInactive_data();
    void cancelLeavesProfileInactive();
    void closesWhenCodeArrivesAnotherWay();
    void ignoresOtherProfiles();
};

void tst_MfaDialog::showsProfileAndDevice()
{
    DialogRig rig;
    QCOMPARE(rig.dialog->windowTitle(), QStringLiteral("imsa: MFA code for prod"));
    QCOMPARE(rig.dialog->findChild<QLabel *>(QStringLiteral("device"))->text(),
             QStringLiteral("Device: arn:aws:iam::123456789012:mfa/alice"));
    QVERIFY(!rig.dialog->isModal());
    QVERIFY(!rig.message()->isVisible());
}

void tst_MfaDialog::acceptsOnlySixDigits_data()
{
    QTest::addColumn<QString>("typed");
    QTest::addColumn<QString>("shown");
    QTest::addColumn<bool>("submittable");

    QTest::addRow("six digits") << QStringLiteral("123456") << QStringLiteral("123456") << true;
    QTest::addRow("letters and spaces are dropped")
            << QStringLiteral("12 ab-34") << QStringLiteral("1234") << false;
    QTest::addRow("a seventh digit is dropped")
            << QStringLiteral("1234567") << QStringLiteral("123456") << true;
    QTest::addRow("five digits are not enough")
            << QStringLiteral("12345") << QStringLiteral("12345") << false;
    QTest::addRow("non-ASCII digits are refused") << QStringLiteral("١٢٣٤٥٦") << QString() << false;
}

void tst_MfaDialog::acceptsOnlySixDigits()
{
    QFETCH(QString, typed);
    QFETCH(QString, shown);
    QFETCH(bool, submittable);

    DialogRig rig;
    // Key events with text, as a keyboard (or an input method) sends them; keyClicks() takes
    // ASCII only.
    for (const QChar c : typed)
        QTest::sendKeyEvent(QTest::Click, rig.code(), Qt::Key_unknown, QString(c), Qt::NoModifier);
    QCOMPARE(rig.code()->text(), shown);
    QCOMPARE(rig.button(QDialogButtonBox::Ok)->isEnabled(), submittable);
}

void tst_MfaDialog::enterSubmits()
{
    DialogRig rig;
    QTest::keyClicks(rig.code(), validCode);
    QTest::keyClick(rig.code(), Qt::Key_Return);
    QCOMPARE(rig.rig.sts.count(QLatin1StringView("GetSessionToken")), 1);
    QCOMPARE(rig.rig.sts.last(QLatin1StringView("GetSessionToken")).tokenCode, validCode);
    QCOMPARE(rig.message()->text(), QStringLiteral("Checking the code with AWS…"));
    QVERIFY(!rig.button(QDialogButtonBox::Ok)->isEnabled());
    QVERIFY(rig.rig.settle());
    QTRY_VERIFY(rig.dialog.isNull());
    QCOMPARE(rig.rig.broker->status(prod).state, ProfileState::Ready);
}

void tst_MfaDialog::enterWithTooFewDigitsDoesNothing()
{
    DialogRig rig;
    QTest::keyClicks(rig.code(), QStringLiteral("12345"));
    QTest::keyClick(rig.code(), Qt::Key_Enter);
    QVERIFY(rig.rig.settle());
    QCOMPARE(rig.rig.sts.count(QLatin1StringView("GetSessionToken")), 0);
    QVERIFY(rig.dialog->isVisible());
}

void tst_MfaDialog::wrongCodeShowsAwsMessageAndAllowsRetry()
{
    DialogRig rig;
    QTest::keyClicks(rig.code(), QStringLiteral("000000"));
    QTest::keyClick(rig.code(), Qt::Key_Enter);
    QVERIFY(rig.rig.settle());
    QVERIFY(rig.dialog);
    QVERIFY(rig.dialog->isVisible());
    QVERIFY(rig.message()->isVisible());
    QCOMPARE(rig.message()->text(),
             QStringLiteral("AWS did not accept the MFA code: MultiFactorAuthentication failed "
                            "with invalid MFA one time pass code."));
    QCOMPARE(rig.code()->text(), QString());
    QVERIFY(!rig.code()->isReadOnly());

    QTest::keyClicks(rig.code(), validCode);
    QTest::keyClick(rig.code(), Qt::Key_Enter);
    QVERIFY(rig.rig.settle());
    QTRY_VERIFY(rig.dialog.isNull());
    QCOMPARE(rig.rig.sts.count(QLatin1StringView("GetSessionToken")), 2);
}

void tst_MfaDialog::cancelLeavesProfileInactive_data()
{
    QTest::addColumn<bool>("escape");
    QTest::addRow("the Cancel button") << false;
    QTest::addRow("the Escape key") << true;
}

void tst_MfaDialog::cancelLeavesProfileInactive()
{
    QFETCH(bool, escape);

    DialogRig rig;
    if (escape)
        QTest::keyClick(rig.code(), Qt::Key_Escape);
    else
        QTest::mouseClick(rig.button(QDialogButtonBox::Cancel), Qt::LeftButton);
    QTRY_VERIFY(rig.dialog.isNull());
    QVERIFY(rig.rig.settle());
    QCOMPARE(rig.rig.broker->activeProfile(), QString());
    QCOMPARE(rig.rig.broker->status(prod).state, ProfileState::Inactive);
    QCOMPARE(rig.rig.sts.count(QLatin1StringView("GetSessionToken")), 0);
}

void tst_MfaDialog::closesWhenCodeArrivesAnotherWay()
{
    DialogRig rig;
    QTest::keyClicks(rig.code(), QStringLiteral("12"));
    rig.rig.broker->submitMfaCode(prod, validCode); // typed in the terminal
    QVERIFY(rig.rig.settle());
    QTRY_VERIFY(rig.dialog.isNull());
    QCOMPARE(rig.rig.broker->activeProfile(), prod);
    QCOMPARE(rig.rig.broker->status(prod).state, ProfileState::Ready);
}

void tst_MfaDialog::ignoresOtherProfiles()
{
    DialogRig rig;
    Q_EMIT rig.controller.mfaSatisfied(QStringLiteral("dev"));
    Q_EMIT rig.controller.mfaCodeRejected(QStringLiteral("dev"), QStringLiteral("wrong"));
    QVERIFY(rig.dialog->isVisible());
    QVERIFY(!rig.message()->isVisible());
}

QTEST_MAIN(tst_MfaDialog)
#include "tst_mfadialog.moc"
