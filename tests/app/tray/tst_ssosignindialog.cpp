#include <memory>

#include <QClipboard>
#include <QGuiApplication>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/fakeclock.h"
#include "fakes/fakessoapi.h"
#include "imsa/ssosignin.h"
#include "imsa/usertext.h"
#include "tray/ssosignindialog.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

namespace {

const QString userCode = u"ABCD-EFGH"_s;
const QString verificationUri = u"https://device.sso.eu-west-1.amazonaws.com/"_s;

/// A real SsoSignIn on a FakeSsoApi (its endpoint pointed at a closed local port, so that
/// nothing could leave the machine), and the dialog the tray opens for profile dev.
struct DialogRig
{
    /// `tokenAnswers`: what CreateToken answers in turn; empty: the code is never approved
    /// (polls wait an hour of real time, so the fake clock alone moves the countdown).
    explicit DialogRig(QList<SsoResult<SsoToken>> tokenAnswers = {})
    {
        SsoSettings settings;
        settings.sessionName = u"my-sso"_s;
        settings.startUrl = u"https://example.awsapps.com/start"_s;
        settings.region = u"eu-west-1"_s;
        QProcessEnvironment environment;
        environment.insert(u"AWS_ENDPOINT_URL_SSO_OIDC"_s, u"http://127.0.0.1:9/"_s);
        api.registerAnswer =
                SsoClientRegistration{u"client-1"_s, u"client-secret-1"_s, clock.now().addDays(90)};
        api.authorizationAnswer = DeviceAuthorization{u"device-1"_s,
                                                      userCode,
                                                      verificationUri,
                                                      verificationUri + u"?user_code="_s + userCode,
                                                      600,
                                                      1};
        const bool approves = !tokenAnswers.isEmpty();
        api.deviceTokenAnswers = std::move(tokenAnswers);
        signIn = std::make_unique<SsoSignIn>(api, clock, cache.path(), environment, settings);
        signIn->setPollDelay([approves](int) {
            return std::chrono::milliseconds(approves ? 0 : 3600 * 1000);
        });
    }

    ~DialogRig() { delete dialog.data(); }

    /// Opens the dialog, starts the sign-in and waits for its code (bounded).
    [[nodiscard]] bool openAndStart()
    {
        open();
        signIn->start();
        return QTest::qWaitFor(
                [this] {
                    return signIn->authorization().has_value();
                },
                3000);
    }

    void open()
    {
        dialog = new SsoSignInDialog(*signIn, clock, u"dev"_s, cache.path());
        dialog->show();
    }

    QLabel *label(const QString &name) const { return dialog->findChild<QLabel *>(name); }

    QPushButton *button(const QString &name) const
    {
        return dialog->findChild<QPushButton *>(name);
    }

    QTemporaryDir cache;
    FakeClock clock;
    FakeSsoApi api;
    std::unique_ptr<SsoSignIn> signIn;
    QPointer<SsoSignInDialog> dialog;
};

} // namespace

class tst_SsoSignInDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsCodeAndPage();
    void waitsForTheCode();
    void copyCodePutsItOnTheClipboard();
    void enterOpensTheBrowserOnTheCodesPage();
    void cancelCancelsTheSignIn_data();
    void cancelCancelsTheSignIn();
    void successCloses();
    void failureShowsWhy();
    void countsDownToTheCodesEnd();
    void lateWindowShowsTheRunningCode();
};

void tst_SsoSignInDialog::showsCodeAndPage()
{
    DialogRig rig;
    QVERIFY(rig.openAndStart());
    QCOMPARE(rig.dialog->windowTitle(), u"Sign in to IAM Identity Center"_s);
    QVERIFY(!rig.dialog->isModal());
    QVERIFY(rig.label(u"intro"_s)->text().contains(u"<b>dev</b>"_s));
    QVERIFY(rig.label(u"intro"_s)->text().contains(u"my-sso"_s));
    QCOMPARE(rig.label(u"code"_s)->text(), userCode);
    QVERIFY(rig.label(u"code"_s)->textInteractionFlags() & Qt::TextSelectableByMouse);
    QCOMPARE(rig.label(u"url"_s)->text(),
             u"Or open https://device.sso.eu-west-1.amazonaws.com/ and enter the code there."_s);
    QVERIFY(rig.label(u"message"_s)->isHidden());
    QPushButton *open = rig.button(u"openBrowser"_s);
    QVERIFY(open->isDefault());
    QVERIFY(open->isEnabled());
    QVERIFY(rig.button(u"copyCode"_s)->isEnabled());
    for (QWidget *widget :
         {static_cast<QWidget *>(rig.label(u"code"_s)), static_cast<QWidget *>(open),
          static_cast<QWidget *>(rig.button(u"copyCode"_s)),
          static_cast<QWidget *>(rig.button(u"cancel"_s))})
        QVERIFY2(!widget->accessibleName().isEmpty(), qPrintable(widget->objectName()));
    // The device code is what a token is fetched with; the window never shows it.
    for (const QLabel *label : rig.dialog->findChildren<QLabel *>())
        QVERIFY(!label->text().contains(u"device-1"_s));
}

void tst_SsoSignInDialog::waitsForTheCode()
{
    DialogRig rig;
    rig.api.setHolding(true);
    rig.open();
    rig.signIn->start();
    QCOMPARE(rig.label(u"message"_s)->text(), u"Asking IAM Identity Center for a code…"_s);
    QVERIFY(!rig.button(u"openBrowser"_s)->isEnabled());
    QVERIFY(!rig.button(u"copyCode"_s)->isEnabled());
    rig.api.setHolding(false);
    rig.api.release();
    QTRY_COMPARE(rig.label(u"code"_s)->text(), userCode);
    QVERIFY(rig.button(u"openBrowser"_s)->isEnabled());
}

void tst_SsoSignInDialog::copyCodePutsItOnTheClipboard()
{
    DialogRig rig;
    QVERIFY(rig.openAndStart());
    QGuiApplication::clipboard()->clear();
    QTest::mouseClick(rig.button(u"copyCode"_s), Qt::LeftButton);
    QCOMPARE(QGuiApplication::clipboard()->text(), userCode);
    QCOMPARE(rig.label(u"message"_s)->text(), u"The code is on the clipboard."_s);
    QVERIFY(rig.dialog->isVisible());
}

void tst_SsoSignInDialog::enterOpensTheBrowserOnTheCodesPage()
{
    // The browser is a recorder: it keeps a copy of the page it is given (imsa removes it later).
    QTemporaryDir browserDir;
    const QString recorded = browserDir.filePath(u"page.html"_s);
    const QString browser = browserDir.filePath(u"browser.sh"_s);
    QFile script(browser);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QStringLiteral("#!/bin/sh\ncp \"${1#file://}\" '%1.tmp' && mv '%1.tmp' '%1'\n")
                         .arg(recorded)
                         .toUtf8());
    script.close();
    QVERIFY(script.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner
                                  | QFileDevice::ExeOwner));
    qputenv("BROWSER", QFile::encodeName(browser));

    DialogRig rig;
    QVERIFY(rig.openAndStart());
    QTest::keyClick(rig.dialog, Qt::Key_Return);
    QTRY_VERIFY(QFile::exists(recorded));
    QFile page(recorded);
    QVERIFY(page.open(QIODevice::ReadOnly));
    QVERIFY(page.readAll().contains(
            "https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"));
    QVERIFY(rig.dialog->isVisible());
    QVERIFY(rig.label(u"message"_s)->isHidden());
    qunsetenv("BROWSER");
}

void tst_SsoSignInDialog::cancelCancelsTheSignIn_data()
{
    QTest::addColumn<bool>("escape");
    QTest::newRow("Cancel") << false;
    QTest::newRow("Escape") << true;
}

void tst_SsoSignInDialog::cancelCancelsTheSignIn()
{
    QFETCH(bool, escape);
    DialogRig rig;
    QVERIFY(rig.openAndStart());
    QSignalSpy failed(rig.signIn.get(), &SsoSignIn::failed);
    if (escape)
        QTest::keyClick(rig.dialog, Qt::Key_Escape);
    else
        QTest::mouseClick(rig.button(u"cancel"_s), Qt::LeftButton);
    QCOMPARE(failed.size(), 1);
    QCOMPARE(failed.first().first().value<SsoError>().message, u"cancelled"_s);
    QTRY_VERIFY(rig.dialog.isNull());
}

void tst_SsoSignInDialog::successCloses()
{
    DialogRig rig(
            {SsoError{SsoErrorCode::AuthorizationPending, u"authorization_pending"_s, {}, 400},
             SsoToken{u"access-1"_s, u"refresh-1"_s,
                      QDateTime::currentDateTimeUtc().addSecs(3600)}});
    QSignalSpy succeeded(rig.signIn.get(), &SsoSignIn::succeeded);
    QVERIFY(rig.openAndStart());
    QTRY_COMPARE(succeeded.size(), 1);
    QTRY_VERIFY(rig.dialog.isNull());
}

void tst_SsoSignInDialog::failureShowsWhy()
{
    const SsoError refused{SsoErrorCode::AccessDenied, u"access_denied"_s, {}, 400};
    DialogRig rig({refused});
    QSignalSpy failed(rig.signIn.get(), &SsoSignIn::failed);
    QVERIFY(rig.openAndStart());
    QTRY_COMPARE(failed.size(), 1);
    QVERIFY(rig.dialog);
    QLabel *message = rig.label(u"message"_s);
    QVERIFY(message->isVisible());
    QCOMPARE(message->text(), ssoSignInErrorText(refused, u"dev"_s, TextLanguage::User));
    QVERIFY(!rig.button(u"openBrowser"_s)->isEnabled());
    QVERIFY(!rig.button(u"copyCode"_s)->isEnabled());
    QCOMPARE(rig.button(u"cancel"_s)->text(), u"Close"_s);
    QTest::mouseClick(rig.button(u"cancel"_s), Qt::LeftButton);
    QTRY_VERIFY(rig.dialog.isNull());
}

void tst_SsoSignInDialog::countsDownToTheCodesEnd()
{
    DialogRig rig;
    QVERIFY(rig.openAndStart());
    QLabel *timeLeft = rig.label(u"timeLeft"_s);
    QCOMPARE(timeLeft->text(), u"Time left: 10 min"_s);
    rig.clock.advance(4 * 60 + 30);
    QCOMPARE(timeLeft->text(), u"Time left: 6 min"_s);
    rig.clock.advance(5 * 60 + 29);
    QCOMPARE(timeLeft->text(), u"Time left: 1 min"_s);
    rig.clock.advance(1);
    QCOMPARE(timeLeft->text(), u"The code has expired."_s);
}

void tst_SsoSignInDialog::lateWindowShowsTheRunningCode()
{
    DialogRig rig;
    rig.signIn->start();
    QTRY_VERIFY(rig.signIn->authorization().has_value());
    rig.clock.advance(7 * 60);
    rig.open();
    QCOMPARE(rig.label(u"code"_s)->text(), userCode);
    QCOMPARE(rig.label(u"timeLeft"_s)->text(), u"Time left: 3 min"_s);
}

QTEST_MAIN(tst_SsoSignInDialog)
#include "tst_ssosignindialog.moc"
