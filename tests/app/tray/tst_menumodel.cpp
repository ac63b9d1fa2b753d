#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "tray/menumodel.h"

using namespace imsa;
using namespace imsa::test;
using namespace imsa::tray;

namespace {

/// 3 h 12 min of usable session: AWS's expiry is 15 min later (CredentialBroker::minServeSeconds).
constexpr int sessionSeconds = (3 * 60 + 12 + 15) * 60;

QList<Profile> profiles()
{
    Profile base = baseProfile(true, QStringLiteral("base"));
    base.mfaSessionDurationSeconds = sessionSeconds;
    return {base, roleProfile(base, QStringLiteral("dev"), QStringLiteral("Dev")),
            roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))};
}

/// The entries of one kind, as "text", "text (checked)" or "text (disabled)".
QStringList linesOf(const QList<MenuEntry> &entries, MenuEntry::Kind kind)
{
    QStringList lines;
    for (const MenuEntry &entry : entries) {
        if (entry.kind != kind)
            continue;
        QString line = entry.text;
        if (entry.checked)
            line += QStringLiteral(" (checked)");
        if (!entry.enabled)
            line += QStringLiteral(" (disabled)");
        lines << line;
    }
    return lines;
}

const MenuEntry *findAction(const QList<MenuEntry> &entries, MenuEntry::Action action)
{
    for (const MenuEntry &entry : entries) {
        if (entry.action == action)
            return &entry;
    }
    return nullptr;
}

} // namespace

class tst_MenuModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void followsTheBrokerWithoutBeingTold();
    void actionsApplyOnlyWithSomethingToActOn_data();
    void actionsApplyOnlyWithSomethingToActOn();
    void activeProfileCountsDownToTheSessionEnd();
    void profilesAreLookedUpByName();
    void identityCenterAccountsGoToThePicker();

private:
    QTemporaryDir m_config;
};

void tst_MenuModel::initTestCase()
{
    // The "Start at login" entry reads the autostart directory: an empty one of this test's.
    QVERIFY(m_config.isValid());
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(m_config.path()));
    qputenv("XDG_CONFIG_DIRS", QFile::encodeName(m_config.path() + QStringLiteral("/none")));
}

void tst_MenuModel::followsTheBrokerWithoutBeingTold()
{
    BrokerRig rig;
    const MenuModel model(*rig.broker, rig.clock);
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Status),
             QStringList{QStringLiteral("No active profile (disabled)")});
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile), QStringList());

    // No signal reaches the model: every call reads the broker afresh.
    rig.broker->setProfiles(profiles());
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile),
             (QStringList{QStringLiteral("base"), QStringLiteral("dev"), QStringLiteral("prod")}));
    QVERIFY(rig.activateWithCode(QStringLiteral("dev")));
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile),
             (QStringList{QStringLiteral("base"), QStringLiteral("dev (checked)"),
                          QStringLiteral("prod")}));
    QCOMPARE(model.entries().constFirst().text, model.statusText());
    QVERIFY2(model.statusText().startsWith(QStringLiteral("dev (role Dev) · ")),
             qPrintable(model.statusText()));
}

void tst_MenuModel::actionsApplyOnlyWithSomethingToActOn_data()
{
    QTest::addColumn<bool>("withProfiles");
    QTest::addColumn<QString>("active");
    QTest::addColumn<bool>("actOnActive");
    QTest::addColumn<bool>("forget");

    QTest::addRow("no profiles") << false << QString() << false << false;
    QTest::addRow("profiles, none active") << true << QString() << false << true;
    QTest::addRow("an active profile") << true << QStringLiteral("prod") << true << true;
}

void tst_MenuModel::actionsApplyOnlyWithSomethingToActOn()
{
    QFETCH(bool, withProfiles);
    QFETCH(QString, active);
    QFETCH(bool, actOnActive);
    QFETCH(bool, forget);

    BrokerRig rig;
    if (withProfiles)
        rig.broker->setProfiles(profiles());
    if (!active.isEmpty())
        QVERIFY(rig.activateWithCode(active));
    const MenuModel model(*rig.broker, rig.clock);
    const QList<MenuEntry> entries = model.entries();
    for (const auto action :
         {MenuEntry::Action::RenewNow, MenuEntry::Action::CopyExport, MenuEntry::Action::CopyEnv}) {
        const MenuEntry *entry = findAction(entries, action);
        QVERIFY(entry);
        QCOMPARE(entry->enabled, actOnActive);
    }
    QCOMPARE(findAction(entries, MenuEntry::Action::ForgetMfa)->enabled, forget);
    for (const auto action : {MenuEntry::Action::ProfilesWindow, MenuEntry::Action::RecentUse,
                              MenuEntry::Action::StartAtLogin, MenuEntry::Action::Quit}) {
        const MenuEntry *entry = findAction(entries, action);
        QVERIFY(entry);
        QVERIFY(entry->enabled);
    }
    QVERIFY(findAction(entries, MenuEntry::Action::StartAtLogin)->checkable);
    QVERIFY(!findAction(entries, MenuEntry::Action::StartAtLogin)->checked);
}

void tst_MenuModel::activeProfileCountsDownToTheSessionEnd()
{
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    const MenuModel model(*rig.broker, rig.clock);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    const QDateTime start = rig.clock.now();

    const MenuModel::Active active = model.active();
    QCOMPARE(active.name, QStringLiteral("prod"));
    QCOMPARE(active.sessionEnd, start.addSecs((3 * 60 + 12) * 60));
    QCOMPARE(active.sessionEnd,
             active.status.mfaSessionExpiration.addSecs(-CredentialBroker::minServeSeconds));
    QCOMPARE(model.statusParts(active),
             (QStringList{QStringLiteral("prod (role Admin)"),
                          QStringLiteral("credentials renew automatically"),
                          QStringLiteral("MFA session ends in 3 h 12 min")}));

    QVERIFY(rig.advance((3 * 60 + 2) * 60));
    QCOMPARE(model.statusParts(model.active()).last(),
             QStringLiteral("MFA session ends in 10 min"));
    QCOMPARE(model.statusParts(MenuModel::Active{}),
             QStringList{QStringLiteral("no active profile")});
}

void tst_MenuModel::profilesAreLookedUpByName()
{
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    const MenuModel model(*rig.broker, rig.clock);
    QCOMPARE(model.profile(QStringLiteral("prod")).roleArn,
             QStringLiteral("arn:aws:iam::123456789012:role/Admin"));
    QCOMPARE(model.profile(QStringLiteral("prod")).mfaSerial, aliceMfaSerial);
    QCOMPARE(model.profile(QStringLiteral("no-such-profile")).name, QString());
}

void tst_MenuModel::identityCenterAccountsGoToThePicker()
{
    BrokerRig rig;
    QList<Profile> all = profiles();
    for (int i = 0; i < 20; ++i) {
        Profile listed;
        listed.name = QStringLiteral("account-%1/Admin").arg(i, 2, 10, QLatin1Char('0'));
        listed.source = ProfileSource::IdentityCenter;
        listed.keyProfile = listed.name;
        listed.sso = {QStringLiteral("corp"),
                      QStringLiteral("https://corp.awsapps.com/start"),
                      QStringLiteral("eu-west-1"),
                      {},
                      QStringLiteral("1000000000%1").arg(i, 2, 10, QLatin1Char('0')),
                      QStringLiteral("Admin")};
        all.append(listed);
    }
    rig.broker->setProfiles(all);
    MenuModel model(*rig.broker, rig.clock);
    QVERIFY(!findAction(model.entries(), MenuEntry::Action::AccountPicker));
    model.setHasSsoSignIns(true);
    QVERIFY(findAction(model.entries(), MenuEntry::Action::AccountPicker));
    // Twenty listed roles stay out of the menu; the files' profiles are there.
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile),
             (QStringList{QStringLiteral("base"), QStringLiteral("dev"), QStringLiteral("prod")}));
    // The one in use is shown, checked.
    QVERIFY(rig.broker->setActiveProfile(QStringLiteral("account-07/Admin")));
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile),
             (QStringList{QStringLiteral("base"), QStringLiteral("dev"), QStringLiteral("prod"),
                          QStringLiteral("account-07/Admin (checked)")}));

    // A short list fits the menu: nothing hidden.
    rig.broker->setProfiles(all.mid(0, 5));
    QCOMPARE(linesOf(model.entries(), MenuEntry::Kind::Profile).size(), 5);
}

QTEST_GUILESS_MAIN(tst_MenuModel)
#include "tst_menumodel.moc"
