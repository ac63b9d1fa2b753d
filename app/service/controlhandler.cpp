#include "controlhandler.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

#include "controlserver.h"
#include "credentialwait.h"
#include "endpointidentity.h"
#include "imsa/credentialbroker.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/stsendpoint.h"
#include "profilestore.h"
#include "service.h"

namespace imsa::app {

namespace {

QJsonValue isoOrNull(const QDateTime &time)
{
    return time.isValid() ? QJsonValue(time.toUTC().toString(Qt::ISODate)) : QJsonValue();
}

QJsonObject credentialsJson(const QString &profile, const AwsCredentials &credentials)
{
    return {{QStringLiteral("profile"), profile},
            {QStringLiteral("AccessKeyId"), credentials.accessKeyId},
            {QStringLiteral("SecretAccessKey"), credentials.secretAccessKey},
            {QStringLiteral("SessionToken"), credentials.sessionToken},
            {QStringLiteral("Expiration"), isoOrNull(credentials.expiration)}};
}

QString stateName(ProfileState state)
{
    switch (state) {
    case ProfileState::Inactive:
        return QStringLiteral("inactive");
    case ProfileState::NeedsMfa:
        return QStringLiteral("needs-mfa");
    case ProfileState::Fetching:
        return QStringLiteral("fetching");
    case ProfileState::Ready:
        return QStringLiteral("ready");
    case ProfileState::Failed:
        return QStringLiteral("failed");
    }
    return {};
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

void ControlHandler::handle(ControlConnection *connection, const ipc::Request &request)
{
    static const QHash<QString, Command> commands{
            {QStringLiteral("status"), &ControlHandler::status},
            {QStringLiteral("profiles"), &ControlHandler::profiles},
            {QStringLiteral("assume"), &ControlHandler::assume},
            {QStringLiteral("credentials"), &ControlHandler::credentials},
            {QStringLiteral("env"), &ControlHandler::env},
            {QStringLiteral("mfa"), &ControlHandler::mfa},
            {QStringLiteral("renew"), &ControlHandler::renew},
            {QStringLiteral("logout"), &ControlHandler::logout},
            {QStringLiteral("stop"), &ControlHandler::stop},
            {QStringLiteral("verify-endpoint"), &ControlHandler::verifyEndpoint},
    };
    const Command command = commands.value(request.command);
    if (!command) {
        connection->sendError(request.id,
                              {QString(ipc::errors::unknownCommand),
                               QStringLiteral("unknown command '%1'").arg(request.command)});
        return;
    }
    qCDebug(lcIpc).noquote() << "control command" << request.command;
    (this->*command)(*connection, request);
}

const Profile *ControlHandler::requireProfile(ControlConnection &connection,
                                              const ipc::Request &request)
{
    const QString name = request.args.value(u"profile").toString();
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
    const Profile *profile = m_service.profileStore().profiles().find(active);
    QJsonObject result{
            {QStringLiteral("running"), true},
            {QStringLiteral("endpoint"), m_service.endpointUrl()},
            {QStringLiteral("profile"), active.isEmpty() ? QJsonValue() : QJsonValue(active)},
            {QStringLiteral("role_arn"),
             profile && profile->hasRole() ? QJsonValue(profile->roleArn) : QJsonValue()},
            {QStringLiteral("state"), stateName(status.state)},
            {QStringLiteral("expiration"), isoOrNull(status.credentialsExpiration)},
            {QStringLiteral("mfa_session_expiration"), isoOrNull(status.mfaSessionExpiration)},
            {QStringLiteral("pid"), QCoreApplication::applicationPid()},
            {QStringLiteral("key_store"), m_service.keyStore().description()},
            {QStringLiteral("warnings"), QJsonArray::fromStringList(m_service.warnings())},
            {QStringLiteral("config_errors"),
             errorList(m_service.profileStore().rejectedReloadErrors())},
    };
    if (status.lastError)
        result.insert(QStringLiteral("last_error"), status.lastError->message);
    // Where the broker's STS calls go (its environment is the app's), when not to AWS.
    const StsEndpoint sts = resolveStsEndpoint(profile ? *profile : Profile{},
                                               QProcessEnvironment::systemEnvironment());
    if (!isAwsStsEndpoint(sts.url))
        result.insert(QStringLiteral("sts_endpoint"),
                      sts.url.toDisplayString(QUrl::RemoveUserInfo));
    connection.sendReply(request.id, result);
}

void ControlHandler::profiles(ControlConnection &connection, const ipc::Request &request)
{
    const ProfileSet &set = m_service.profileStore().profiles();
    QJsonArray list;
    for (const Profile &profile : set.profiles) {
        list.append(QJsonObject{
                {QStringLiteral("name"), profile.name},
                {QStringLiteral("source"), profile.sourceFile},
                {QStringLiteral("role_arn"), profile.roleArn},
                {QStringLiteral("mfa_serial"), profile.mfaSerial},
                {QStringLiteral("region"), profile.region},
                {QStringLiteral("key_profile"), profile.keyProfile},
                {QStringLiteral("keys"),
                 profile.secretLocation == SecretLocation::KeyStore ? QStringLiteral("keychain")
                                                                    : QStringLiteral("file")},
                {QStringLiteral("state"), stateName(m_service.broker().status(profile.name).state)},
                {QStringLiteral("active"), profile.name == m_service.broker().activeProfile()},
        });
    }
    connection.sendReply(request.id,
                         {{QStringLiteral("profiles"), list},
                          {QStringLiteral("errors"), errorList(set.errors)},
                          {QStringLiteral("notices"), errorList(set.notices)},
                          {QStringLiteral("rejected_reload"),
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
                client.sendReply(
                        id,
                        {{QStringLiteral("profile"), m_service.broker().activeProfile()},
                         {QStringLiteral("role_arn"), roleArn},
                         {QStringLiteral("endpoint"), m_service.endpointUrl()},
                         {QStringLiteral("expiration"), isoOrNull(credentials.expiration)}});
            });
    wait->start();
}

void ControlHandler::credentials(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    m_service.broker().request(profile->name);
    auto *wait = new CredentialWait(
            m_service.broker(), connection, request.id, *profile, m_service.hasMfaDialog(),
            [name = profile->name](ControlConnection &client, const QString &id,
                                   const AwsCredentials &credentials) {
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
                        {{QStringLiteral("profile"), name},
                         {QStringLiteral("uri"), m_service.containerUrl(name)},
                         {QStringLiteral("token"),
                          QString::fromLatin1(m_service.containerToken(name))},
                         {QStringLiteral("expiration"), isoOrNull(credentials.expiration)}});
            });
    wait->start();
}

void ControlHandler::mfa(ControlConnection &connection, const ipc::Request &request)
{
    const Profile *profile = requireProfile(connection, request);
    if (!profile)
        return;
    const QString code = request.args.value(u"code").toString();
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
    connection.sendReply(request.id, {{QStringLiteral("profile"), active}});
}

void ControlHandler::logout(ControlConnection &connection, const ipc::Request &request)
{
    m_service.broker().logout();
    connection.sendReply(request.id, {});
}

void ControlHandler::stop(ControlConnection &connection, const ipc::Request &request)
{
    connection.sendReply(request.id, {{QStringLiteral("pid"), QCoreApplication::applicationPid()}});
    Q_EMIT m_service.stopRequested();
}

// args: challenge, proof (from the answer's X-Imsa-Proof), address and port (where the
// challenger's connection went). Says whether that answer came from this app.
void ControlHandler::verifyEndpoint(ControlConnection &connection, const ipc::Request &request)
{
    const QHostAddress address(request.args.value(u"address").toString());
    const int port = request.args.value(u"port").toInt(-1);
    if (address.isNull() || port < 0 || port > 65535) {
        connection.sendError(request.id,
                             {QString(ipc::errors::badRequest),
                              QStringLiteral("verify-endpoint needs an address and a port")});
        return;
    }
    const bool verified = m_service.endpointIdentity().verify(
            request.args.value(u"challenge").toString().toLatin1(),
            request.args.value(u"proof").toString().toLatin1(), address,
            static_cast<quint16>(port));
    connection.sendReply(request.id, {{QStringLiteral("verified"), verified}});
}

} // namespace imsa::app
