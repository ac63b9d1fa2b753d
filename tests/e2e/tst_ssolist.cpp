#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "e2eenvironment.h"

using namespace imsa::test;
using namespace Qt::StringLiterals;

// `imsa sso list`, `imsa sso profiles` and the end of a session on `imsa logout`, against the
// stand-in's IAM Identity Center portal after a real `imsa login`.
class tst_SsoList : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void listBeforeSignInSaysHowToSignIn();
    void listShowsEveryAccountAndRole();
    void listWalksEveryPage();
    void profilesAreConfigTheToolsRead();
    void logoutEndsTheSession();

private:
    /// The stand-in (with `standInArguments`), the app, and a sign-in to session corp.
    void startSignedIn(const QStringList &standInArguments = {});
    QJsonArray listJson();

    std::unique_ptr<E2eEnvironment> m_env;
};

namespace { } // namespace

void tst_SsoList::init()
{
    m_env = std::make_unique<E2eEnvironment>();
    m_env->writeFile(u"home/.aws/config"_s, E2eEnvironment::ssoConfig);
}

void tst_SsoList::cleanup()
{
    m_env.reset();
}

void tst_SsoList::startSignedIn(const QStringList &standInArguments)
{
    QVERIFY2(m_env->startSsoStandIn(standInArguments), qPrintable(m_env->error()));
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    const CommandResult login = m_env->ssoLogin({u"corp"_s, u"--no-browser"_s});
    QVERIFY2(login.exitCode == 0, qPrintable(login.out + login.err));
}

QJsonArray tst_SsoList::listJson()
{
    const CommandResult list = m_env->imsa({u"sso"_s, u"list"_s, u"corp"_s, u"--json"_s});
    if (list.exitCode != 0)
        qWarning().noquote() << list.out << list.err;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(list.out.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning().noquote() << "not JSON:" << list.out;
    return document.array();
}

void tst_SsoList::listBeforeSignInSaysHowToSignIn()
{
    QVERIFY2(m_env->startSsoStandIn(), qPrintable(m_env->error()));
    QVERIFY2(m_env->startApp(), qPrintable(m_env->error()));
    for (const QString &name : {u"corp"_s, u"dev-admin"_s}) {
        const CommandResult list = m_env->imsa({u"sso"_s, u"list"_s, name});
        QCOMPARE(list.exitCode, 1);
        QVERIFY2(list.err.contains(
                         u"not signed in to IAM Identity Center for %1: run imsa login %1"_s.arg(
                                 name)),
                 qPrintable(list.err));
    }
    QCOMPARE(m_env->stsCallCounts().value(u"ListAccounts"_s).toInt(), 0);
}

void tst_SsoList::listShowsEveryAccountAndRole()
{
    startSignedIn();
    if (QTest::currentTestFailed())
        return;
    const CommandResult table = m_env->imsa({u"sso"_s, u"list"_s, u"corp"_s});
    QVERIFY2(table.exitCode == 0, qPrintable(table.out + table.err));
    // Sorted by account name, one line each after the heading.
    const QStringList lines = table.out.split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 4);
    QVERIFY2(lines.at(1).simplified() == u"111111111111 dev AdministratorAccess, ReadOnlyAccess"_s,
             qPrintable(table.out));
    QVERIFY2(lines.at(2).simplified() == u"333333333333 prod ReadOnlyAccess"_s,
             qPrintable(table.out));
    QVERIFY2(lines.at(3).simplified()
                     == u"222222222222 staging AdministratorAccess, ReadOnlyAccess"_s,
             qPrintable(table.out));

    const auto account = [](const char *id, const char *name, QStringList roles) {
        return QJsonObject{
                {u"accountId"_s, QString::fromLatin1(id)},
                {u"accountName"_s, QString::fromLatin1(name)},
                {u"emailAddress"_s, u"aws-%1@example.com"_s.arg(QLatin1StringView(name))},
                {u"roles"_s, QJsonArray::fromStringList(roles)}};
    };
    const QJsonArray expected{
            account("111111111111", "dev", {u"AdministratorAccess"_s, u"ReadOnlyAccess"_s}),
            account("333333333333", "prod", {u"ReadOnlyAccess"_s}),
            account("222222222222", "staging", {u"AdministratorAccess"_s, u"ReadOnlyAccess"_s})};
    QCOMPARE(listJson(), expected);
}

void tst_SsoList::listWalksEveryPage()
{
    startSignedIn({u"--sso-accounts"_s, u"250"_s});
    if (QTest::currentTestFailed())
        return;
    // The app lists the accounts by itself after the sign-in (for the tray's picker and
    // `imsa assume ACCOUNT-NAME/ROLE`); the list below is the second walk.
    QTRY_COMPARE_WITH_TIMEOUT(m_env->stsCallCounts().value(u"ListAccountRoles"_s).toInt(), 250,
                              10'000);
    const QJsonArray accounts = listJson();
    QCOMPARE(accounts.size(), 250);
    QStringList ids;
    for (const auto &value : accounts) {
        const QJsonObject account = value.toObject();
        ids.append(account.value(u"accountId"_s).toString());
        // The stand-in gives even-numbered accounts two roles, the others one.
        const qint64 number = account.value(u"accountId"_s).toString().toLongLong() - 100000000000;
        QCOMPARE(account.value(u"roles"_s).toArray().size(), number % 2 == 0 ? 2 : 1);
    }
    ids.removeDuplicates();
    QCOMPARE(ids.size(), 250);
    QCOMPARE(accounts.first().toObject().value(u"accountName"_s).toString(), u"account-000"_s);
    QCOMPARE(accounts.last().toObject().value(u"accountName"_s).toString(), u"account-249"_s);
    const QJsonObject counts = m_env->stsCallCounts();
    QVERIFY2(counts.value(u"ListAccounts"_s).toInt() > 1, "one page of 250 accounts?");
    QCOMPARE(counts.value(u"ListAccountRoles"_s).toInt(), 500);
}

void tst_SsoList::profilesAreConfigTheToolsRead()
{
    startSignedIn();
    if (QTest::currentTestFailed())
        return;
    const CommandResult sections = m_env->imsa({u"sso"_s, u"profiles"_s, u"dev-admin"_s});
    QVERIFY2(sections.exitCode == 0, qPrintable(sections.out + sections.err));
    QVERIFY2(sections.out.contains(u"[profile staging/ReadOnlyAccess]\nsso_session = corp\n"
                                   u"sso_account_id = 222222222222\n"
                                   u"sso_role_name = ReadOnlyAccess\nregion = eu-west-1\n"_s),
             qPrintable(sections.out));
    m_env->writeFile(u"home/.aws/config"_s,
                     E2eEnvironment::ssoConfig + '\n' + sections.out.toUtf8());

    const QStringList expected{u"dev/AdministratorAccess"_s, u"dev/ReadOnlyAccess"_s,
                               u"prod/ReadOnlyAccess"_s, u"staging/AdministratorAccess"_s,
                               u"staging/ReadOnlyAccess"_s};
    const CommandResult aws = m_env->run(u"/usr/bin/aws"_s, {u"configure"_s, u"list-profiles"_s});
    QVERIFY2(aws.exitCode == 0, qPrintable(aws.err));
    for (const QString &name : expected)
        QVERIFY2(aws.out.split(u'\n').contains(name), qPrintable(aws.out));

    // imsa reads the new file (it reloads on change) and serves a role from it.
    const CommandResult exported = m_env->imsa({u"export"_s, u"prod/ReadOnlyAccess"_s});
    QVERIFY2(exported.exitCode == 0, qPrintable(exported.out + exported.err));
    QVERIFY2(exported.out.contains(u"AWS_ACCESS_KEY_ID"_s), qPrintable(exported.out));
    const CommandResult profiles = m_env->imsa({u"profiles"_s, u"--json"_s});
    QStringList names;
    for (const auto &profile :
         QJsonDocument::fromJson(profiles.out.toUtf8()).object().value(u"profiles"_s).toArray())
        names.append(profile.toObject().value(u"name"_s).toString());
    for (const QString &name : expected)
        QVERIFY2(names.contains(name), qPrintable(profiles.out + profiles.err));
}

void tst_SsoList::logoutEndsTheSession()
{
    startSignedIn();
    if (QTest::currentTestFailed())
        return;
    const CommandResult before = m_env->imsa({u"export"_s, u"dev-admin"_s});
    QVERIFY2(before.exitCode == 0, qPrintable(before.out + before.err));
    QVERIFY(QFile::exists(m_env->ssoTokenCacheFile()));

    const CommandResult logout = m_env->imsa({u"logout"_s});
    QVERIFY2(logout.exitCode == 0, qPrintable(logout.out + logout.err));
    QVERIFY2(logout.out.contains(u"Ended 1 IAM Identity Center session"_s), qPrintable(logout.out));
    QCOMPARE(m_env->stsCallCounts().value(u"Logout"_s).toInt(), 1);
    QVERIFY(!QFile::exists(m_env->ssoTokenCacheFile()));

    const CommandResult after = m_env->imsa({u"export"_s, u"dev-admin"_s});
    QCOMPARE(after.exitCode, 1);
    QVERIFY2(
            after.err.contains(u"needs an IAM Identity Center sign-in: run imsa login dev-admin"_s),
            qPrintable(after.err));
    const CommandResult list = m_env->imsa({u"sso"_s, u"list"_s});
    QCOMPARE(list.exitCode, 1);
    QVERIFY2(list.err.contains(u"run imsa login dev-admin"_s), qPrintable(list.err));

    // Nothing left to end: a second logout says nothing about IAM Identity Center.
    const CommandResult again = m_env->imsa({u"logout"_s});
    QVERIFY2(again.exitCode == 0 && !again.out.contains(u"Identity Center"_s),
             qPrintable(again.out + again.err));
    QCOMPARE(m_env->stsCallCounts().value(u"Logout"_s).toInt(), 1);
}

QTEST_GUILESS_MAIN(tst_SsoList)
#include "tst_ssolist.moc"
