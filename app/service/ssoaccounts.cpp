#include "ssoaccounts.h"

#include <algorithm>

namespace imsa::app {

void SsoAccountWalk::start(SsoApi &api, const QUrl &portal, const QString &accessToken,
                           QObject *context, Done done)
{
    auto *walk = new SsoAccountWalk(api, portal, accessToken, context, std::move(done));
    walk->listAccounts({});
}

SsoAccountWalk::SsoAccountWalk(SsoApi &api, const QUrl &portal, const QString &accessToken,
                               QObject *context, Done done)
    : QObject(context)
    , m_api(api)
    , m_portal(portal)
    , m_accessToken(accessToken)
    , m_done(std::move(done))
{ }

void SsoAccountWalk::listAccounts(const QString &nextToken)
{
    m_api.listAccounts(m_portal, m_accessToken, nextToken, this,
                       [this](const SsoResult<SsoPage<SsoAccount>> &page) {
                           if (!page)
                               return finish(page.error());
                           for (const SsoAccount &account : page->items)
                               m_accounts.append({account, {}});
                           if (!page->nextToken.isEmpty())
                               return listAccounts(page->nextToken);
                           if (m_accounts.isEmpty())
                               return finish(m_accounts);
                           while (m_listing < parallelRoleLists
                                  && m_nextAccount < m_accounts.size())
                               listRolesOfNextAccount();
                       });
}

void SsoAccountWalk::listRolesOfNextAccount()
{
    ++m_listing;
    listRoles(m_nextAccount++, {});
}

void SsoAccountWalk::listRoles(qsizetype index, const QString &nextToken)
{
    m_api.listAccountRoles(m_portal, m_accessToken, m_accounts.at(index).account.accountId,
                           nextToken, this, [this, index](const SsoResult<SsoPage<QString>> &page) {
                               if (!page)
                                   return finish(page.error());
                               m_accounts[index].roles += page->items;
                               if (!page->nextToken.isEmpty())
                                   return listRoles(index, page->nextToken);
                               --m_listing;
                               if (m_nextAccount < m_accounts.size())
                                   return listRolesOfNextAccount();
                               if (m_listing == 0)
                                   finish(m_accounts);
                           });
}

void SsoAccountWalk::finish(const SsoResult<QList<SsoAccountRoles>> &result)
{
    // After a failure the other role lists still answer: they find the walk finished.
    if (m_finished)
        return;
    m_finished = true;
    if (result) {
        QList<SsoAccountRoles> sorted = result.value();
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const SsoAccountRoles &a, const SsoAccountRoles &b) {
                             return a.account.accountName.compare(b.account.accountName,
                                                                  Qt::CaseInsensitive)
                                     < 0;
                         });
        m_done(sorted);
    } else {
        m_done(result.error());
    }
    deleteLater();
}

} // namespace imsa::app
