#pragma once

#include <string>

#include <QObject>
#include <QString>

namespace imsa {
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

class ProfileStore;

/// Keeps the runtime directory's state file (runtime/appstate.h) in step with the broker, so that
/// `imsa prompt` reads one small file instead of asking over the control socket: replaced
/// atomically, mode 0600, whenever what it says changes; removed when this object goes, which is
/// when the app stops. It holds times, not countdowns, so nothing needs rewriting as time passes.
class AppStateFile final : public QObject
{
    Q_OBJECT

public:
    AppStateFile(CredentialBroker &broker, const ProfileStore &profiles, const QString &runtimeDir,
                 QObject *parent = nullptr);
    ~AppStateFile() override;

    QString path() const { return m_path; }

private:
    void update();

    CredentialBroker &m_broker;
    const ProfileStore &m_profiles;
    QString m_path;
    std::string m_written;
};

} // namespace imsa::app
