#include "mfaprocessrunner.h"

#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "mfacommand.h"

namespace imsa::app {

MfaProcessRunner::MfaProcessRunner(CredentialBroker &broker, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
{
    connect(&broker, &CredentialBroker::mfaRequired, this, &MfaProcessRunner::handleMfaRequired);
}

void MfaProcessRunner::handleMfaRequired(const QString &profileName)
{
    const QList<Profile> profiles = m_broker.profiles();
    const auto profile = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
        return p.name == profileName;
    });
    if (profile == profiles.cend() || profile->mfaProcess.isEmpty()
        || m_running.contains(profileName))
        return;

    m_running.insert(profileName);
    // A child of this object: destroyed with it at shutdown, which kills whatever still runs.
    auto *command =
            new MfaCommand(profileName, profile->mfaProcess, MfaCommand::defaultTimeout, this);
    connect(command, &MfaCommand::codeReady, this,
            [this, command, profileName](const QString &code) {
                command->deleteLater();
                m_running.remove(profileName);
                qCInfo(lcBroker).noquote()
                        << "MFA code for profile" << profileName << "from mfa_process";
                m_broker.submitMfaCode(profileName, code);
            });
    connect(command, &MfaCommand::failed, this,
            [this, command, profileName](const QString &message) {
                command->deleteLater();
                m_running.remove(profileName);
                qCWarning(lcBroker).noquote() << message;
            });
    command->start();
}

} // namespace imsa::app
