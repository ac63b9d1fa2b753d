#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "fakes/fakeclock.h"
#include "imsa/ssorolecredentials.h"
#include "imsa/ssotokencache.h"
#include "pagedportal.h"
#include "service/profilestore.h"
#include "service/ssoaccountprofiles.h"

using namespace imsa;
using namespace imsa::app;
using namespace Qt::StringLiterals;
using imsa::test::FakeClock;
using imsa::test::PagedPortal;

namespace {

/// One session, corp, and one profile of it whose region the listed profiles take.
const QByteArray corpConfig = "[sso-session corp]\n"
                              "sso_start_url = https://corp.awsapps.com/start\n"
                              "sso_region = eu-west-1\n"
                              "[profile dev-admin]\n"
                              "sso_session = corp\n"
                              "sso_account_id = 111111111111\n"
                              "sso_role_name = Admin\n"
                              "region = eu-central-1\n";

SsoAccount account(const QString &id, const QString &name)
{
    return {id, name, {}};
}

} // namespace

// SsoAccountProfiles with the ProfileStore: the accounts and roles of a signed-in session as
// "ACCOUNT-NAME/ROLE" profiles beside those of the files.
class tst_SsoAccountProfiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void listedRolesBecomeProfiles();
    void notSignedInListsNothing();
    void aFailedListingKeepsTheLastList();
    void aSessionRemovedFromTheFileTakesItsProfiles();

private:
    void writeConfig(const QByteArray &text);
    void signIn();
    /// Runs refresh() to its end (bounded); whether `done` ran.
    bool refresh();
    QStringList listedNames() const;

    std::unique_ptr<QTemporaryDir> m_dir;
    FakeClock m_clock;
    PagedPortal m_portal;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<SsoRoleCredentials> m_tokens;
    std::unique_ptr<SsoAccountProfiles> m_accounts;
};

void tst_SsoAccountProfiles::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_portal = {};
    m_portal.accountPages = {
            {{account(u"111111111111"_s, u"dev"_s), account(u"222222222222"_s, u"Shared Name"_s),
              account(u"333333333333"_s, u"Shared Name"_s)},
             {}}};
    m_portal.rolePages = {{u"111111111111"_s, {{u"Admin"_s, u"ReadOnly"_s}}},
                          {u"222222222222"_s, {{u"ReadOnly"_s}}},
                          {u"333333333333"_s, {{u"ReadOnly"_s}}}};
    writeConfig(corpConfig);
    ConfigPaths paths;
    paths.imsaFile = m_dir->filePath(u"imsa"_s);
    paths.awsConfigFile = m_dir->filePath(u"config"_s);
    paths.awsCredentialsFile = m_dir->filePath(u"credentials"_s);
    m_store = std::make_unique<ProfileStore>(paths);
    m_store->load();
    m_tokens = std::make_unique<SsoRoleCredentials>(m_portal, m_clock, m_dir->filePath(u"cache"_s),
                                                    QProcessEnvironment());
    m_accounts = std::make_unique<SsoAccountProfiles>(*m_store, *m_tokens, m_portal,
                                                      QProcessEnvironment());
}

void tst_SsoAccountProfiles::cleanup()
{
    m_accounts.reset();
    m_tokens.reset();
    m_store.reset();
    m_dir.reset();
}

void tst_SsoAccountProfiles::writeConfig(const QByteArray &text)
{
    QFile file(m_dir->filePath(u"config"_s));
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(text);
}

void tst_SsoAccountProfiles::signIn()
{
    SsoCachedToken token;
    token.startUrl = u"https://corp.awsapps.com/start"_s;
    token.region = u"eu-west-1"_s;
    token.accessToken = u"access"_s;
    token.expiresAt = m_clock.now().addSecs(3600);
    QVERIFY(writeSsoCachedToken(m_dir->filePath(u"cache"_s), u"corp"_s, token));
}

bool tst_SsoAccountProfiles::refresh()
{
    bool done = false;
    QObject context;
    m_accounts->refresh(&context, [&done] {
        done = true;
    });
    return QTest::qWaitFor(
            [&done] {
                return done;
            },
            2000);
}

QStringList tst_SsoAccountProfiles::listedNames() const
{
    QStringList names;
    for (const Profile &profile : m_store->profiles().profiles) {
        if (profile.source == ProfileSource::IdentityCenter)
            names.append(profile.name);
    }
    return names;
}

void tst_SsoAccountProfiles::listedRolesBecomeProfiles()
{
    signIn();
    QSignalSpy changed(m_store.get(), &ProfileStore::changed);
    QVERIFY(refresh());
    QCOMPARE(changed.size(), 1);
    // A name two accounts share gets the id; the shell-unfriendly blank becomes '-'.
    QCOMPARE(listedNames(),
             (QStringList{u"dev/Admin"_s, u"dev/ReadOnly"_s, u"Shared-Name-222222222222/ReadOnly"_s,
                          u"Shared-Name-333333333333/ReadOnly"_s}));
    const Profile *listed = m_store->profiles().find(u"dev/ReadOnly"_s);
    QVERIFY(listed);
    QCOMPARE(listed->sso.tokenCacheKey(), u"corp"_s);
    QCOMPARE(listed->sso.accountId, u"111111111111"_s);
    QCOMPARE(listed->sso.roleName, u"ReadOnly"_s);
    QCOMPARE(listed->region, u"eu-central-1"_s); // that of dev-admin, the session's profile
    // The files' profile is still there, first.
    QCOMPARE(m_store->profiles().profiles.first().name, u"dev-admin"_s);
    QVERIFY(m_accounts->errors().isEmpty());

    // The same list again changes nothing.
    QVERIFY(refresh());
    QCOMPARE(changed.size(), 1);
}

void tst_SsoAccountProfiles::notSignedInListsNothing()
{
    QSignalSpy refreshing(m_accounts.get(), &SsoAccountProfiles::refreshingChanged);
    QVERIFY(refresh());
    QCOMPARE(m_portal.calls, QStringList());
    QCOMPARE(listedNames(), QStringList());
    QCOMPARE(refreshing.size(), 0);
    QVERIFY(!m_tokens->isSignedIn(m_store->profiles().ssoSignIns().constFirst()));
}

void tst_SsoAccountProfiles::aFailedListingKeepsTheLastList()
{
    signIn();
    QVERIFY(refresh());
    const QStringList before = listedNames();
    QCOMPARE(before.size(), 4);
    m_portal.failAccounts = true;
    QVERIFY(refresh());
    QCOMPARE(listedNames(), before);
    QCOMPARE(m_accounts->errors().size(), 1);
    QVERIFY2(m_accounts->errors().constFirst().contains(u"listing the accounts of corp failed"_s),
             qPrintable(m_accounts->errors().constFirst()));
    QVERIFY(!m_accounts->isRefreshing());
}

void tst_SsoAccountProfiles::aSessionRemovedFromTheFileTakesItsProfiles()
{
    signIn();
    QVERIFY(refresh());
    QCOMPARE(listedNames().size(), 4);
    QSignalSpy changed(m_store.get(), &ProfileStore::changed);
    writeConfig("[profile other]\nregion = eu-west-1\n");
    QVERIFY(changed.wait(5000));
    QCOMPARE(listedNames(), QStringList());
}

QTEST_GUILESS_MAIN(tst_SsoAccountProfiles)
#include "tst_ssoaccountprofiles.moc"
