#include "consoleopener.h"

#include <algorithm>

#include <QTimer>

#include "consolesignin.h"
#include "imsa/credentialbroker.h"
#include "imsa/logging.h"
#include "imsa/usertext.h"
#include "platform/browser.h"

namespace imsa::app {

/// Waits for one profile's credentials like CredentialWait, without a client to tell: the
/// tray's own MFA dialog answers the broker's prompts. Deletes itself when done.
class SigninWait final : public QObject
{
public:
    SigninWait(ConsoleOpener &opener, Profile profile, ConsoleSignin signin)
        : QObject(&opener)
        , m_opener(opener)
        , m_profile(std::move(profile))
        , m_signin(std::move(signin))
    { }

    void start()
    {
        CredentialBroker &broker = m_opener.m_broker;
        connect(&broker, &CredentialBroker::credentialsChanged, this, [this](const QString &name) {
            if (name == m_profile.name)
                check();
        });
        connect(&broker, &CredentialBroker::statusChanged, this, [this](const QString &name) {
            if (name != m_profile.name || m_done)
                return;
            const ProfileStatus status = m_opener.m_broker.status(name);
            if (status.state == ProfileState::Failed && status.lastError
                && !status.lastError->isTransient())
                return fail(stsErrorText(*status.lastError, m_profile, TextLanguage::User));
            if (status.state == ProfileState::Inactive)
                return fail(QStringLiteral("MFA was cancelled."));
            check();
        });
        broker.request(m_profile.name);
        // Never finishes inside open(): the tray acts on the signals after it returns.
        QTimer::singleShot(0, this, &SigninWait::check);
    }

private:
    void check()
    {
        if (m_done)
            return;
        const std::optional<AwsCredentials> credentials =
                m_opener.m_broker.credentials(m_profile.name);
        if (!credentials)
            return;
        m_done = true;
        requestConsoleUrl(m_opener.m_network, m_signin, *credentials, this,
                          [this](Result<QUrl, Failure> url) {
                              if (!url)
                                  return finish(url.error().message);
                              auto opened = openInBrowser(url.value(), m_opener.m_runtimeDir,
                                                          m_opener.m_environment, &m_opener);
                              finish(opened ? QString() : opened.error().message);
                          });
    }

    void fail(const QString &message)
    {
        m_done = true;
        finish(message);
    }

    /// An empty `problem` means opened.
    void finish(const QString &problem)
    {
        if (problem.isEmpty()) {
            qCInfo(lcApp).noquote()
                    << "console of profile" << m_profile.name << "opened in the browser";
            Q_EMIT m_opener.opened(m_profile.name);
        } else {
            Q_EMIT m_opener.failed(m_profile.name, problem);
        }
        deleteLater();
    }

    ConsoleOpener &m_opener;
    Profile m_profile;
    ConsoleSignin m_signin;
    bool m_done = false;
};

ConsoleOpener::ConsoleOpener(CredentialBroker &broker, QNetworkAccessManager &network,
                             QString runtimeDir, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_network(network)
    , m_runtimeDir(std::move(runtimeDir))
{ }

void ConsoleOpener::open(const QString &name)
{
    const QList<Profile> profiles = m_broker.profiles();
    const auto profile = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
        return p.name == name;
    });
    if (profile == profiles.cend()) {
        QTimer::singleShot(0, this, [this, name] {
            Q_EMIT failed(name, QStringLiteral("There is no profile named %1.").arg(name));
        });
        return;
    }
    auto signin = planConsoleSignin(*profile, {}, m_environment);
    if (!signin) {
        QTimer::singleShot(0, this, [this, name, message = signin.error().message] {
            Q_EMIT failed(name, message);
        });
        return;
    }
    (new SigninWait(*this, *profile, signin.value()))->start();
}

} // namespace imsa::app
