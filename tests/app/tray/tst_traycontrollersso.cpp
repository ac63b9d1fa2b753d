#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "imsa/usertext.h"
#include "service/sessionnotifier.h"
#include "tray/traycontroller.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;
using namespace Qt::StringLiterals;

// The tray's side of an IAM Identity Center sign-in: the menu entry, the notification, and
// the requests that open the sign-in dialog.
class tst_TrayControllerSso : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void menuOffersTheSignInOnlyWhenItIsNeeded_data();
    void menuOffersTheSignInOnlyWhenItIsNeeded();
    void missingSignInIsAnnouncedOncePerSessionEnd();
    void choosingAProfileThatNeedsASignInOpensTheDialog();
    void menuEntryOpensTheDialog();

private:
    QTemporaryDir m_config;
};

namespace {

const QString sessionName = u"my-sso"_s;
const QString signInEntry = u"Sign in to IAM Identity Center…"_s;
const QString dev = u"dev"_s;

Profile ssoProfile()
{
    Profile profile;
    profile.name = dev;
    profile.keyProfile = dev;
    profile.region = u"eu-west-1"_s;
    profile.sso.sessionName = sessionName;
    profile.sso.startUrl = u"https://example.awsapps.com/start"_s;
    profile.sso.region = u"eu-west-1"_s;
    profile.sso.accountId = u"111122223333"_s;
    profile.sso.roleName = u"Developer"_s;
    return profile;
}

/// The controller on the session notifier TrayApp gives it, made in the service's order.
struct Tray
{
    explicit Tray(BrokerRig &rig)
        : sessionNotifier(*rig.broker, rig.clock)
        , controller(*rig.broker, rig.clock, sessionNotifier)
    { }

    app::SessionNotifier sessionNotifier;
    TrayController controller;
};

QStringList actionTexts(const QList<MenuEntry> &entries)
{
    QStringList texts;
    for (const MenuEntry &entry : entries) {
        if (entry.kind == MenuEntry::Kind::Action)
            texts << entry.text;
    }
    return texts;
}

} // namespace

void tst_TrayControllerSso::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    qputenv("XDG_CONFIG_DIRS", QFile::encodeName(m_config.path() + u"/none"_s));
}

void tst_TrayControllerSso::menuOffersTheSignInOnlyWhenItIsNeeded_data()
{
    QTest::addColumn<QString>("situation");
    QTest::addColumn<bool>("offered");
    QTest::newRow("signed out") << u"signed out"_s << true;
    QTest::newRow("signed in") << u"signed in"_s << false;
    QTest::newRow("other failure") << u"other failure"_s << false;
    QTest::newRow("no SSO") << u"no SSO"_s << false;
}

void tst_TrayControllerSso::menuOffersTheSignInOnlyWhenItIsNeeded()
{
    QFETCH(QString, situation);
    QFETCH(bool, offered);
    BrokerRig rig;
    const Profile base = baseProfile();
    rig.broker->setProfiles({ssoProfile(), base});
    Tray tray(rig);
    if (situation == u"signed in"_s)
        rig.sso.signIn(sessionName);
    if (situation == u"other failure"_s)
        rig.sso.failNext(StsError{StsErrorCode::AccessDenied, {}, u"no such role"_s, 403});
    rig.broker->setActiveProfile(situation == u"no SSO"_s ? base.name : dev);
    QVERIFY(rig.settle());

    const QStringList actions = actionTexts(tray.controller.menuEntries());
    QCOMPARE(actions.contains(signInEntry), offered);
    if (offered) {
        // First among the actions: it is what the user came for.
        QCOMPARE(actions.constFirst(), signInEntry);
        rig.sso.signIn(sessionName);
        rig.broker->ssoSignedIn(sessionName);
        QVERIFY(rig.settle());
        QCOMPARE(rig.broker->status(dev).state, ProfileState::Ready);
        QVERIFY(!actionTexts(tray.controller.menuEntries()).contains(signInEntry));
    }
}

void tst_TrayControllerSso::missingSignInIsAnnouncedOncePerSessionEnd()
{
    BrokerRig rig;
    rig.broker->setProfiles({ssoProfile()});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QSignalSpy notifications(&controller, &TrayController::notificationRequested);
    QSignalSpy signIns(&controller, &TrayController::ssoSignInRequested);

    // Restored at start or switched to with `imsa assume`: a notification, no window.
    rig.broker->setActiveProfile(dev);
    QVERIFY(rig.settle());
    QCOMPARE(notifications.size(), 1);
    const auto needed = notifications.takeFirst().first().value<Notification>();
    QCOMPARE(needed.title, u"Sign-in needed for dev"_s);
    QCOMPARE(needed.message,
             stsErrorText(*rig.broker->status(dev).lastError, ssoProfile(), TextLanguage::User));
    QCOMPARE(needed.ssoProfile, dev);
    QVERIFY(needed.mfaProfile.isEmpty());
    QCOMPARE(signIns.size(), 0);
    QCOMPARE(controller.iconState(), IconState::Error);

    rig.broker->renew(dev);
    QVERIFY(rig.advance(10 * 60));
    QCOMPARE(notifications.size(), 0);
    controller.handleMessageClicked();
    QCOMPARE(signIns.size(), 1);
    QCOMPARE(signIns.takeFirst().first().toString(), dev);

    rig.sso.signIn(sessionName);
    rig.broker->ssoSignedIn(sessionName);
    QVERIFY(rig.settle());
    QCOMPARE(rig.broker->status(dev).state, ProfileState::Ready);
    QCOMPARE(notifications.size(), 0);

    // The session ends: announced again, once.
    rig.sso.signOut(sessionName);
    QVERIFY(rig.advance(2 * 3600));
    QCOMPARE(notifications.size(), 1);
    QCOMPARE(notifications.first().first().value<Notification>().ssoProfile, dev);
    QCOMPARE(signIns.size(), 0);
}

void tst_TrayControllerSso::choosingAProfileThatNeedsASignInOpensTheDialog()
{
    BrokerRig rig;
    rig.broker->setProfiles({ssoProfile(), baseProfile()});
    Tray tray(rig);
    QSignalSpy notifications(&tray.controller, &TrayController::notificationRequested);
    QSignalSpy signIns(&tray.controller, &TrayController::ssoSignInRequested);
    tray.controller.activateProfile(dev);
    QVERIFY(rig.settle());
    QCOMPARE(signIns.size(), 1);
    QCOMPARE(signIns.first().first().toString(), dev);
    QCOMPARE(notifications.size(), 0);

    // Away and back again: still no sign-in, so the dialog again.
    tray.controller.activateProfile(baseProfile().name);
    QVERIFY(rig.settle());
    tray.controller.activateProfile(dev);
    QVERIFY(rig.settle());
    QCOMPARE(signIns.size(), 2);
    QCOMPARE(notifications.size(), 0);
}

void tst_TrayControllerSso::menuEntryOpensTheDialog()
{
    BrokerRig rig;
    rig.broker->setProfiles({ssoProfile()});
    Tray tray(rig);
    rig.broker->setActiveProfile(dev);
    QVERIFY(rig.settle());
    QSignalSpy signIns(&tray.controller, &TrayController::ssoSignInRequested);
    tray.controller.trigger(MenuEntry::Action::SsoSignIn);
    QCOMPARE(signIns.size(), 1);
    QCOMPARE(signIns.first().first().toString(), dev);
}

QTEST_MAIN(tst_TrayControllerSso)
#include "tst_traycontrollersso.moc"
