#pragma once

#include <functional>

#include <QList>
#include <QObject>
#include <QStringList>
#include <QUrl>

#include "imsa/ssoapi.h"

namespace imsa::app {

/// An account a signed-in user may use, with the roles they may take in it.
struct SsoAccountRoles
{
    SsoAccount account;
    QStringList roles;
};

/// Walks every page of the portal's ListAccounts, then every page of ListAccountRoles for each
/// account (a few accounts at a time: organisations have hundreds), and reports the whole list,
/// sorted by account name, once. Lives as a child of the caller's context: if that goes first,
/// the walk goes with it and reports nothing.
class SsoAccountWalk final : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(SsoResult<QList<SsoAccountRoles>>)>;

    /// Role lists asked for at the same time.
    static constexpr qsizetype parallelRoleLists = 4;

    static void start(SsoApi &api, const QUrl &portal, const QString &accessToken, QObject *context,
                      Done done);

private:
    SsoAccountWalk(SsoApi &api, const QUrl &portal, const QString &accessToken, QObject *context,
                   Done done);

    void listAccounts(const QString &nextToken);
    void listRolesOfNextAccount();
    void listRoles(qsizetype index, const QString &nextToken);
    void finish(const SsoResult<QList<SsoAccountRoles>> &result);

    SsoApi &m_api;
    QUrl m_portal;
    QString m_accessToken; ///< a bearer credential: never logged
    Done m_done;
    QList<SsoAccountRoles> m_accounts;
    qsizetype m_nextAccount = 0; ///< the next account whose roles to list
    qsizetype m_listing = 0; ///< role lists under way
    bool m_finished = false;
};

} // namespace imsa::app
