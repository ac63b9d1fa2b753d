#pragma once

#include <memory>

#include <QJsonObject>
#include <QProcess>
#include <QProcessEnvironment>
#include <QTemporaryDir>

namespace imsa::test {

/// What a finished command printed.
struct CommandResult
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// A throwaway user environment for running the built `imsa` binary as a user would: its own
/// HOME, runtime and state directories, configuration files, a stand-in STS process on
/// 127.0.0.1 that every STS call (imsa's and the AWS clients') goes to, and the app itself.
/// None of the caller's IMSA_*/AWS_* variables reach what it runs. Everything it starts is
/// stopped when it is destroyed (the app through `imsa stop`, then by pid), when the test gets
/// SIGTERM, SIGINT, SIGHUP or aborts (the app by pid), and when the test process dies (the
/// stand-in STS, through PR_SET_PDEATHSIG).
class E2eEnvironment
{
public:
    /// The identity built into imsa-standin-sts.
    static constexpr auto accessKeyId = "AKIAIOSFODNN7EXAMPLE";
    static constexpr auto secretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    static constexpr auto mfaSerial = "arn:aws:iam::123456789012:mfa/alice";
    static constexpr auto mfaCode = "123456";

    E2eEnvironment();
    ~E2eEnvironment();

    /// False (with a reason in error()) when the binaries or the stand-in can't be started.
    /// Sends STS calls (AWS_ENDPOINT_URL_STS) and the console sign-in (IMSA_SIGNIN_URL) to it.
    bool startSts(const QStringList &extraArguments = {});
    /// ~/.imsa with a base profile (keys + MFA) and role profiles `dev` and `prod` extending it.
    void writeDefaultConfig();
    void writeFile(const QString &relativePath, const QByteArray &content);

    /// Sets a variable for everything started from now on (the app included).
    void setVariable(const QString &name, const QString &value)
    {
        m_environment.insert(name, value);
    }

    /// Runs `imsa ARGS` and waits (bounded) for it.
    CommandResult imsa(const QStringList &arguments, int timeoutMs = 20'000) const;
    enum class SsoApproval {
        Approve,
        Deny
    };
    /// startSts(`extraArguments`), and the app's IAM Identity Center endpoints (sso-oidc and the
    /// portal) set to it, for an app started afterwards. e2essologin.cpp
    bool startSsoStandIn(const QStringList &extraArguments = {});
    /// Runs `imsa login ARGS` against the stand-in's sso-oidc (startSts, and
    /// AWS_ENDPOINT_URL_SSO_OIDC set to stsUrl()), approves or denies the code it prints as the
    /// user would in the browser, and returns what it printed. e2essologin.cpp
    CommandResult ssoLogin(const QStringList &arguments,
                           SsoApproval approval = SsoApproval::Approve) const;
    /// The same for any command that signs in on the way (`imsa assume` of an SSO profile):
    /// runs `imsa IMSA-ARGUMENTS` and does the user's part once it prints the URL.
    CommandResult signInThrough(const QStringList &imsaArguments,
                                SsoApproval approval = SsoApproval::Approve) const;
    /// ~/.aws/config: sso-session `corp` and profile `dev-admin` (account 111111111111,
    /// AdministratorAccess) of the stand-in's organisation. e2essologin.cpp
    static const QByteArray ssoConfig;
    /// Where the AWS CLI and imsa keep session `corp`'s token: SHA-1 of the name.
    QString ssoTokenCacheFile() const;
    /// Runs any program with this environment plus `extra`.
    CommandResult run(const QString &program, const QStringList &arguments,
                      const QProcessEnvironment &extra = {}, int timeoutMs = 60'000) const;

    /// `imsa start --listen 127.0.0.1:0 EXTRA`; remembers the endpoint and pid.
    bool startApp(const QStringList &extraArguments = {});
    /// Runs `program ARGUMENTS`, which must start the app (e.g. `prlimit ... imsa start`, or
    /// `imsa start` without --listen), and remembers the endpoint and pid like startApp().
    bool startAppWith(const QString &program, const QStringList &arguments);

    QString endpoint() const { return m_endpoint; }

    qint64 appPid() const { return m_appPid; }

    /// Sends `signal` to the app and waits (up to 5 s) until it is gone.
    void killApp(int signal);

    /// Per-action call counts of the stand-in STS, e.g. counts["GetSessionToken"].
    QJsonObject stsCallCounts() const;
    QString stsUrl() const;

    /// The environment an AWS client gets to find credentials at imsa's endpoint.
    QProcessEnvironment clientEnvironment() const;

    QProcessEnvironment environment() const { return m_environment; }

    QString path(const QString &relativePath) const;

    QString error() const { return m_error; }

private:
    /// `imsa stop` if an app may be running here, then SIGKILL if it still runs.
    void stopApp();
    /// Whether `pid` is a process started with this environment's HOME.
    bool isOurs(qint64 pid) const;

    std::unique_ptr<QTemporaryDir> m_root;
    QProcessEnvironment m_environment;
    std::unique_ptr<QProcess> m_sts;
    quint16 m_stsPort = 0;
    QString m_endpoint;
    qint64 m_appPid = 0;
    bool m_appStarted = false;
    QString m_error;
};

/// The built binaries, from the environment ctest gives the e2e tests.
QString imsaBinary();
QString standInStsBinary();

} // namespace imsa::test
