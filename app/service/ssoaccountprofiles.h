#pragma once

#include <functional>

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QProcessEnvironment>
#include <QString>

#include "imsa/profile.h"
#include "ssoaccounts.h"

namespace imsa {
class SsoApi;
class SsoRoleCredentials;
} // namespace imsa

namespace imsa::app {

class ProfileStore;

/// Keeps the accounts and roles of every signed-in IAM Identity Center session in the profile
/// store as "ACCOUNT-NAME/ROLE" profiles, so the tray's picker and `imsa assume` serve them
/// without any config written. Lists them when the app starts, after each sign-in, and when
/// asked (the picker opens, `imsa assume` names one not listed yet). A listing that fails
/// keeps the previous list: the portal being down must not take the active profile away.
class SsoAccountProfiles final : public QObject
{
    Q_OBJECT

public:
    SsoAccountProfiles(ProfileStore &store, SsoRoleCredentials &tokens, SsoApi &api,
                       const QProcessEnvironment &environment, QObject *parent = nullptr);

    /// Lists the accounts of every signed-in session again; `done` runs once all have
    /// answered, unless `context` is gone by then. Sessions not signed in are skipped.
    void refresh(QObject *context = nullptr, std::function<void()> done = {});
    /// Lists the accounts of the session with this token cache key (it has just signed in).
    void refreshSignIn(const QString &tokenCacheKey);
    /// Takes the accounts a listing for `imsa sso list` found for `signIn`'s session.
    void take(const SsoSettings &signIn, const QList<SsoAccountRoles> &accounts);

    bool isRefreshing() const { return !m_listing.isEmpty(); }

    /// Why the last listing of each session that failed did, one line each; empty when fine.
    QStringList errors() const { return m_errors.values(); }

    /// The account a listed profile serves, with its name as the portal wrote it (the profile's
    /// name has it made shell-safe); empty for any other profile.
    SsoAccount accountOf(const QString &profile) const { return m_accounts.value(profile); }

Q_SIGNALS:
    /// A listing began or every listing has ended (the profiles are in the store by then).
    void refreshingChanged(bool refreshing);

private:
    struct Waiter
    {
        QPointer<QObject> context;
        bool hasContext = false;
        std::function<void()> done;
    };

    void list(const SsoSettings &signIn);
    void finishListing(const QString &tokenCacheKey);
    void notifyWaiters();
    /// The region the listed profiles use: that of a profile of the same session, else the
    /// session's own.
    QString regionFor(const SsoSettings &signIn) const;

    ProfileStore &m_store;
    SsoRoleCredentials &m_tokens;
    SsoApi &m_api;
    const QProcessEnvironment m_environment;
    QStringList m_listing; ///< token cache keys being listed
    QHash<QString, QString> m_errors; ///< by token cache key
    QList<Waiter> m_waiters;
    QHash<QString, SsoAccount> m_accounts; ///< by listed profile name
};

} // namespace imsa::app
