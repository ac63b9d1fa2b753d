#include "service.h"

#include <QFile>
#include <QSaveFile>
#include <QThread>
#include <QUrl>

#include "accessguard.h"
#include "accesslog.h"
#include "accessquestionnotifier.h"
#include "approvalstore.h"
#include "appstatefile.h"
#include "brokerview.h"
#include "controlhandler.h"
#include "controlserver.h"
#include "desktopnotifier.h"
#include "filelimit.h"
#include "helperlauncher.h"
#include "imdsendpoint.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/ssoclient.h"
#include "imsa/ssorolecredentials.h"
#include "imsa/ssotokencache.h"
#include "imsa/stsclient.h"
#include "keystore/keystorefactory.h"
#include "mfaprocessrunner.h"
#include "platform/installpaths.h"
#include "platform/runtimedir.h"
#include "platform/statedir.h"
#include "profilestore.h"
#include "sessionnotifier.h"
#include "ssoaccountprofiles.h"
#include "ssosignins.h"

namespace imsa::app {

namespace {

/// Where the metadata server goes when 169.254.169.254:80 can't be had: a fixed port first, so
/// the AWS_EC2_METADATA_SERVICE_ENDPOINT line a user exported stays valid across restarts.
constexpr quint16 fallbackPort = 9254;

QString activeProfileFile()
{
    return stateDir() + QStringLiteral("/active-profile");
}

} // namespace

Service::Service(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options))
{ }

Service::~Service()
{
    // The serving threads read the clock, the snapshots and the identity: they stop before
    // those members go, which is before QObject would delete its children.
    if (m_containerServer != m_imdsServer)
        delete m_containerServer;
    delete m_imdsServer;
}

void Service::start()
{
    auto runtimeDir = ensureRuntimeDir();
    if (!runtimeDir)
        return fail(runtimeDir.error().message);
    m_runtimeDir = runtimeDir.value();
    m_lock = std::make_unique<QLockFile>(instanceLockPath(m_runtimeDir));
    // A lock left by a crashed instance is stale once its pid is gone; QLockFile checks that.
    m_lock->setStaleLockTime(0);
    if (!m_lock->tryLock(0))
        return fail(QStringLiteral("imsa is already running"), StartFailure::AlreadyRunning);

    m_profiles = new ProfileStore(ConfigPaths::fromEnvironment(), this);
    m_profiles->load();
    chooseKeyStore(this, [this](std::unique_ptr<KeyStore> keyStore, const QString &warning) {
        continueWithKeyStore(std::move(keyStore), warning);
    });
}

void Service::continueWithKeyStore(std::unique_ptr<KeyStore> keyStore, const QString &warning)
{
    if (!warning.isEmpty()) {
        qCWarning(lcKeyStore).noquote() << warning;
        m_warnings.append(warning);
    }
    m_keyStore = std::move(keyStore);
    m_sts = std::make_unique<StsClient>(m_network, m_clock);
    m_broker = new CredentialBroker(*m_sts, *m_keyStore, m_clock, this);
    wireIdentityCenter();
    m_broker->setProfiles(m_profiles->profiles().profiles);
    connect(m_profiles, &ProfileStore::changed, m_broker, [this] {
        m_broker->setProfiles(m_profiles->profiles().profiles);
    });
    m_view = new BrokerView(*m_broker, m_clock, m_snapshots, this);
    m_mfaProcess = new MfaProcessRunner(*m_broker, this);
    m_sessionNotifier = new SessionNotifier(*m_broker, m_clock, this);
    // Without the tray this is how a user hears of it outside the log; the tray takes over
    // once its icon shows.
    m_sessionNotifier->setDesktopNotifications(true);

    copyAccessPolicies();
    connect(m_profiles, &ProfileStore::changed, this, &Service::copyAccessPolicies);
    m_accessGuard = new AccessGuard(
            std::make_unique<AccessLog>(stateDir() + QStringLiteral("/access.log")),
            std::make_unique<ApprovalStore>(stateDir() + QStringLiteral("/approvals.json")),
            [this](const QString &profile) {
                return accessPolicy(profile);
            },
            m_clock, this);
    m_accessGuard->setRecordingAllowProfiles(m_options.accessLog);
    m_accessGuard->setCliExecutable(internalProgramPath(QStringLiteral("imsa-cli")));
    m_accessQuestions = new AccessQuestionNotifier(*m_accessGuard, this);
    auto *accessNotifier = new DesktopNotifier(this);
    connect(m_accessGuard, &AccessGuard::firstUse, accessNotifier,
            [accessNotifier](const QString &profile, const QString &program,
                             const QString &parent) {
                // `access: notify`: the user hears of each new program taking the profile.
                accessNotifier->show(
                        QStringLiteral("%1 took credentials of %2").arg(program, profile),
                        parent.isEmpty() ? QString() : QStringLiteral("started by %1").arg(parent),
                        DesktopNotifier::Urgency::Normal);
            });

    const int threads =
            m_options.threads > 0 ? m_options.threads : std::max(1, QThread::idealThreadCount());
    m_imdsServer = new ImdsEndpoint(m_snapshotView, m_clock,
                                    {{m_options.imdsv2Only, m_imdsTokens, m_containerTokens},
                                     threads,
                                     &m_identity,
                                     m_accessGuard},
                                    this);
    bindMetadataServer();
}

AccessPolicy Service::accessPolicy(const QString &profile) const
{
    const QMutexLocker locker(&m_accessPoliciesMutex);
    return m_accessPolicies.value(profile, AccessPolicy::Allow);
}

void Service::copyAccessPolicies()
{
    QHash<QString, AccessPolicy> policies;
    for (const Profile &profile : m_profiles->profiles().profiles)
        policies.insert(profile.name, profile.access);
    const QMutexLocker locker(&m_accessPoliciesMutex);
    m_accessPolicies = std::move(policies);
}

void Service::wireIdentityCenter()
{
    // The AWS CLI's token cache: a sign-in made by either serves both.
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    m_ssoTokenCache = ssoTokenCacheDirectory(environment);
    m_sso = std::make_unique<SsoClient>(m_network, m_clock);
    m_ssoCredentials = new SsoRoleCredentials(*m_sso, m_clock, m_ssoTokenCache, environment, this);
    m_broker->setSsoSource(m_ssoCredentials);
    m_ssoSignIns = new SsoSignIns(*m_sso, m_clock, m_ssoTokenCache, environment, this);
    connect(m_ssoSignIns, &SsoSignIns::signedIn, m_broker, &CredentialBroker::ssoSignedIn);
    m_ssoAccountProfiles =
            new SsoAccountProfiles(*m_profiles, *m_ssoCredentials, *m_sso, environment, this);
    connect(m_ssoSignIns, &SsoSignIns::signedIn, m_ssoAccountProfiles,
            &SsoAccountProfiles::refreshSignIn);
}

SsoApi &Service::ssoApi()
{
    return *m_sso;
}

void Service::bindMetadataServer()
{
    if (!m_options.listen.isInstanceMetadataAddress()) {
        if (!m_imdsServer->listenOn(m_options.listen.address, m_options.listen.port))
            return fail(QStringLiteral("cannot listen on %1: %2")
                                .arg(m_options.listen.url(), m_imdsServer->errorString()));
        return finishStart();
    }
    auto *launcher = new HelperLauncher(helperPath(), this);
    connect(launcher, &HelperLauncher::finished, this,
            [this, launcher](const HelperResult &result) {
                launcher->deleteLater();
                if (!result.ok())
                    return serveOnFallbackAddress(result.error);
                // The endpoint owns the descriptor from here, taken over or not.
                if (!m_imdsServer->adoptListeningSocket(result.listeningFd))
                    return serveOnFallbackAddress(m_imdsServer->errorString());
                m_servesMetadataAddress = true;
                finishStart();
            });
    launcher->start();
}

void Service::serveOnFallbackAddress(const QString &reason)
{
    const QHostAddress loopback(QHostAddress::LocalHost);
    if (m_imdsServer->listenOn(loopback, fallbackPort)) {
        addWarning(QStringLiteral("could not serve on 169.254.169.254:80: %1\n"
                                  "Serving on %2 instead; until that is fixed, tell AWS tools "
                                  "with:\n  export AWS_EC2_METADATA_SERVICE_ENDPOINT=%2")
                           .arg(reason, endpointUrl()));
        return finishStart();
    }
    // Whatever holds the fallback port is not this imsa, and AWS tools told to ask there get
    // its credentials: say so loudly, and advertise no address that imsa does not own.
    const QString taken = m_imdsServer->errorString();
    if (!m_imdsServer->listenOn(loopback, 0))
        return fail(
                QStringLiteral("cannot listen on 127.0.0.1: %1").arg(m_imdsServer->errorString()));
    addWarning(QStringLiteral("could not serve on 169.254.169.254:80: %1\n"
                              "DANGER: the fallback address 127.0.0.1:%2 is held by another "
                              "program (%3), not by imsa. AWS tools that use "
                              "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:%2/ get that "
                              "program's credentials. Find it with: ss -ltnp 'sport = :%2'\n"
                              "imsa serves on %4 for now (a new port at every start); in a "
                              "shell, use: eval \"$(imsa env PROFILE)\"; `imsa doctor` checks "
                              "who answers AWS tools.")
                       .arg(reason, QString::number(fallbackPort), taken, endpointUrl()));
    finishStart();
}

void Service::addWarning(const QString &warning)
{
    qCWarning(lcApp).noquote() << warning;
    m_warnings.append(warning);
    Q_EMIT warningsChanged();
}

void Service::finishStart()
{
    if (m_imdsServer->address().isLoopback()) {
        m_containerServer = m_imdsServer;
    } else {
        // One thread: the container route serves only shells that ran `imsa env`.
        m_containerServer =
                new ImdsEndpoint(m_snapshotView, m_clock,
                                 {{m_options.imdsv2Only, m_imdsTokens, m_containerTokens},
                                  1,
                                  nullptr,
                                  m_accessGuard},
                                 this);
        if (!m_containerServer->listenOn(QHostAddress(QHostAddress::LocalHost), 0))
            qCWarning(lcApp) << "container endpoint unavailable:"
                             << m_containerServer->errorString();
    }
    startServing();

    m_controlServer = new ControlServer(this);
    if (const auto listening = m_controlServer->listen(controlSocketPath(m_runtimeDir)); !listening)
        return fail(listening.error().message);
    m_controlHandler = new ControlHandler(*this, this);
    connect(m_controlServer, &ControlServer::requestReceived, m_controlHandler,
            &ControlHandler::handle);
    m_stateFile = new AppStateFile(*m_broker, *m_profiles, m_runtimeDir, this);

    QString unrestored;
    QFile remembered(activeProfileFile());
    if (remembered.open(QIODevice::ReadOnly)) {
        const QString profile = QString::fromUtf8(remembered.readAll()).trimmed();
        if (!profile.isEmpty() && m_broker->setActiveProfile(profile))
            qCInfo(lcApp).noquote() << "restored active profile" << profile;
        else
            unrestored = profile;
    }
    // An IAM Identity Center account and role exists once its session has listed it.
    m_ssoAccountProfiles->refresh(this, [this, unrestored] {
        if (!unrestored.isEmpty() && m_broker->activeProfile().isEmpty()
            && m_broker->setActiveProfile(unrestored))
            qCInfo(lcApp).noquote() << "restored active profile" << unrestored;
    });
    qCInfo(lcApp).noquote() << "serving instance metadata on" << endpointUrl();
    Q_EMIT started();
}

void Service::startServing()
{
    // Together below RLIMIT_NOFILE with descriptors to spare, so that a flood of metadata
    // connections can never take the control socket, the key store or STS calls down.
    const int budget = connectionBudget(openFileLimit());
    if (m_containerServer == m_imdsServer) {
        m_imdsServer->startServing(budget);
    } else {
        // The container endpoint serves only shells that ran `imsa env`.
        m_containerServer->startServing(std::max(1, budget / 4));
        m_imdsServer->startServing(std::max(1, budget - budget / 4));
    }
    qCInfo(lcApp) << "connection budget" << budget << "of" << openFileLimit() << "descriptors";
}

void Service::shutDown()
{
    // `imsa prompt` shows nothing from here on, even while the address is taken down.
    delete std::exchange(m_stateFile, nullptr);
    if (!m_servesMetadataAddress)
        return;
    // The helper removes the address only when nothing listens on it any more.
    delete std::exchange(m_imdsServer, nullptr);
    m_servesMetadataAddress = false;
    const auto removed = HelperLauncher::removeMetadataAddress(helperPath());
    if (removed)
        qCInfo(lcApp) << "took 169.254.169.254 off lo";
    else
        qCWarning(lcApp).noquote() << removed.error().message;
}

QString Service::helperPath() const
{
    return m_options.helperPath.isEmpty() ? HelperLauncher::defaultHelperPath()
                                          : m_options.helperPath;
}

void Service::fail(const QString &message, StartFailure reason)
{
    qCCritical(lcApp).noquote() << message;
    Q_EMIT startFailed(reason, message);
}

QString Service::endpointUrl() const
{
    if (!m_imdsServer)
        return {};
    return ListenAddress{m_imdsServer->address(), m_imdsServer->port()}.url();
}

QString Service::containerUrl(const QString &profile) const
{
    if (!m_containerServer)
        return {};
    // One path segment, so that the handler's one decoding gives the name back exactly:
    // unencoded, a profile named "%61dmin" named admin (issue #12). Dots are encoded too, or
    // clients would resolve a profile named ".." as a dot segment.
    return ListenAddress{m_containerServer->address(), m_containerServer->port()}.url()
            + QStringLiteral("v1/credentials/")
            + QString::fromLatin1(QUrl::toPercentEncoding(profile, {}, "."));
}

void Service::rememberActiveProfile(const QString &profile)
{
    QSaveFile file(activeProfileFile());
    // QSaveFile gives the new file the old one's mode, 0644 from older versions: 0600 it is.
    if (!file.open(QIODevice::WriteOnly)
        || !file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner)
        || file.write(profile.toUtf8()) < 0 || !file.commit())
        qCWarning(lcApp) << "cannot remember the active profile:" << file.errorString();
}

} // namespace imsa::app
