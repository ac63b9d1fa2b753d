#include <QClipboard>
#include <QGuiApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "service/sessionnotifier.h"
#include "tray/traycontroller.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;

Q_DECLARE_METATYPE(imsa::tray::IconState)
Q_DECLARE_METATYPE(imsa::tray::MenuEntry::Action)

namespace {

/// 3 h 12 min of usable session: AWS's expiry is 15 min later (CredentialBroker::minServeSeconds).
constexpr int sessionSeconds = (3 * 60 + 12 + 15) * 60;

Profile mfaBase()
{
    Profile base = baseProfile(true, QStringLiteral("base"));
    base.mfaSessionDurationSeconds = sessionSeconds;
    return base;
}

/// One line per entry, in the form a reviewer reads a menu: "(x) prod", "[ ] Start at login".
QStringList describe(const QList<MenuEntry> &entries)
{
    QStringList lines;
    for (const MenuEntry &entry : entries) {
        switch (entry.kind) {
        case MenuEntry::Kind::Status:
            lines << QStringLiteral("status: ") + entry.text;
            break;
        case MenuEntry::Kind::Section:
            lines << QStringLiteral("section: ") + entry.text;
            break;
        case MenuEntry::Kind::Separator:
            lines << QStringLiteral("----");
            break;
        case MenuEntry::Kind::Profile:
            lines << (entry.checked ? QStringLiteral("(x) ") : QStringLiteral("( ) ")) + entry.text;
            break;
        case MenuEntry::Kind::Action: {
            QString line = entry.text;
            if (entry.checkable)
                line.prepend(entry.checked ? QStringLiteral("[x] ") : QStringLiteral("[ ] "));
            if (!entry.enabled)
                line += QStringLiteral(" (disabled)");
            lines << line;
            break;
        }
        }
    }
    return lines;
}

QStringList actionLines(bool hasActive)
{
    const QString off = hasActive ? QString() : QStringLiteral(" (disabled)");
    return {QStringLiteral("----"),
            QStringLiteral("Renew now") + off,
            QStringLiteral("Copy export command") + off,
            QStringLiteral("Copy env command") + off,
            QStringLiteral("Open AWS console") + off,
            QStringLiteral("Forget MFA session"),
            QStringLiteral("----"),
            QStringLiteral("Profiles and keys…"),
            QStringLiteral("Recent use…"),
            QStringLiteral("[ ] Start at login"),
            QStringLiteral("----"),
            QStringLiteral("Quit")};
}

/// Two roles on alice's MFA base: switching between them needs no second code.
QList<Profile> devAndProd()
{
    const Profile base = mfaBase();
    return {base, roleProfile(base, QStringLiteral("dev"), QStringLiteral("Dev")),
            roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))};
}

/// The controller with the session notifier TrayApp passes it from the service. The notifier is
/// made first, as the service's is, so it sees each broker signal before the controller does.
struct Tray
{
    explicit Tray(BrokerRig &rig)
        : sessionNotifier(*rig.broker, rig.clock)
        , controller(*rig.broker, rig.clock, sessionNotifier)
    { }

    app::SessionNotifier sessionNotifier;
    TrayController controller;
};

} // namespace

class tst_TrayController : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void menuForProfileCounts_data();
    void menuForProfileCounts();
    void manyProfilesAreGroupedByBaseIdentity();
    void eachState_data();
    void eachState();
    void countdownAtChosenTimes_data();
    void countdownAtChosenTimes();
    void sessionEndIsAnnouncedOnceAndClickOpensTheDialog();
    void logoutIsNotAnnouncedAsAnEnd();
    void refreshFailureIsAnnouncedOncePerStreak();
    void newWarningsBecomeNotifications();
    void mfaRoundTrip();
    void actions_data();
    void actions();
    void consoleNeedsARoleAndFailuresAreNotified();
    void copiedCommandsPassTheProfileNameVerbatim_data();
    void copiedCommandsPassTheProfileNameVerbatim();
    void switchingProfilesIsRemembered();
    void switchFromTheCommandLineShowsAtOnce();
    void startAtLoginToggles();

private:
    QTemporaryDir m_config;
};

void tst_TrayController::initTestCase()
{
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    qputenv("XDG_CONFIG_DIRS", QFile::encodeName(m_config.path() + QStringLiteral("/none")));
}

void tst_TrayController::menuForProfileCounts_data()
{
    QTest::addColumn<int>("roles");
    QTest::addColumn<QStringList>("expected");

    QTest::addRow("no profiles")
            << -1
            << QStringList{QStringLiteral("status: No active profile"), QStringLiteral("----"),
                           QStringLiteral(
                                   "No profiles: add them to ~/.imsa or ~/.aws/config (disabled)")}
                    + QStringList{QStringLiteral("----"),
                                  QStringLiteral("Renew now (disabled)"),
                                  QStringLiteral("Copy export command (disabled)"),
                                  QStringLiteral("Copy env command (disabled)"),
                                  QStringLiteral("Open AWS console (disabled)"),
                                  QStringLiteral("Forget MFA session (disabled)"),
                                  QStringLiteral("----"),
                                  QStringLiteral("Profiles and keys…"),
                                  QStringLiteral("Recent use…"),
                                  QStringLiteral("[ ] Start at login"),
                                  QStringLiteral("----"),
                                  QStringLiteral("Quit")};
    QTest::addRow("one profile") << 0
                                 << QStringList{QStringLiteral("status: No active profile"),
                                                QStringLiteral("----"), QStringLiteral("( ) base")}
                    + actionLines(false);
    QTest::addRow("eight profiles stay one flat list")
            << 7
            << QStringList{QStringLiteral("status: No active profile"),
                           QStringLiteral("----"),
                           QStringLiteral("( ) base"),
                           QStringLiteral("( ) role1"),
                           QStringLiteral("( ) role2"),
                           QStringLiteral("( ) role3"),
                           QStringLiteral("( ) role4"),
                           QStringLiteral("( ) role5"),
                           QStringLiteral("( ) role6"),
                           QStringLiteral("( ) role7")}
                    + actionLines(false);
}

void tst_TrayController::menuForProfileCounts()
{
    QFETCH(int, roles);
    QFETCH(QStringList, expected);

    BrokerRig rig;
    QList<Profile> profiles;
    if (roles >= 0)
        profiles << mfaBase();
    for (int i = 1; i <= roles; ++i)
        profiles << roleProfile(mfaBase(), QStringLiteral("role%1").arg(i),
                                QStringLiteral("Role%1").arg(i));
    rig.broker->setProfiles(profiles);
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QCOMPARE(describe(controller.menuEntries()), expected);
    QCOMPARE(controller.iconState(), IconState::Idle);
    QCOMPARE(controller.toolTip(), QStringLiteral("imsa — no active profile"));
}

void tst_TrayController::manyProfilesAreGroupedByBaseIdentity()
{
    BrokerRig rig;
    const Profile alice = mfaBase();
    Profile ci = baseProfile(false, QStringLiteral("ci"));
    QList<Profile> profiles{alice};
    for (const char *name : {"dev", "prod", "audit", "billing", "network"})
        profiles << roleProfile(alice, QLatin1StringView(name), QStringLiteral("Admin"));
    profiles << ci;
    for (const char *name : {"ci-deploy", "ci-read"})
        profiles << roleProfile(ci, QLatin1StringView(name), QStringLiteral("Deployer"));
    // A second MFA device on the same keys is a second identity under the same key profile.
    Profile otherDevice =
            roleProfile(alice, QStringLiteral("yubikey-prod"), QStringLiteral("Admin"));
    otherDevice.mfaSerial = QStringLiteral("arn:aws:iam::123456789012:mfa/yubikey");
    profiles << otherDevice;
    rig.broker->setProfiles(profiles);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));

    Tray tray(rig);
    TrayController &controller = tray.controller;
    const QStringList lines = describe(controller.menuEntries());
    const QStringList expected{QStringLiteral("section: base (MFA alice)"),
                               QStringLiteral("( ) base"),
                               QStringLiteral("( ) dev"),
                               QStringLiteral("(x) prod"),
                               QStringLiteral("( ) audit"),
                               QStringLiteral("( ) billing"),
                               QStringLiteral("( ) network"),
                               QStringLiteral("section: ci"),
                               QStringLiteral("( ) ci"),
                               QStringLiteral("( ) ci-deploy"),
                               QStringLiteral("( ) ci-read"),
                               QStringLiteral("section: base (MFA yubikey)"),
                               QStringLiteral("( ) yubikey-prod")};
    QCOMPARE(lines.mid(2, expected.size()), expected);
    QCOMPARE(lines.mid(2 + expected.size()), actionLines(true));
}

void tst_TrayController::eachState_data()
{
    QTest::addColumn<QString>("state");
    QTest::addColumn<IconState>("icon");
    QTest::addColumn<QString>("toolTip");

    QTest::addRow("fetching") << QStringLiteral("fetching") << IconState::Active
                              << QStringLiteral(
                                         "imsa — ci-deploy (role Deployer) · getting credentials…");
    QTest::addRow("needs MFA") << QStringLiteral("needs-mfa") << IconState::NeedsMfa
                               << QStringLiteral("imsa — prod (role Admin) · MFA code needed");
    QTest::addRow("ready with a role on an MFA session")
            << QStringLiteral("ready") << IconState::Active
            << QStringLiteral("imsa — prod (role Admin) · credentials renew automatically · MFA "
                              "session ends in 3 h 12 min");
    QTest::addRow("ready without MFA")
            << QStringLiteral("ready-no-mfa") << IconState::Active
            << QStringLiteral("imsa — ci-deploy (role Deployer) · credentials renew automatically");
    QTest::addRow("base profile serving its own MFA session")
            << QStringLiteral("ready-base") << IconState::Active
            << QStringLiteral("imsa — base · MFA session ends in 3 h 12 min");
    QTest::addRow("failed")
            << QStringLiteral("failed") << IconState::Error
            << QStringLiteral("imsa — prod (role Admin) · Access denied: User alice is not "
                              "authorized to perform sts:AssumeRole");
    QTest::addRow("expiring")
            << QStringLiteral("expiring") << IconState::Expiring
            << QStringLiteral("imsa — prod (role Admin) · credentials renew automatically · MFA "
                              "session ends in 9 min");
}

void tst_TrayController::eachState()
{
    QFETCH(QString, state);
    QFETCH(IconState, icon);
    QFETCH(QString, toolTip);

    BrokerRig rig;
    const Profile base = mfaBase();
    const Profile ci = baseProfile(false, QStringLiteral("ci"));
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin")), ci,
             roleProfile(ci, QStringLiteral("ci-deploy"), QStringLiteral("Deployer"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QSignalSpy changed(&controller, &TrayController::changed);
    const QString prod = QStringLiteral("prod");

    if (state == QLatin1StringView("fetching")) {
        rig.sts.setHolding(true);
        QVERIFY(rig.activateWithCode(QStringLiteral("ci-deploy")));
    } else if (state == QLatin1StringView("needs-mfa")) {
        rig.broker->setActiveProfile(prod);
        QVERIFY(rig.settle());
    } else if (state == QLatin1StringView("ready")) {
        QVERIFY(rig.activateWithCode(prod));
    } else if (state == QLatin1StringView("ready-no-mfa")) {
        QVERIFY(rig.activateWithCode(QStringLiteral("ci-deploy")));
    } else if (state == QLatin1StringView("ready-base")) {
        QVERIFY(rig.activateWithCode(QStringLiteral("base")));
    } else if (state == QLatin1StringView("failed")) {
        rig.broker->setActiveProfile(prod);
        QVERIFY(rig.settle());
        rig.broker->submitMfaCode(prod, validCode);
        rig.sts.failNext({StsErrorCode::AccessDenied, QStringLiteral("AccessDenied"),
                          QStringLiteral("User alice is not authorized to perform sts:AssumeRole"),
                          403});
        QVERIFY(rig.settle());
    } else if (state == QLatin1StringView("expiring")) {
        QVERIFY(rig.activateWithCode(prod));
        QVERIFY(rig.advance((3 * 60 + 3) * 60));
    }
    QCOMPARE(controller.toolTip(), toolTip);
    QCOMPARE(controller.iconState(), icon);
    QCOMPARE(controller.statusText(), toolTip.mid(QStringLiteral("imsa — ").size()));
    QVERIFY(!changed.isEmpty());
    const QList<MenuEntry> entries = controller.menuEntries();
    QCOMPARE(entries.first().text, controller.statusText());
}

void tst_TrayController::countdownAtChosenTimes_data()
{
    QTest::addColumn<int>("after");
    QTest::addColumn<QString>("status");

    const QString prefix = QStringLiteral("prod (role Admin) · credentials renew automatically · ");
    QTest::addRow("at the start") << 0 << prefix + QStringLiteral("MFA session ends in 3 h 12 min");
    QTest::addRow("a second later the minute is still started")
            << 1 << prefix + QStringLiteral("MFA session ends in 3 h 12 min");
    QTest::addRow("a minute later")
            << 60 << prefix + QStringLiteral("MFA session ends in 3 h 11 min");
    QTest::addRow("one hour left")
            << (2 * 60 + 12) * 60 << prefix + QStringLiteral("MFA session ends in 1 h 0 min");
    QTest::addRow("59 minutes and a second left")
            << (2 * 60 + 12) * 60 + 59 << prefix + QStringLiteral("MFA session ends in 1 h 0 min");
    QTest::addRow("59 minutes left")
            << (2 * 60 + 13) * 60 << prefix + QStringLiteral("MFA session ends in 59 min");
    QTest::addRow("half a minute left")
            << (3 * 60 + 12) * 60 - 30 << prefix + QStringLiteral("MFA session ends in 1 min");
}

void tst_TrayController::countdownAtChosenTimes()
{
    QFETCH(int, after);
    QFETCH(QString, status);

    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QSignalSpy changed(&controller, &TrayController::changed);
    QVERIFY(rig.advance(after));
    QCOMPARE(controller.statusText(), status);
    if (after > 0)
        QVERIFY(!changed.isEmpty());
}

void tst_TrayController::sessionEndIsAnnouncedOnceAndClickOpensTheDialog()
{
    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QSignalSpy notifications(&controller, &TrayController::notificationRequested);
    QSignalSpy dialogs(&controller, &TrayController::mfaDialogRequested);

    QVERIFY(rig.advance((3 * 60 + 1) * 60)); // 11 min left
    QCOMPARE(notifications.size(), 0);
    QVERIFY(rig.advance(60)); // 10 min left
    QCOMPARE(notifications.size(), 1);
    auto soon = notifications.takeFirst().first().value<Notification>();
    QCOMPARE(soon.title, QStringLiteral("MFA session ends soon"));
    QCOMPARE(soon.message,
             QStringLiteral("The MFA session of prod ends in 10 min. Click to renew it now."));
    QCOMPARE(soon.mfaProfile, QStringLiteral("prod"));
    QCOMPARE(controller.iconState(), IconState::Expiring);

    QVERIFY(rig.advance(9 * 60));
    QCOMPARE(notifications.size(), 0);
    QVERIFY(rig.advance(60)); // the end
    QCOMPARE(notifications.size(), 1);
    const auto ended = notifications.takeFirst().first().value<Notification>();
    QCOMPARE(ended.title, QStringLiteral("MFA session ended"));
    QCOMPARE(ended.message, QStringLiteral("prod needs a new MFA code. Click to renew."));
    QCOMPARE(ended.severity, Notification::Severity::Warning);
    QVERIFY(rig.advance(5 * 60));
    QCOMPARE(notifications.size(), 0);

    dialogs.clear();
    controller.handleMessageClicked();
    QCOMPARE(dialogs.size(), 1);
    QCOMPARE(dialogs.first().at(0).toString(), QStringLiteral("prod"));
    QCOMPARE(dialogs.first().at(1).toString(), aliceMfaSerial);
}

void tst_TrayController::logoutIsNotAnnouncedAsAnEnd()
{
    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QSignalSpy notifications(&controller, &TrayController::notificationRequested);
    controller.trigger(MenuEntry::Action::ForgetMfa);
    QVERIFY(rig.settle());
    QVERIFY(rig.advance(4 * 3600, 600));
    QCOMPARE(notifications.size(), 0);
    QCOMPARE(controller.iconState(), IconState::Idle);
    QVERIFY(!rig.broker->status(QStringLiteral("prod")).mfaSessionExpiration.isValid());
}

void tst_TrayController::refreshFailureIsAnnouncedOncePerStreak()
{
    BrokerRig rig;
    const Profile ci = baseProfile(false, QStringLiteral("ci"));
    rig.broker->setProfiles(
            {ci, roleProfile(ci, QStringLiteral("deploy"), QStringLiteral("Deployer"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("deploy")));
    QSignalSpy notifications(&controller, &TrayController::notificationRequested);

    rig.sts.failNext({StsErrorCode::Network, {}, QStringLiteral("Connection refused"), 0}, 3);
    QVERIFY(rig.advance(41 * 60, 5)); // past the refresh point, through three retries
    QCOMPARE(rig.sts.count(QLatin1StringView("AssumeRole")), 5);
    QCOMPARE(notifications.size(), 1);
    const auto failure = notifications.first().first().value<Notification>();
    QCOMPARE(failure.title, QStringLiteral("Could not renew the credentials of deploy"));
    QCOMPARE(failure.message, QStringLiteral("Cannot reach AWS STS: Connection refused"));
    QCOMPARE(controller.iconState(), IconState::Active);

    rig.sts.failNext({StsErrorCode::Network, {}, QStringLiteral("Connection refused"), 0});
    QVERIFY(rig.advance(41 * 60, 5));
    QCOMPARE(notifications.size(), 2);
}

void tst_TrayController::newWarningsBecomeNotifications()
{
    BrokerRig rig;
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QSignalSpy notifications(&controller, &TrayController::notificationRequested);
    const QString helper =
            QStringLiteral("could not serve on 169.254.169.254:80: permission denied");
    controller.setWarnings({helper});
    controller.setWarnings({helper});
    QCOMPARE(notifications.size(), 1);
    const auto warning = notifications.first().first().value<Notification>();
    QCOMPARE(warning.message, helper);
    QCOMPARE(warning.severity, Notification::Severity::Warning);
    controller.setWarnings({helper, QStringLiteral("key store: using a file")});
    QCOMPARE(notifications.size(), 2);
}

void tst_TrayController::mfaRoundTrip()
{
    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QSignalSpy dialogs(&controller, &TrayController::mfaDialogRequested);
    QSignalSpy rejected(&controller, &TrayController::mfaCodeRejected);
    QSignalSpy satisfied(&controller, &TrayController::mfaSatisfied);
    QSignalSpy chosen(&controller, &TrayController::activeProfileChosen);

    controller.activateProfile(QStringLiteral("prod"));
    QVERIFY(rig.settle());
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(dialogs.size(), 1);
    QCOMPARE(dialogs.first(), (QVariantList{QStringLiteral("prod"), aliceMfaSerial}));
    QCOMPARE(controller.iconState(), IconState::NeedsMfa);

    controller.submitMfaCode(QStringLiteral("prod"), QStringLiteral("000000"));
    QVERIFY(rig.settle());
    QCOMPARE(rejected.size(), 1);
    QCOMPARE(rejected.first().at(1).toString(),
             QStringLiteral("AWS did not accept the MFA code: MultiFactorAuthentication failed "
                            "with invalid MFA one time pass code."));
    QCOMPARE(satisfied.size(), 0);

    controller.submitMfaCode(QStringLiteral("prod"), validCode);
    QVERIFY(rig.settle());
    QCOMPARE(satisfied.size(), 1);
    QCOMPARE(controller.iconState(), IconState::Active);

    controller.activateProfile(QStringLiteral("no-such-profile"));
    QCOMPARE(chosen.size(), 1);
}

void tst_TrayController::actions_data()
{
    QTest::addColumn<MenuEntry::Action>("action");
    QTest::addColumn<QString>("copied");
    QTest::addColumn<int>("assumeRoleCalls");

    QTest::addRow("copy export command") << MenuEntry::Action::CopyExport
                                         << QStringLiteral("eval \"$(imsa export 'prod')\"") << 1;
    QTest::addRow("copy env command")
            << MenuEntry::Action::CopyEnv << QStringLiteral("eval \"$(imsa env 'prod')\"") << 1;
    QTest::addRow("renew now") << MenuEntry::Action::RenewNow << QString() << 2;
}

void tst_TrayController::actions()
{
    QFETCH(MenuEntry::Action, action);
    QFETCH(QString, copied);
    QFETCH(int, assumeRoleCalls);

    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QSignalSpy copies(&controller, &TrayController::copyRequested);
    controller.trigger(action);
    QVERIFY(rig.settle());
    QCOMPARE(copies.size(), copied.isEmpty() ? 0 : 1);
    if (!copied.isEmpty())
        QCOMPARE(copies.first().first().toString(), copied);
    QCOMPARE(rig.sts.count(QLatin1StringView("AssumeRole")), assumeRoleCalls);
    QCOMPARE(rig.sts.count(QLatin1StringView("GetSessionToken")), 1);

    QSignalSpy consoles(&controller, &TrayController::consoleRequested);
    controller.trigger(MenuEntry::Action::OpenConsole);
    QCOMPARE(consoles.size(), 1);
    QCOMPARE(consoles.first().first().toString(), QStringLiteral("prod"));

    QSignalSpy quit(&controller, &TrayController::quitRequested);
    QSignalSpy window(&controller, &TrayController::profilesWindowRequested);
    controller.trigger(MenuEntry::Action::ProfilesWindow);
    controller.trigger(MenuEntry::Action::Quit);
    QCOMPARE(window.size(), 1);
    QCOMPARE(quit.size(), 1);
}

void tst_TrayController::consoleNeedsARoleAndFailuresAreNotified()
{
    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles(
            {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    const auto consoleEntry = [&controller] {
        for (const MenuEntry &entry : controller.menuEntries()) {
            if (entry.action == MenuEntry::Action::OpenConsole)
                return entry;
        }
        return MenuEntry{};
    };
    // AWS signs in only role credentials: not for the MFA-only base profile.
    QVERIFY(rig.activateWithCode(QStringLiteral("base")));
    QCOMPARE(consoleEntry().text, QStringLiteral("Open AWS console"));
    QVERIFY(!consoleEntry().enabled);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QVERIFY(consoleEntry().enabled);

    QSignalSpy notifications(&controller, &TrayController::notificationRequested);
    controller.showConsoleFailure(QStringLiteral("prod"), QStringLiteral("what to do"));
    QCOMPARE(notifications.size(), 1);
    const auto notification = notifications.first().first().value<Notification>();
    QCOMPARE(notification.title, QStringLiteral("Could not open the AWS console as prod"));
    QCOMPARE(notification.message, QStringLiteral("what to do"));
}

void tst_TrayController::copiedCommandsPassTheProfileNameVerbatim_data()
{
    QTest::addColumn<MenuEntry::Action>("action");
    QTest::addColumn<QString>("command");

    QTest::addRow("copy export command")
            << MenuEntry::Action::CopyExport << QStringLiteral("export");
    QTest::addRow("copy env command") << MenuEntry::Action::CopyEnv << QStringLiteral("env");
}

void tst_TrayController::copiedCommandsPassTheProfileNameVerbatim()
{
    QFETCH(MenuEntry::Action, action);
    QFETCH(QString, command);

    // A name a shell would otherwise split, substitute and run: every payload would leave a file.
    const QString name = QStringLiteral("it's \"a\" $(touch dollar) `touch backtick` x");
    BrokerRig rig;
    const Profile base = mfaBase();
    rig.broker->setProfiles({base, roleProfile(base, name, QStringLiteral("Admin"))});
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(name));

    // What TrayApp does with the text: the user pastes it from the clipboard.
    QClipboard *clipboard = QGuiApplication::clipboard();
    clipboard->clear();
    connect(&controller, &TrayController::copyRequested, clipboard,
            [clipboard](const QString &text) {
                clipboard->setText(text);
            });
    controller.trigger(action);
    const QString pasted = clipboard->text();
    QVERIFY2(pasted.startsWith(QStringLiteral("eval \"$(imsa %1 ").arg(command)),
             qPrintable(pasted));

    // A stand-in imsa that records its arguments, one per line, and prints nothing to eval.
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile stub(dir.filePath(QStringLiteral("imsa")));
    QVERIFY(stub.open(QIODevice::WriteOnly));
    stub.write("#!/bin/sh\nprintf '%s\\n' \"$#\" \"$@\" > \"$IMSA_TEST_ARGS\"\n");
    stub.close();
    QVERIFY(stub.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
    const QString arguments = dir.filePath(QStringLiteral("arguments"));

    QProcess shell;
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("PATH"), dir.path() + QStringLiteral(":/usr/bin:/bin"));
    environment.insert(QStringLiteral("IMSA_TEST_ARGS"), arguments);
    shell.setProcessEnvironment(environment);
    shell.setWorkingDirectory(dir.path());
    shell.start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), pasted});
    QVERIFY(shell.waitForFinished(10000));
    QCOMPARE(shell.exitStatus(), QProcess::NormalExit);
    QCOMPARE(shell.exitCode(), 0);
    QCOMPARE(shell.readAllStandardError(), QByteArray());

    QFile recorded(arguments);
    QVERIFY(recorded.open(QIODevice::ReadOnly));
    QCOMPARE(QString::fromUtf8(recorded.readAll()),
             QStringLiteral("2\n%1\n%2\n").arg(command, name));
    for (const char *payload : {"dollar", "backtick"})
        QVERIFY2(!QFile::exists(dir.filePath(QLatin1StringView(payload))), payload);
}

void tst_TrayController::switchingProfilesIsRemembered()
{
    BrokerRig rig;
    rig.broker->setProfiles(devAndProd());
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QSignalSpy chosen(&controller, &TrayController::activeProfileChosen);
    QVERIFY(rig.activateWithCode(QStringLiteral("dev")));
    controller.activateProfile(QStringLiteral("prod"));
    QVERIFY(rig.settle());
    QCOMPARE(chosen.size(), 1);
    QCOMPARE(chosen.first().first().toString(), QStringLiteral("prod"));
    QCOMPARE(rig.sts.count(QLatin1StringView("GetSessionToken")), 1);
    const QStringList lines = describe(controller.menuEntries());
    QVERIFY(lines.contains(QStringLiteral("(x) prod")));
    QVERIFY(lines.contains(QStringLiteral("( ) dev")));
}

void tst_TrayController::switchFromTheCommandLineShowsAtOnce()
{
    BrokerRig rig;
    rig.broker->setProfiles(devAndProd());
    Tray tray(rig);
    TrayController &controller = tray.controller;
    QVERIFY(rig.activateWithCode(QStringLiteral("dev")));
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QVERIFY(controller.statusText().startsWith(QStringLiteral("prod ")));

    // What `imsa assume dev` does through the control socket: dev is ready already, so its
    // status does not change; only the switch itself can tell the tray.
    QSignalSpy changed(&controller, &TrayController::changed);
    rig.broker->setActiveProfile(QStringLiteral("dev"));
    QVERIFY(rig.settle());
    QVERIFY(!changed.isEmpty());
    QVERIFY2(controller.statusText().startsWith(QStringLiteral("dev ")),
             qPrintable(controller.statusText()));
    QVERIFY(describe(controller.menuEntries()).contains(QStringLiteral("(x) dev")));
}

void tst_TrayController::startAtLoginToggles()
{
    BrokerRig rig;
    Tray tray(rig);
    TrayController &controller = tray.controller;
    const QString entry = m_config.path() + QStringLiteral("/autostart/imsa.desktop");
    const auto startAtLogin = [&controller] {
        for (const MenuEntry &line : controller.menuEntries()) {
            if (line.action == MenuEntry::Action::StartAtLogin)
                return line.checked;
        }
        return false;
    };
    QVERIFY(!startAtLogin());
    controller.trigger(MenuEntry::Action::StartAtLogin);
    QVERIFY(QFile::exists(entry));
    QVERIFY(startAtLogin());
    controller.trigger(MenuEntry::Action::StartAtLogin);
    QVERIFY(!QFile::exists(entry));
    QVERIFY(!startAtLogin());
}

QTEST_MAIN(tst_TrayController)
#include "tst_traycontroller.moc"
