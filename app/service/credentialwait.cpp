#include "credentialwait.h"

#include <QJsonObject>

#include "controlserver.h"
#include "imsa/credentialbroker.h"
#include "imsa/usertext.h"

namespace imsa::app {

CredentialWait::CredentialWait(CredentialBroker &broker, ControlConnection &connection,
                               QString requestId, Profile profile, bool hasMfaDialog, Finish finish)
    : QObject(&connection)
    , m_broker(broker)
    , m_connection(&connection)
    , m_requestId(std::move(requestId))
    , m_profile(std::move(profile))
    , m_finish(std::move(finish))
    , m_hasMfaDialog(hasMfaDialog)
{ }

void CredentialWait::start()
{
    connect(&m_broker, &CredentialBroker::credentialsChanged, this, [this](const QString &profile) {
        if (profile == m_profile.name)
            checkCredentials();
    });
    connect(&m_broker, &CredentialBroker::statusChanged, this,
            &CredentialWait::handleStatusChanged);
    connect(&m_broker, &CredentialBroker::mfaRequired, this, [this](const QString &profile) {
        if (concernsMe(profile))
            sendMfaRequired();
    });
    connect(&m_broker, &CredentialBroker::mfaCodeRejected, this,
            [this](const QString &profile, const StsError &error) {
                if (concernsMe(profile) && m_connection)
                    m_connection->sendEvent(
                            m_requestId, ipc::events::mfaRejected,
                            {{ipc::keys::message,
                              stsErrorText(error, m_profile, TextLanguage::English)}});
            });
    connect(&m_broker, &CredentialBroker::mfaSatisfied, this, [this](const QString &profile) {
        if (concernsMe(profile) && m_connection)
            m_connection->sendEvent(m_requestId, ipc::events::mfaSatisfied, {});
    });

    checkCredentials();
    if (!m_done && m_broker.status(m_profile.name).state == ProfileState::NeedsMfa)
        sendMfaRequired();
}

bool CredentialWait::concernsMe(const QString &otherProfile) const
{
    if (otherProfile == m_profile.name)
        return true;
    const QList<Profile> profiles = m_broker.profiles();
    const auto other = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
        return p.name == otherProfile;
    });
    return other != profiles.cend() && other->baseIdentity() == m_profile.baseIdentity();
}

void CredentialWait::sendMfaRequired()
{
    if (!m_connection)
        return;
    m_connection->sendEvent(m_requestId, ipc::events::mfaRequired,
                            {{ipc::keys::profile, m_profile.name},
                             {ipc::keys::mfaSerial, m_profile.mfaSerial},
                             {ipc::keys::dialog, m_hasMfaDialog}});
}

void CredentialWait::checkCredentials()
{
    if (m_done)
        return;
    const std::optional<AwsCredentials> credentials = m_broker.credentials(m_profile.name);
    if (!credentials)
        return;
    m_done = true;
    if (m_connection)
        m_finish(*m_connection, m_requestId, *credentials);
    deleteLater();
}

void CredentialWait::handleStatusChanged(const QString &profile)
{
    if (m_done || profile != m_profile.name)
        return;
    const ProfileStatus status = m_broker.status(profile);
    if (status.state == ProfileState::Failed && status.lastError
        && !status.lastError->isTransient())
        return fail(QString(status.lastError->code == StsErrorCode::SignInNeeded
                                    ? ipc::errors::signInNeeded
                                    : ipc::errors::stsError),
                    stsErrorText(*status.lastError, m_profile, TextLanguage::English));
    if (status.state == ProfileState::Inactive)
        return fail(QString(ipc::errors::mfaCancelled),
                    QStringLiteral("MFA was cancelled; profile '%1' is not active").arg(profile));
    checkCredentials();
}

void CredentialWait::fail(const QString &code, const QString &message)
{
    m_done = true;
    if (m_connection)
        m_connection->sendError(m_requestId, {code, message});
    deleteLater();
}

} // namespace imsa::app
