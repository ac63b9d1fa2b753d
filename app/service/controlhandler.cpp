#include "controlhandler.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QPointer>
#include <QRegularExpression>

#include "accessguard.h"
#include "consolesignin.h"
#include "controlserver.h"
#include "credentialwait.h"
#include "endpointidentity.h"
#include "imsa/credentialbroker.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/ssorolecredentials.h"
#include "imsa/stsendpoint.h"
#include "imsa/usertext.h"
#include "platform/browser.h"
#include "profilestore.h"
#include "service.h"
#include "ssoaccountprofiles.h"
#include "statewords.h"

namespace imsa::app {

namespace {

QJsonValue isoOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonObject credentialsJson(const QString &profile, const AwsCredentials &credentials)
{
    return {{ipc::keys::profile, profile},
            {ipc::keys::accessKeyId, credentials.accessKeyId},
            {ipc::keys::secretAccessKey, credentials.secretAccessKey},
            {ipc::keys::sessionToken, credentials.sessionToken},
            {ipc::keys::credentialExpiration, isoOrNull(credentials.expiration)}};
}

QJsonArray errorList(const QList<ConfigError> &errors)
{
    QJsonArray list;
    for (const ConfigError &error : errors)
        list.append(error.toString());
    return list;
}

} // namespace

ControlHandler::ControlHandler(Service &service, QObject *parent)
    : QObject(parent)
    , m_service(service)
{ }

const QHash<QString, ControlHandler::Command> &ControlHandler::commandTable()
{
    static const QHash<QString, Command> commands{
            {ipc::commands::status, &ControlHandler::status},
            {ipc::commands::profiles, &ControlHandler::profiles},
            {ipc::commands::assume, &ControlHandler::assume},
            {ipc::commands::credentials, &ControlHandler::credentials},
            {ipc::commands::env, &ControlHandler::env},
            {ipc::commands::mfa, &ControlHandler::mfa},
            {ipc::commands::renew, &ControlHandler::renew},
            {ipc::commands::logout, &ControlHandler::logout},
            {ipc::commands::stop, &ControlHandler::stop},
            {ipc::commands::verifyEndpoint, &ControlHandler::verifyEndpoint},
            {ipc::commands::console, &ControlHandler::console},
            {ipc::commands::login, &ControlHandler::login},
            {ipc::commands::ssoAccounts, &ControlHandler::ssoAccounts},
            {ipc::commands::allow, &ControlHandler::allow},
            {ipc::commands::deny, &ControlHandler::deny},
    };
    return commands;
}

QStringList ControlHandler::commandNames()
{
    return commandTable().keys();
}

void ControlHandler::handle(ControlConnection *connection, const ipc::Request &request)
{
    const Command command = commandTable().value(request.command);
    if (!command) {
        connection->sendError(request.id,
                              {QString(ipc::errors::unknownCommand),
                               QStringLiteral("unknown command '%1'").arg(request.command)});
        return;
    }
    qCDebug(lcIpc).noquote() << "control command" << request.command;
    if (namesUnlistedAccount(request)) {
        // "ACCOUNT-NAME/ROLE" before the accounts were listed (the app has just started, or
        // the account is new): list them first, then carry out the command either way.
        m_service.ssoAccountProfiles().refresh(connection, [this, connection, request, command] {
            (this->*command)(*connection, request);
        });
        return;
    }
    (this->*command)(*connection, request);
}

bool ControlHandler::namesUnlistedAccount(const ipc::Request &request) const
{
    const QString name = request.args.value(ipc::keys::profile).toString();
    const ProfileSet &set = m_service.profileStore().profiles();
    return name.contains(QLatin1Char('/')) && !set.find(name) && !set.ssoSignIns().isEmpty();
}

QString ControlHandler::unlistedAccountHint(const ProfileSet &set, const QString &name) const
{
    const QList<SsoSettings> signIns = set.ssoSignIns();
    if (!name.contains(QLatin1Char('/')) || signIns.isEmpty())
        return {};
    for (const SsoSettings &signIn : signIns) {
        if (!m_service.ssoCredentials().isSignedIn(signIn))
            return QStringLiteral("; to use the accounts of IAM Identity Center, sign in first: "
                                  "imsa login %1")
                    .arg(signIn.tokenCacheKey());
    }
    return QStringLiteral("; `imsa sso list` shows the IAM Identity Center accounts and roles "
                          "you may use");
}

const Profile *ControlHandler::requireProfile(ControlConnection &connection,
                                              const ipc::Request &request)
{
    const QString name = request.args.value(ipc::keys::profile).toString();
    const ProfileSet &set = m_service.profileStore().profiles();
    if (const Profile *profile = set.find(name))
        return profile;

    // An invalid profile is not unknown: say what is wrong with it instead.
    for (const ConfigError &error : set.errors) {
        if (error.profile == name) {
            connection.sendError(request.id, {QString(ipc::errors::configError), error.toString()});
            return nullptr;
        }
    }
    QString message = QStringLiteral("no profile named '%1'").arg(name);
    const QStringList similar = set.similarNames(name);
    if (!similar.isEmpty())
        message += QStringLiteral("; did you mean %1?").arg(similar.join(QStringLiteral(", ")));
    else if (const QString hint = unlistedAccountHint(set, name); !hint.isEmpty())
        message += hint;
    else if (set.profiles.isEmpty())
        message += QStringLiteral("; no profiles are configured (see `imsa profiles`)");
    connection.sendError(request.id, {QString(ipc::errors::unknownProfile), message});
    return nullptr;
}

void ControlHandler::status(ControlConnection &connection, const ipc::Request &request)
{
    CredentialBroker &broker = m_service.broker();
    const QString active = broker.activeProfile();
    const ProfileStatus status = broker.status(active);
    const Profile *found = m_service.profileStore().profiles().find(active);
    const Profile profile = found ? *found : Profile{};
    QJsonObject result{
            {ipc::keys::running, true},
            {ipc::keys::endpoint, m_service.endpointUrl()},
            {ipc::keys::profile, active.isEmpty() ? QJsonValue() : QJsonValue(active)},
            {ipc::keys::roleArn, profile.hasRole() ? QJsonValue(profile.roleArn) : QJsonValue()},
            {ipc::keys::state, stateName(status.state)},
            {ipc::keys::expiration, isoOrNull(status.credentialsExpiration)},
            {ipc::keys::mfaSessionExpiration, isoOrNull(status.mfaSessionExpiration)},
            {ipc::keys::pid, QCoreApplication::applicationPid()},
            {ipc::keys::keyStore, m_service.keyStore().description()},
            {ipc::keys::warnings, QJsonArray::fromStringList(m_service.warnings())},
            {ipc::keys::configErrors, errorList(m_service.profileStore().rejectedReloadErrors())},
    };
    if (profile.usesSso()) {
        result.insert(ipc::keys::ssoStartUrl, profile.sso.startUrl);
        result.insert(ipc::keys::ssoAccountId, profile.sso.accountId);
        result.insert(ipc::keys::ssoRoleName, profile.sso.roleName);
    }
    if (status.lastError)
        result.insert(ipc::keys::lastError,
                      stsErrorText(*status.lastError, profile, TextLanguage::English));
    // Where the broker's STS calls go (its environment is the app's), when not to AWS.
    const StsEndpoint sts = resolveStsEndpoint(profile, QProcessEnvironment::systemEnvironment());
    if (!isAwsStsEndpoint(sts.url))
        result.insert(ipc::keys::stsEndpoint, sts.url.toDisplayString(QUrl::RemoveUserInfo));
    connection.sendReply(request.id, result);
}

void ControlHandler::profiles(ControlConnection &connection, const ipc::Request &request)
{
    const ProfileSet &set = m_service.profileStore().profiles();
    QJsonArray list;
    for (const Profile &profile : set.profiles) {
        QJsonObject entry{
                {ipc::keys::name, profile.name},
                {ipc::keys::source, profile.sourceFile},
                {ipc::keys::roleArn, profile.roleArn},
                {ipc::keys::mfaSerial, profile.mfaSerial},
                {ipc::keys::region, profile.region},
                {ipc::keys::keyProfile, profile.keyProfile},
                {ipc::keys::keyLocation,
                 profile.secretLocation == SecretLocation::KeyStore ? QStringLiteral("keychain")
                                                                    : QStringLiteral("file")},
                {ipc::keys::state, stateName(m_service.broker().status(profile.name).state)},
                {ipc::keys::active, profile.name == m_service.broker().activeProfile()},
        };
        if (profile.usesSso()) {
            entry.insert(ipc::keys::ssoSession, profile.sso.tokenCacheKey());
            entry.insert(ipc::keys::ssoAccountId, profile.sso.accountId);
            entry.insert(ipc::keys::ssoRoleName, profile.sso.roleName);
        }
        list.append(entry);
    }
    QJsonArray signIns;
    for (const SsoSettings &signIn : set.ssoSignIns())
        signIns.append(
                QJsonObject{{ipc::keys::name, signIn.tokenCacheKey()},
                            {ipc::keys::ssoStartUrl, signIn.startUrl},
                            {ipc::keys::signedIn, m_service.ssoCredentials().isSignedIn(signIn)}});
    connection.sendReply(request.id,
                         {{ipc::keys::profiles, list},
                          {ipc::keys::signIns, signIns},
                          {ipc::keys::errors, errorList(set.errors)},
                          {ipc::keys::notices, errorList(set.notices)},
                          {ipc::keys::rejectedReload,
                           errorList(m_service.profileStore().rejectedReloadErrors())}});
}

void ControlHandler::assume(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    CredentialBroker &broker = m_service.broker();
    broker.setActiveProfile(profile->name);
    m_service.rememberActiveProfile(profile->name);
    auto *wait = new CredentialWait(
            broker, connection, request.id, *profile, m_service.hasMfaDialog(),
            [this, roleArn = profile->roleArn](ControlConnection &client, const QString &id,
                                               const AwsCredentials &credentials) {
                client.sendReply(id,
                                 {{ipc::keys::profile, m_service.broker().activeProfile()},
                                  {ipc::keys::roleArn, roleArn},
                                  {ipc::keys::endpoint, m_service.endpointUrl()},
                                  {ipc::keys::expiration, isoOrNull(credentials.expiration)}});
            });
    wait->start();
}

void ControlHandler::credentials(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    // Checked before any MFA prompt: a program that gets refused is not worth a code.
    if (AccessGuard *guard = m_service.accessGuard()) {
        const Result<Done, Failure> admitted =
                guard->admitCli(connection.peerPid(), connection.peerUid(), profile->name);
        if (!admitted) {
            connection.sendError(request.id,
                                 {QString(ipc::errors::notAvailable), admitted.error().message});
            return;
        }
    }
    m_service.broker().request(profile->name);
    auto *wait = new CredentialWait(
            m_service.broker(), connection, request.id, *profile, m_service.hasMfaDialog(),
            [this, name = profile->name](ControlConnection &client, const QString &id,
                                         const AwsCredentials &credentials) {
                if (AccessGuard *guard = m_service.accessGuard())
                    guard->recordCliAccess(client.peerPid(), client.peerUid(), name);
                client.sendReply(id, credentialsJson(name, credentials));
            });
    wait->start();
}

void ControlHandler::env(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    if (m_service.containerUrl(profile->name).isEmpty()) {
        connection.sendError(request.id,
                             {QString(ipc::errors::notAvailable),
                              QStringLiteral("the container endpoint is not running")});
        return;
    }
    m_service.broker().request(profile->name);
    auto *wait = new CredentialWait(
            m_service.broker(), connection, request.id, *profile, m_service.hasMfaDialog(),
            [this, name = profile->name](ControlConnection &client, const QString &id,
                                         const AwsCredentials &credentials) {
                client.sendReply(
                        id,
                        {{ipc::keys::profile, name},
                         {ipc::keys::uri, m_service.containerUrl(name)},
                         {ipc::keys::token, QString::fromLatin1(m_service.containerToken(name))},
                         {ipc::keys::expiration, isoOrNull(credentials.expiration)}});
            });
    wait->start();
}

void ControlHandler::mfa(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    const QString code = request.args.value(ipc::keys::code).toString();
    static const QRegularExpression sixDigits(QStringLiteral("^\\d{6}$"));
    if (!sixDigits.match(code).hasMatch()) {
        connection.sendError(request.id,
                             {QString(ipc::errors::badRequest),
                              QStringLiteral("an MFA code is exactly 6 digits")});
        return;
    }
    // The outcome reaches the client through the events of its pending request.
    m_service.broker().submitMfaCode(profile->name, code);
    connection.sendReply(request.id, {});
}

void ControlHandler::renew(ControlConnection &connection, const ipc::Request &request)
{
    const QString active = m_service.broker().activeProfile();
    if (!active.isEmpty())
        m_service.broker().renew(active);
    connection.sendReply(request.id, {{ipc::keys::profile, active}});
}

void ControlHandler::logout(ControlConnection &connection, const ipc::Request &request)
{
    // The SSO sessions' tokens go first, so that nothing fetches their credentials again once
    // the broker has forgotten them; the reply waits (bounded) for the portal's answers.
    endSsoSessions([client = QPointer<ControlConnection>(&connection), id = request.id](int ended) {
        if (client)
            client->sendReply(id, {{ipc::keys::ssoSessions, ended}});
    });
    m_service.broker().logout();
}

void ControlHandler::stop(ControlConnection &connection, const ipc::Request &request)
{
    connection.sendReply(request.id, {{ipc::keys::pid, QCoreApplication::applicationPid()}});
    Q_EMIT m_service.stopRequested();
}

// args: challenge, proof (from the answer's X-Imsa-Proof), address and port (where the
// challenger's connection went). Says whether that answer came from this app.
void ControlHandler::verifyEndpoint(ControlConnection &connection, const ipc::Request &request)
{
    const QHostAddress address(request.args.value(ipc::keys::address).toString());
    const int port = request.args.value(ipc::keys::port).toInt(-1);
    if (address.isNull() || port < 0 || port > 65535) {
        connection.sendError(request.id,
                             {QString(ipc::errors::badRequest),
                              QStringLiteral("verify-endpoint needs an address and a port")});
        return;
    }
    const bool verified = m_service.endpointIdentity().verify(
            request.args.value(ipc::keys::challenge).toString().toLatin1(),
            request.args.value(ipc::keys::proof).toString().toLatin1(), address,
            static_cast<quint16>(port));
    connection.sendReply(request.id, {{ipc::keys::verified, verified}});
}

// args: profile, and optionally service, destination, region, print. With print the reply
// carries the sign-in URL; without, the app opens the browser itself (it runs in the graphical
// session). The URL is a bearer credential for 15 minutes: never logged.
void ControlHandler::console(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    const ConsoleOptions options{request.args.value(ipc::keys::service).toString(),
                                 request.args.value(ipc::keys::destination).toString(),
                                 request.args.value(ipc::keys::region).toString()};
    auto signin = planConsoleSignin(*profile, options, QProcessEnvironment::systemEnvironment());
    if (!signin) {
        connection.sendError(request.id,
                             {QString(ipc::errors::notAvailable), signin.error().message});
        return;
    }
    const bool print = request.args.value(ipc::keys::print).toBool();
    m_service.broker().request(profile->name);
    auto *wait = new CredentialWait(
            m_service.broker(), connection, request.id, *profile, m_service.hasMfaDialog(),
            [this, name = profile->name, plan = signin.value(),
             print](ControlConnection &client, const QString &id,
                    const AwsCredentials &credentials) {
                requestConsoleUrl(
                        m_service.network(), plan, credentials, &client,
                        [this, &client, id, name, print](Result<QUrl, Failure> url) {
                            if (!url)
                                return client.sendError(
                                        id,
                                        {QString(ipc::errors::signinFailed), url.error().message});
                            if (print) {
                                qCInfo(lcApp).noquote() << "console sign-in URL for profile" << name
                                                        << "handed to the command line";
                                return client.sendReply(
                                        id,
                                        {{ipc::keys::profile, name},
                                         {ipc::keys::url, url->toString(QUrl::FullyEncoded)}});
                            }
                            auto opened = openInBrowser(url.value(), m_service.runtimeDir(),
                                                        QProcessEnvironment::systemEnvironment(),
                                                        &m_service);
                            if (!opened)
                                return client.sendError(id,
                                                        {QString(ipc::errors::signinFailed),
                                                         opened.error().message});
                            qCInfo(lcApp).noquote()
                                    << "console of profile" << name << "opened in the browser";
                            client.sendReply(
                                    id, {{ipc::keys::profile, name}, {ipc::keys::opened, true}});
                        });
            });
    wait->start();
}

} // namespace imsa::app
