#include <tuple>

#include <QTest>

#include "pagedportal.h"
#include "service/ssoaccounts.h"

using namespace imsa;
using namespace imsa::app;
using imsa::test::PagedPortal;

namespace {

SsoAccount account(const QString &id, const QString &name)
{
    return {id, name, name + QStringLiteral("@example.com")};
}

} // namespace

// SsoAccountWalk: every page of accounts and of each account's roles, reported once.
class tst_SsoAccounts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void everyPageOfAccountsAndRolesSortedByName();
    void noAccountsIsAnEmptyList();
    void aFailedRoleListEndsTheWalkOnce();
    void aGoneContextGetsNoAnswer();

private:
    /// Runs a walk to its end (bounded); the number of times it reported, and the last report.
    static int walk(PagedPortal &portal, QObject *context,
                    std::optional<SsoResult<QList<SsoAccountRoles>>> &last);
};

int tst_SsoAccounts::walk(PagedPortal &portal, QObject *context,
                          std::optional<SsoResult<QList<SsoAccountRoles>>> &last)
{
    int reports = 0;
    SsoAccountWalk::start(portal, QUrl(QStringLiteral("http://127.0.0.1:1/")),
                          QStringLiteral("token"), context,
                          [&reports, &last](SsoResult<QList<SsoAccountRoles>> result) {
                              ++reports;
                              last = result;
                          });
    std::ignore = QTest::qWaitFor(
            [&reports] {
                return reports > 0;
            },
            2000);
    QTest::qWait(50); // time for a second report, which must not come
    return reports;
}

void tst_SsoAccounts::everyPageOfAccountsAndRolesSortedByName()
{
    PagedPortal portal;
    portal.accountPages = {
            {{account(QStringLiteral("1"), QStringLiteral("zeta")),
              account(QStringLiteral("2"), QStringLiteral("Alpha"))},
             QStringLiteral("1")},
            {{account(QStringLiteral("3"), QStringLiteral("beta"))}, {}},
    };
    for (int i = 4; i < 12; ++i) // more accounts than role lists run at once
        portal.accountPages[1].items.append(account(
                QString::number(i), QStringLiteral("gamma%1").arg(i, 2, 10, QLatin1Char('0'))));
    portal.rolePages[QStringLiteral("1")] = {{QStringLiteral("A"), QStringLiteral("B")},
                                             {QStringLiteral("C")},
                                             {QStringLiteral("D")}};
    portal.rolePages[QStringLiteral("2")] = {{QStringLiteral("Admin")}};
    QObject context;
    std::optional<SsoResult<QList<SsoAccountRoles>>> last;
    QCOMPARE(walk(portal, &context, last), 1);
    QVERIFY(last && *last);
    const QList<SsoAccountRoles> &accounts = last->value();
    QCOMPARE(accounts.size(), 11);
    QCOMPARE(accounts.at(0).account.accountName, QStringLiteral("Alpha"));
    QCOMPARE(accounts.at(0).roles, QStringList{QStringLiteral("Admin")});
    QCOMPARE(accounts.at(1).account.accountName, QStringLiteral("beta"));
    QCOMPARE(accounts.at(1).roles, QStringList{});
    QCOMPARE(accounts.at(2).account.accountName, QStringLiteral("gamma04"));
    QCOMPARE(accounts.last().account.accountName, QStringLiteral("zeta"));
    QCOMPARE(accounts.last().account.emailAddress, QStringLiteral("zeta@example.com"));
    QCOMPARE(accounts.last().roles,
             (QStringList{QStringLiteral("A"), QStringLiteral("B"), QStringLiteral("C"),
                          QStringLiteral("D")}));
    QCOMPARE(portal.calls.count(QStringLiteral("ListAccounts 1")), 1);
    QVERIFY(portal.calls.contains(QStringLiteral("ListAccountRoles 1 2")));
    QCOMPARE(portal.calls.size(), 2 + 11 + 2);
}

void tst_SsoAccounts::noAccountsIsAnEmptyList()
{
    PagedPortal portal;
    QObject context;
    std::optional<SsoResult<QList<SsoAccountRoles>>> last;
    QCOMPARE(walk(portal, &context, last), 1);
    QVERIFY(last && *last);
    QVERIFY(last->value().isEmpty());
    QCOMPARE(portal.calls, QStringList{QStringLiteral("ListAccounts ")});
}

void tst_SsoAccounts::aFailedRoleListEndsTheWalkOnce()
{
    PagedPortal portal;
    portal.accountPages = {{{account(QStringLiteral("1"), QStringLiteral("a")),
                             account(QStringLiteral("2"), QStringLiteral("b")),
                             account(QStringLiteral("3"), QStringLiteral("c"))},
                            {}}};
    portal.failRolesOf = QStringLiteral("2");
    QObject context;
    std::optional<SsoResult<QList<SsoAccountRoles>>> last;
    QCOMPARE(walk(portal, &context, last), 1);
    QVERIFY(last && !*last);
    QCOMPARE(last->error().code, SsoErrorCode::Forbidden);
}

void tst_SsoAccounts::aGoneContextGetsNoAnswer()
{
    PagedPortal portal;
    portal.accountPages = {{{account(QStringLiteral("1"), QStringLiteral("a"))}, {}}};
    auto *context = new QObject;
    int reports = 0;
    SsoAccountWalk::start(portal, QUrl(QStringLiteral("http://127.0.0.1:1/")),
                          QStringLiteral("token"), context,
                          [&reports](const SsoResult<QList<SsoAccountRoles>> &) {
                              ++reports;
                          });
    delete context; // the client hung up: its walk goes with it
    QTest::qWait(100);
    QCOMPARE(reports, 0);
}

QTEST_GUILESS_MAIN(tst_SsoAccounts)
#include "tst_ssoaccounts.moc"
