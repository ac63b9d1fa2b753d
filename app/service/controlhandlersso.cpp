// ControlHandler's IAM Identity Center commands other than the sign-in: the accounts and roles
// of a session (`imsa sso list` and `imsa sso profiles`), and ending the sessions on logout.
#include <memory>

#include <QJsonArray>
#include <QPointer>
#include <QProcessEnvironment>
#include <QTimer>

#include "controlhandler.h"
#include "controlserver.h"
#include "imsa/logging.h"
#include "imsa/ssoendpoint.h"
#include "imsa/ssorolecredentials.h"
#include "imsa/ssotokencache.h"
#include "imsa/usertext.h"
#include "profilestore.h"
#include "service.h"
#include "ssoaccountprofiles.h"
#include "ssoaccounts.h"

namespace imsa::app {

namespace {

/// How long logout waits for the portal's answers before it reports anyway.
constexpr int portalLogoutWaitMs = 10'000;

QString portalErrorText(const SsoError &error, const QString &shown)
{
    const QString detail = error.message.isEmpty() ? error.awsCode : error.message;
    switch (error.code) {
    case SsoErrorCode::Unauthorized:
    case SsoErrorCode::InvalidGrant:
    case SsoErrorCode::ExpiredToken:
        return QStringLiteral("the IAM Identity Center sign-in for %1 has ended: run imsa login %1")
                .arg(shown);
    case SsoErrorCode::Forbidden:
    case SsoErrorCode::AccessDenied:
        return QStringLiteral("IAM Identity Center denied the list of accounts: %1").arg(detail);
    default:
        return ssoSignInErrorText(error, shown, TextLanguage::English);
    }
}

QJsonObject accountJson(const SsoAccountRoles &entry)
{
    return {{ipc::keys::accountId, entry.account.accountId},
            {ipc::keys::accountName, entry.account.accountName},
            {ipc::keys::emailAddress, entry.account.emailAddress},
            {ipc::keys::roles, QJsonArray::fromStringList(entry.roles)}};
}

} // namespace

// args: profile (a profile or an sso-session name; default as for login). One sso-account event
// per account, then the reply: count, and the session's settings for `imsa sso profiles`.
void ControlHandler::ssoAccounts(ControlConnection &connection, const ipc::Request &request)
{
    const auto target = requireSsoTarget(connection, request);
    if (!target)
        return;
    const QString shown = target->shown;
    const SsoSettings signIn = target->signIn;
    const auto endpoints =
            resolveSsoEndpoints(signIn.region, QProcessEnvironment::systemEnvironment());
    if (!endpoints)
        return connection.sendError(
                request.id, {QString(ipc::errors::notAvailable), endpoints.error().message});

    const QJsonObject settings{
            {ipc::keys::profile, target->profile ? target->profile->name : QString()},
            {ipc::keys::ssoSession, signIn.sessionName},
            {ipc::keys::ssoStartUrl, signIn.startUrl},
            {ipc::keys::ssoRegion, signIn.region},
            {ipc::keys::region, target->profile ? target->profile->region : QString()}};
    const QString id = request.id;
    m_service.ssoCredentials().accessToken(
            signIn, &connection,
            [this, &connection, id, shown, settings, signIn,
             portal = endpoints->portal](StsResult<QString> token) {
                if (!token) {
                    const bool signInNeeded = token.error().code == StsErrorCode::SignInNeeded;
                    return connection.sendError(
                            id,
                            {QString(signInNeeded ? ipc::errors::notAvailable
                                                  : ipc::errors::stsError),
                             signInNeeded ? QStringLiteral("not signed in to IAM Identity Center "
                                                           "for %1: run imsa login %1")
                                                    .arg(shown)
                                          : token.error().message});
                }
                SsoAccountWalk::start(
                        m_service.ssoApi(), portal, token.value(), &connection,
                        [this, &connection, id, shown, settings,
                         signIn](SsoResult<QList<SsoAccountRoles>> accounts) {
                            if (!accounts)
                                return connection.sendError(
                                        id,
                                        {QString(ipc::errors::stsError),
                                         portalErrorText(accounts.error(), shown)});
                            m_service.ssoAccountProfiles().take(signIn, accounts.value());
                            for (const SsoAccountRoles &entry : accounts.value())
                                connection.sendEvent(id, QString(ipc::events::ssoAccount),
                                                     accountJson(entry));
                            QJsonObject reply = settings;
                            reply.insert(ipc::keys::count, accounts->size());
                            connection.sendReply(id, reply);
                        });
            });
}

void ControlHandler::endSsoSessions(std::function<void(int)> done)
{
    struct Ending
    {
        int ended = 0;
        int answersDue = 0;
        std::function<void(int)> done;

        void report()
        {
            if (done)
                std::exchange(done, {})(ended);
        }
    };

    auto ending = std::make_shared<Ending>();
    ending->done = std::move(done);

    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const QString cache = m_service.ssoTokenCache();
    for (const SsoSettings &signIn : m_service.profileStore().profiles().ssoSignIns()) {
        const QString key = signIn.tokenCacheKey();
        const auto cached = readSsoCachedToken(cache, key);
        if (!cached || !cached.value())
            continue;
        // The file goes first: from here on nothing serves this session, whatever the portal says.
        if (const auto removed = removeSsoCachedToken(cache, key); !removed) {
            qCWarning(lcSso).noquote() << removed.error().message;
            continue;
        }
        ++ending->ended;
        qCInfo(lcSso).noquote() << "signed out of" << signIn.startUrl;
        const auto endpoints = resolveSsoEndpoints(signIn.region, environment);
        if (!endpoints || cached.value()->expiresAt <= m_service.clock().now())
            continue;
        ++ending->answersDue;
        m_service.ssoApi().logout(
                endpoints->portal, cached.value()->accessToken, this,
                [ending, startUrl = signIn.startUrl](const SsoResult<Done> &result) {
                    if (!result)
                        qCWarning(lcSso).noquote() << "the portal's Logout for" << startUrl
                                                   << "failed:" << result.error().message;
                    if (--ending->answersDue == 0)
                        ending->report();
                });
    }
    if (ending->answersDue == 0)
        QTimer::singleShot(0, this, [ending] {
            ending->report();
        });
    else
        QTimer::singleShot(portalLogoutWaitMs, this, [ending] {
            ending->report();
        });
}

} // namespace imsa::app
