#pragma once

#include <memory>

#include <QHash>
#include <QLockFile>
#include <QMutex>
#include <QNetworkAccessManager>

#include "endpointidentity.h"
#include "imsa/accesspolicy.h"
#include "imsa/clock.h"
#include "imsa/imdstokens.h"
#include "platform/listenaddress.h"
#include "servedsnapshot.h"

namespace imsa {
class CredentialBroker;
class KeyStore;
class SsoApi;
class SsoClient;
class SsoRoleCredentials;
class StsClient;
} // namespace imsa

namespace imsa::app {

class AccessGuard;
class AccessQuestionNotifier;
class AppStateFile;
class BrokerView;
class ControlHandler;
class ControlServer;
class ImdsEndpoint;
class MfaProcessRunner;
class ProfileStore;
class SessionNotifier;
class SsoAccountProfiles;
class SsoSignIns;

/// The running app without its face: profiles, key store, broker, metadata server and control
/// socket. The headless mode runs just this; the tray shows it.
class Service final : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        ListenAddress listen{QHostAddress(QString(instanceMetadataAddress)), instanceMetadataPort};
        bool imdsv2Only = false;
        /// Threads serving the metadata endpoint; 0: QThread::idealThreadCount().
        int threads = 0;
        QString helperPath; ///< empty: HelperLauncher::defaultHelperPath()
        /// IMSA_ACCESS_LOG=off: `allow` profiles are served without finding the program or
        /// writing the access log (AccessGuard::setRecordingAllowProfiles).
        bool accessLog = true;
    };

    /// Why start() failed: another instance holding the lock is not an error for `imsa start`.
    enum class StartFailure {
        AlreadyRunning,
        Other
    };

    explicit Service(Options options, QObject *parent = nullptr);
    ~Service() override;

    /// Brings everything up; emits started() or startFailed() exactly once.
    void start();

    /// Undoes what the start changed outside this process, once the event loop has ended: takes
    /// 169.254.169.254 off `lo` again when this instance served there (through imsa-helper).
    void shutDown();

    CredentialBroker &broker() { return *m_broker; }

    ProfileStore &profileStore() { return *m_profiles; }

    KeyStore &keyStore() { return *m_keyStore; }

    const KeyStore &keyStore() const { return *m_keyStore; }

    /// IAM Identity Center sign-ins (`imsa login`, the tray's Sign in).
    SsoSignIns &ssoSignIns() { return *m_ssoSignIns; }

    /// The accounts and roles of the signed-in IAM Identity Center sessions, as profiles.
    SsoAccountProfiles &ssoAccountProfiles() { return *m_ssoAccountProfiles; }

    /// IAM Identity Center's API, for calls with a session's token (`imsa sso`, logout).
    SsoApi &ssoApi();

    /// The sessions' access tokens, refreshed when due.
    SsoRoleCredentials &ssoCredentials() { return *m_ssoCredentials; }

    /// The AWS CLI's token cache directory, which the sign-ins share with it.
    QString ssoTokenCache() const { return m_ssoTokenCache; }

    /// Warns before the active MFA session ends: in the log and as a desktop notification.
    SessionNotifier &sessionNotifier() { return *m_sessionNotifier; }

    /// The clock the broker and the servers run on, for whatever shows their times.
    Clock &clock() { return m_clock; }

    /// The app's network access (STS, the console sign-in endpoint).
    QNetworkAccessManager &network() { return m_network; }

    /// The per-user runtime directory (0700), once started.
    QString runtimeDir() const { return m_runtimeDir; }

    /// The metadata endpoint URL, e.g. "http://169.254.169.254/".
    QString endpointUrl() const;
    /// The loopback URL of the container-credentials route for `profile` (SDKs accept only
    /// loopback); empty when that endpoint is not running.
    QString containerUrl(const QString &profile) const;

    /// The Authorization value that opens `profile`'s credentials, and no other profile's.
    QByteArray containerToken(const QString &profile) const
    {
        return m_containerTokens.tokenFor(profile);
    }

    /// Who gets credentials and the access log; null until the key store is chosen.
    AccessGuard *accessGuard() const { return m_accessGuard; }

    /// The `access` key of `profile` (allow when there is no such profile). Any thread: the
    /// metadata endpoint's serving threads ask.
    AccessPolicy accessPolicy(const QString &profile) const;

    /// Proves to `imsa doctor` that the metadata endpoint is this app.
    const EndpointIdentity &endpointIdentity() const { return m_identity; }

    /// Why the preferred endpoint or key store could not be used, with the fix; empty if fine.
    QStringList warnings() const { return m_warnings; }

    /// Remembers the active profile so a restart (or crash) serves it again.
    void rememberActiveProfile(const QString &profile);

    /// Whether a graphical MFA dialog will ask for codes (the tray sets this): the CLI then
    /// waits for it instead of giving up when it has no terminal to ask on.
    bool hasMfaDialog() const { return m_hasMfaDialog; }

    void setMfaDialogAvailable(bool available) { m_hasMfaDialog = available; }

    /// The tray asks `access: ask` questions in a dialog; without it a desktop notification
    /// asks (AccessQuestionNotifier). Valid once started.
    AccessQuestionNotifier &accessQuestions() { return *m_accessQuestions; }

Q_SIGNALS:
    void started();
    void startFailed(imsa::app::Service::StartFailure reason, const QString &message);
    void stopRequested();
    void warningsChanged();

private:
    void copyAccessPolicies();
    void continueWithKeyStore(std::unique_ptr<KeyStore> keyStore, const QString &warning);
    void wireIdentityCenter();
    void bindMetadataServer();
    void serveOnFallbackAddress(const QString &reason);
    void finishStart();
    void startServing();
    void addWarning(const QString &warning);
    void fail(const QString &message, StartFailure reason = StartFailure::Other);
    QString helperPath() const;

    Options m_options;
    // Keys for this app start only: a restart invalidates every token handed out before.
    ImdsTokenSigner m_imdsTokens{randomTokenKey()};
    ContainerTokenSigner m_containerTokens{randomTokenKey()};
    EndpointIdentity m_identity;
    QStringList m_warnings;
    std::unique_ptr<QLockFile> m_lock;
    SystemClock m_clock;
    // What the serving threads answer from; BrokerView publishes a new snapshot on each change.
    SnapshotStore m_snapshots;
    SnapshotView m_snapshotView{m_snapshots, m_clock};
    QNetworkAccessManager m_network;
    std::unique_ptr<StsClient> m_sts;
    std::unique_ptr<SsoClient> m_sso;
    std::unique_ptr<KeyStore> m_keyStore;
    ProfileStore *m_profiles = nullptr;
    AccessGuard *m_accessGuard = nullptr;
    AccessQuestionNotifier *m_accessQuestions = nullptr;
    /// Each profile's `access` key, copied on the main thread whenever the profiles change.
    QHash<QString, AccessPolicy> m_accessPolicies;
    mutable QMutex m_accessPoliciesMutex;
    CredentialBroker *m_broker = nullptr;
    SsoRoleCredentials *m_ssoCredentials = nullptr;
    SsoSignIns *m_ssoSignIns = nullptr;
    SsoAccountProfiles *m_ssoAccountProfiles = nullptr;
    BrokerView *m_view = nullptr;
    ImdsEndpoint *m_imdsServer = nullptr;
    ImdsEndpoint *m_containerServer = nullptr;
    ControlServer *m_controlServer = nullptr;
    ControlHandler *m_controlHandler = nullptr;
    MfaProcessRunner *m_mfaProcess = nullptr;
    SessionNotifier *m_sessionNotifier = nullptr;
    AppStateFile *m_stateFile = nullptr;
    QString m_runtimeDir;
    QString m_ssoTokenCache;
    bool m_hasMfaDialog = false;
    bool m_servesMetadataAddress = false; ///< on 169.254.169.254:80, set up by imsa-helper
};

} // namespace imsa::app
