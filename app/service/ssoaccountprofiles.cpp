#include "ssoaccountprofiles.h"

#include <QTimer>

#include "imsa/logging.h"
#include "imsa/ssoaccountprofile.h"
#include "imsa/ssoendpoint.h"
#include "imsa/ssorolecredentials.h"
#include "profilestore.h"

namespace imsa::app {

SsoAccountProfiles::SsoAccountProfiles(ProfileStore &store, SsoRoleCredentials &tokens, SsoApi &api,
                                       const QProcessEnvironment &environment, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_tokens(tokens)
    , m_api(api)
    , m_environment(environment)
{ }

void SsoAccountProfiles::refresh(QObject *context, std::function<void()> done)
{
    if (done)
        m_waiters.append(Waiter{context, context != nullptr, std::move(done)});
    for (const SsoSettings &signIn : m_store.profiles().ssoSignIns())
        list(signIn);
    if (m_listing.isEmpty()) // nobody is signed in, or nothing to list: answer from the loop
        QTimer::singleShot(0, this, [this] {
            if (m_listing.isEmpty())
                notifyWaiters();
        });
}

void SsoAccountProfiles::refreshSignIn(const QString &tokenCacheKey)
{
    for (const SsoSettings &signIn : m_store.profiles().ssoSignIns()) {
        if (signIn.tokenCacheKey() == tokenCacheKey)
            list(signIn);
    }
}

void SsoAccountProfiles::list(const SsoSettings &signIn)
{
    const QString key = signIn.tokenCacheKey();
    if (m_listing.contains(key) || !m_tokens.isSignedIn(signIn))
        return;
    const auto endpoints = resolveSsoEndpoints(signIn.region, m_environment);
    if (!endpoints) {
        m_errors.insert(key, endpoints.error().message);
        return;
    }
    m_listing.append(key);
    if (m_listing.size() == 1)
        Q_EMIT refreshingChanged(true);
    m_tokens.accessToken(
            signIn, this,
            [this, signIn, key, portal = endpoints->portal](StsResult<QString> token) {
                if (!token) {
                    // Signed out meanwhile: nothing to list, and nothing wrong either.
                    if (token.error().code != StsErrorCode::SignInNeeded)
                        m_errors.insert(key, token.error().message);
                    return finishListing(key);
                }
                SsoAccountWalk::start(
                        m_api, portal, token.value(), this,
                        [this, signIn, key](const SsoResult<QList<SsoAccountRoles>> &accounts) {
                            if (accounts) {
                                take(signIn, accounts.value());
                            } else {
                                qCWarning(lcSso).noquote() << "listing the accounts of" << key
                                                           << "failed:" << accounts.error().message;
                                m_errors.insert(key,
                                                QStringLiteral("listing the accounts of %1 "
                                                               "failed: %2")
                                                        .arg(key, accounts.error().message));
                            }
                            finishListing(key);
                        });
            });
}

void SsoAccountProfiles::take(const SsoSettings &signIn, const QList<SsoAccountRoles> &accounts)
{
    const QString region = regionFor(signIn);
    QHash<QString, int> nameUses;
    for (const SsoAccountRoles &entry : accounts)
        ++nameUses[entry.account.accountName];
    QList<Profile> profiles;
    for (const SsoAccountRoles &entry : accounts) {
        const bool nameShared = nameUses.value(entry.account.accountName) > 1;
        for (const QString &role : entry.roles) {
            const QString name = ssoAccountProfileName(entry.account, role, nameShared);
            profiles.append(ssoAccountProfile(name, signIn, entry.account, role, region));
            m_accounts.insert(name, entry.account);
        }
    }
    m_errors.remove(signIn.tokenCacheKey());
    qCInfo(lcSso).noquote() << signIn.tokenCacheKey() << "lists" << profiles.size() << "roles in"
                            << accounts.size() << "accounts";
    m_store.setSsoAccountProfiles(signIn.tokenCacheKey(), profiles);
}

void SsoAccountProfiles::finishListing(const QString &tokenCacheKey)
{
    m_listing.removeAll(tokenCacheKey);
    if (!m_listing.isEmpty())
        return;
    Q_EMIT refreshingChanged(false);
    notifyWaiters();
}

void SsoAccountProfiles::notifyWaiters()
{
    for (Waiter &waiter : std::exchange(m_waiters, {})) {
        if (!waiter.hasContext || waiter.context)
            waiter.done();
    }
}

QString SsoAccountProfiles::regionFor(const SsoSettings &signIn) const
{
    for (const Profile &profile : m_store.profiles().profiles) {
        if (profile.source != ProfileSource::IdentityCenter && profile.usesSso()
            && profile.sso.tokenCacheKey() == signIn.tokenCacheKey() && !profile.region.isEmpty())
            return profile.region;
    }
    return signIn.region;
}

} // namespace imsa::app
