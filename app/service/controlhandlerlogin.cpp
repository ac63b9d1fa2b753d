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

/// The profile named `name`, else the first profile of the sso-session named `name`; with no
/// name, the active profile, else the one SSO session configured. nullptr when none fits.
const Profile *ssoTarget(const ProfileSet &set, const QString &name, const QString &active)
{
    if (name.isEmpty()) {
        if (const Profile *profile = set.find(active); profile && profile->usesSso())
            return profile;
        const Profile *only = nullptr;
        for (const Profile &profile : set.profiles) {
            if (!profile.usesSso())
                continue;
            if (only && only->sso.tokenCacheKey() != profile.sso.tokenCacheKey())
                return nullptr;
            only = &profile;
        }
        return only;
    }
    if (const Profile *profile = set.find(name))
        return profile;
    for (const Profile &profile : set.profiles) {
        if (profile.usesSso() && profile.sso.sessionName == name)
            return &profile;
    }
    return nullptr;
}

} // namespace

const Profile *ControlHandler::requireSsoTarget(ControlConnection &connection,
                                                const ipc::Request &request)
{
    const QString name = request.args.value(ipc::keys::profile).toString();
    const Profile *profile = ssoTarget(m_service.profileStore().profiles(), name,
                                       m_service.broker().activeProfile());
    if (!profile && !name.isEmpty()) {
        // Neither a profile nor a session of that name: the usual answer, with "did you mean".
        requireProfile(connection, request);
        return nullptr;
    }
    if (!profile) {
        connection.sendError(request.id,
                             {QString(ipc::errors::unknownProfile),
                              QStringLiteral("name the IAM Identity Center profile or "
                                             "sso-session: imsa %1 PROFILE")
                                      .arg(request.command == ipc::commands::login
                                                   ? QStringLiteral("login")
                                                   : QStringLiteral("sso list"))});
        return nullptr;
    }
    if (!profile->usesSso()) {
        connection.sendError(request.id,
                             {QString(ipc::errors::notAvailable),
                              QStringLiteral("profile '%1' does not sign in with IAM Identity "
                                             "Center: it has no sso_session or sso_start_url")
                                      .arg(profile->name)});
        return nullptr;
    }
    return profile;
}

void ControlHandler::login(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireSsoTarget(connection, request);
    if (!profile)
        return;
    const QString name = request.args.value(ipc::keys::profile).toString();
    const QString id = request.id;
    const QString shown = name.isEmpty() ? profile->name : name;
    const bool openBrowser = !request.args.value(ipc::keys::noBrowser).toBool();
    SsoSignIn *signIn = m_service.ssoSignIns().signIn(profile->sso);
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
