// ControlHandler::login: IAM Identity Center sign-in on behalf of `imsa login`. A file of its
// own to keep controlhandler.cpp to the commands that serve credentials.
#include <QProcessEnvironment>

#include "controlhandler.h"
#include "controlserver.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/ssosignin.h"
#include "imsa/usertext.h"
#include "platform/browser.h"
#include "profilestore.h"
#include "service.h"
#include "ssosignins.h"

namespace imsa::app {

namespace {

/// The first profile of the files that signs in with `signIn`; nullptr when none does.
const Profile *firstProfileOf(const ProfileSet &set, const SsoSettings &signIn)
{
    for (const Profile &profile : set.profiles) {
        if (profile.source != ProfileSource::IdentityCenter && profile.usesSso()
            && profile.sso.tokenCacheKey() == signIn.tokenCacheKey())
            return &profile;
    }
    return nullptr;
}

/// The profile named `name`, else the sso-session (or legacy start URL) named `name`; with no
/// name, the active profile, else the one sign-in configured. A profile that does not use IAM
/// Identity Center is returned too, for the caller to say so.
std::optional<ControlHandler::SsoTarget> ssoTarget(const ProfileSet &set, const QString &name,
                                                   const QString &active)
{
    const QList<SsoSettings> signIns = set.ssoSignIns();
    if (name.isEmpty()) {
        if (const Profile *profile = set.find(active); profile && profile->usesSso())
            return ControlHandler::SsoTarget{profile->name, profile->sso, profile};
        if (signIns.size() != 1)
            return std::nullopt;
        const Profile *first = firstProfileOf(set, signIns.constFirst());
        return ControlHandler::SsoTarget{first ? first->name : signIns.constFirst().tokenCacheKey(),
                                         signIns.constFirst(), first};
    }
    if (const Profile *profile = set.find(name))
        return ControlHandler::SsoTarget{name, profile->sso, profile};
    for (const SsoSettings &signIn : signIns) {
        if (signIn.tokenCacheKey() == name)
            return ControlHandler::SsoTarget{name, signIn, firstProfileOf(set, signIn)};
    }
    return std::nullopt;
}

} // namespace

std::optional<ControlHandler::SsoTarget>
ControlHandler::requireSsoTarget(ControlConnection &connection, const ipc::Request &request)
{
    const QString name = request.args.value(ipc::keys::profile).toString();
    auto target = ssoTarget(m_service.profileStore().profiles(), name,
                            m_service.broker().activeProfile());
    if (!target && !name.isEmpty()) {
        // Neither a profile nor a session of that name: the usual answer, with "did you mean".
        requireProfile(connection, request);
        return std::nullopt;
    }
    if (!target) {
        connection.sendError(request.id,
                             {QString(ipc::errors::unknownProfile),
                              QStringLiteral("name the IAM Identity Center profile or "
                                             "sso-session: imsa %1 PROFILE")
                                      .arg(request.command == ipc::commands::login
                                                   ? QStringLiteral("login")
                                                   : QStringLiteral("sso list"))});
        return std::nullopt;
    }
    if (target->signIn.startUrl.isEmpty()) {
        connection.sendError(request.id,
                             {QString(ipc::errors::notAvailable),
                              QStringLiteral("profile '%1' does not sign in with IAM Identity "
                                             "Center: it has no sso_session or sso_start_url")
                                      .arg(target->shown)});
        return std::nullopt;
    }
    return target;
}

void ControlHandler::login(ControlConnection &connection, const ipc::Request &request)
{
    const auto target = requireSsoTarget(connection, request);
    if (!target)
        return;
    const QString id = request.id;
    const QString shown = target->shown;
    const bool openBrowser = !request.args.value(ipc::keys::noBrowser).toBool();
    SsoSignIn *signIn = m_service.ssoSignIns().signIn(target->signIn);
    const auto showCode = [this, &connection, id, openBrowser](const DeviceAuthorization &code) {
        bool opened = false;
        if (openBrowser) {
            const auto result =
                    openInBrowser(QUrl(code.verificationUriComplete), m_service.runtimeDir(),
                                  QProcessEnvironment::systemEnvironment(), &m_service);
            opened = result.ok();
            if (!result)
                qCWarning(lcApp).noquote() << result.error().message;
        }
        connection.sendEvent(id, QString(ipc::events::ssoCode),
                             {{ipc::keys::userCode, code.userCode},
                              {ipc::keys::verificationUri, code.verificationUri},
                              {ipc::keys::verificationUriComplete, code.verificationUriComplete},
                              {ipc::keys::expiresIn, code.expiresInSeconds},
                              {ipc::keys::opened, opened}});
    };
    if (const auto code = signIn->authorization())
        showCode(*code);
    else
        connect(signIn, &SsoSignIn::codeReady, &connection, showCode);
    connect(signIn, &SsoSignIn::succeeded, &connection,
            [&connection, id, shown](const QDateTime &expiresAt) {
                connection.sendReply(
                        id,
                        {{ipc::keys::profile, shown},
                         {ipc::keys::expiration, expiresAt.toUTC().toString(Qt::ISODate)}});
            });
    connect(signIn, &SsoSignIn::failed, &connection,
            [&connection, id, shown](const SsoError &error) {
                connection.sendError(id,
                                     {QString(ipc::errors::signinFailed),
                                      ssoSignInErrorText(error, shown, TextLanguage::English)});
            });
}

} // namespace imsa::app
