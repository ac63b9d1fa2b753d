#include "appstatefile.h"

#include <QCoreApplication>
#include <QFile>
#include <QSaveFile>

#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "profilestore.h"
#include "runtime/appstate.h"
#include "statewords.h"

namespace imsa::app {

AppStateFile::AppStateFile(CredentialBroker &broker, const ProfileStore &profiles,
                           const QString &runtimeDir, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_profiles(profiles)
    , m_path(QFile::decodeName(
              runtime::appStatePath(QFile::encodeName(runtimeDir).toStdString()).c_str()))
{
    connect(&broker, &CredentialBroker::activeProfileChanged, this, &AppStateFile::update);
    connect(&broker, &CredentialBroker::statusChanged, this, &AppStateFile::update);
    connect(&broker, &CredentialBroker::credentialsChanged, this, &AppStateFile::update);
    update();
}

AppStateFile::~AppStateFile()
{
    QFile::remove(m_path);
}

void AppStateFile::update()
{
    const QString active = m_broker.activeProfile();
    const ProfileStatus status = m_broker.status(active);
    runtime::AppState state{QCoreApplication::applicationPid(), active.toStdString(),
                            std::string(stateWord(status.state)), std::nullopt};
    if (status.state == ProfileState::Ready) {
        // What the user must act on: a new MFA code when the session ends. Without a session,
        // a profile that needs MFA serves until its credentials end; others renew on their own.
        const Profile *profile = m_profiles.profiles().find(active);
        if (status.mfaSessionExpiration.isValid())
            state.actBy = status.mfaSessionExpiration.toSecsSinceEpoch();
        else if (profile && profile->needsMfa() && status.credentialsExpiration.isValid())
            state.actBy = status.credentialsExpiration.toSecsSinceEpoch();
    }
    std::string text = runtime::formatAppState(state);
    if (text == m_written)
        return;

    QSaveFile file(m_path);
    // QSaveFile creates a new file 0666 & ~umask: narrowed while still empty. `imsa prompt`
    // ignores a file that others can read.
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(text.data(), static_cast<qint64>(text.size()))
                != static_cast<qint64>(text.size())
        || !file.commit()) {
        qCWarning(lcApp).noquote() << "cannot write" << m_path << ":" << file.errorString();
        return;
    }
    m_written = std::move(text);
}

} // namespace imsa::app
