#pragma once

#include <functional>
#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "imsa/profileloader.h"
#include "imsa/result.h"
#include "imsa/stsapi.h"

// The checks of `imsa doctor`, as functions of what they inspect, so that every failure can be
// produced in a test. doctorprobes.h reads these inputs from the real system; doctor.cpp runs
// both and prints one line per check.
namespace imsa::cli {

enum class CheckStatus {
    Ok,
    Warn,
    Fail,
    Skip
};

/// One line of `imsa doctor`: what was checked, what was found and, unless all is well, the fix.
struct CheckResult
{
    CheckStatus status = CheckStatus::Ok;
    QString name;
    QString found;
    QString fix;
};

/// "ok    helper: ...", "FAIL  credentials: ... Fix: ..." (one line).
QString formatCheck(const CheckResult &result);

/// What running a program produced.
struct CommandOutput
{
    bool started = false;
    QString error; ///< why it did not start or did not finish
    int exitCode = -1;
    QByteArray standardOutput;
    QByteArray standardError;
};

using CommandRunner =
        std::function<CommandOutput(const QString &program, const QStringList &arguments)>;

/// A listening TCP socket, as /proc/net/tcp and /proc/net/tcp6 list it.
struct TcpListener
{
    QHostAddress address;
    quint16 port = 0;
    uint uid = 0;
    quint64 inode = 0;
};

/// The listening sockets in the text of /proc/net/tcp (or tcp6 when `ipv6`).
QList<TcpListener> parseProcNetTcp(const QByteArray &text, bool ipv6);

/// The process holding a socket, found through /proc/PID/fd.
struct SocketOwner
{
    qint64 pid = 0;
    QString name;
};

using SocketOwnerLookup = std::function<std::optional<SocketOwner>(quint64 inode)>;

/// What the running imsa says about itself (`imsa status`).
struct RunningImsa
{
    qint64 pid = 0;
    QString endpoint; ///< e.g. "http://169.254.169.254/"
    QString activeProfile;
    QStringList warnings;
};

/// The AWS shared files as read from disk; a missing file is empty text.
struct AwsFiles
{
    QString configPath;
    QByteArray configText;
    QString credentialsPath;
    QByteArray credentialsText;
};

/// What answered a challenge at the endpoint AWS tools ask (see service/endpointidentity.h).
struct EndpointProbe
{
    std::optional<QString> error; ///< why nothing answered; nullopt when something did
    QHostAddress address; ///< where the connection went
    quint16 port = 0;
    QByteArray proof; ///< the answer's X-Imsa-Proof; empty: it had none
    /// What the running imsa said of the proof; nullopt: not asked (no imsa, no proof, no answer).
    std::optional<bool> verified;
};

struct KeychainProbe
{
    bool available = false;
    QString why; ///< empty when available
};

/// The tray hosts of the graphical session, as `imsa-tray --probe-tray-host` finds them.
struct TrayHostProbe
{
    QString error; ///< why the session could not be asked; empty when it was
    bool statusNotifierHost = false; ///< org.kde.StatusNotifierWatcher with a host registered
    std::optional<bool> xembedTray; ///< _NET_SYSTEM_TRAY_S0 has an owner; nullopt: not on X11
};

/// The profiles imsa can serve, from the files `paths` names.
CheckResult checkProfiles(const ProfileSet &set, const ConfigPaths &paths);

/// Whether imsa answers on its control socket.
CheckResult checkRunning(const std::optional<RunningImsa> &running);

/// imsa-helper exists, this user may run it and `imsa-helper --check` reports both capabilities.
/// `noNewPrivileges` is this process's no_new_privs flag (/proc/self/status), which voids file
/// capabilities of every program it starts.
CheckResult checkHelper(const QString &helperPath, const CommandRunner &run, bool noNewPrivileges);

/// 169.254.169.254 is on `lo` (imsa-helper adds it when imsa starts).
CheckResult checkMetadataAddress(const QList<QHostAddress> &loopbackAddresses,
                                 const std::optional<RunningImsa> &running);

/// Who listens on 169.254.169.254:80 (or on a wildcard address covering it).
CheckResult checkPortOwner(const QList<TcpListener> &listeners, const SocketOwnerLookup &ownerOf,
                           const std::optional<RunningImsa> &running, uint ownUid);

/// Credentials in the environment, which every SDK uses before instance metadata.
CheckResult checkEnvironmentCredentials(const QProcessEnvironment &env);

/// AWS_PROFILE naming a profile that gets credentials its own way, or no profile at all.
CheckResult checkAwsProfileVariable(const QProcessEnvironment &env, const AwsFiles &files);

/// Credentials in the [default] profile of the AWS files, which SDKs use before metadata.
CheckResult checkDefaultProfile(const AwsFiles &files);

/// AWS_CONTAINER_CREDENTIALS_* not set by `imsa env`.
CheckResult checkContainerCredentials(const QProcessEnvironment &env);

/// HTTP_PROXY without NO_PROXY covering 169.254.169.254: SDKs would ask the proxy.
CheckResult checkProxy(const QProcessEnvironment &env);

/// AWS_EC2_METADATA_DISABLED, and AWS_EC2_METADATA_SERVICE_ENDPOINT pointing elsewhere.
CheckResult checkMetadataVariables(const QProcessEnvironment &env,
                                   const std::optional<RunningImsa> &running);

/// Whether what answers at `endpoint`, where AWS tools ask, is the running imsa, proven with its
/// per-start key rather than by anything another program could copy. `probe` is nullopt when
/// the endpoint was not asked (--offline, and it is not on this machine).
CheckResult checkEndpointIdentity(const QString &endpoint,
                                  const std::optional<EndpointProbe> &probe,
                                  const std::optional<RunningImsa> &running);

/// Whether the Secret Service answers; `probe` is empty when it was not asked.
CheckResult checkKeychain(const std::optional<KeychainProbe> &probe, const QProcessEnvironment &env,
                          const QString &fileStorePath);

/// Whether the tray icon has a host: a StatusNotifierItem host (KDE, GNOME with AppIndicator,
/// Xfce, most Wayland bars) or an XEmbed tray (X11 only). nullopt: no graphical session.
CheckResult checkTrayHost(const std::optional<TrayHostProbe> &probe);

/// Where STS calls go: FAIL for plain http off loopback (imsa refuses it), warn for any
/// endpoint that is not AWS's own (MFA codes and keys go there).
CheckResult checkStsEndpoint(const StsEndpoint &endpoint);

/// The offset between this clock (`localNow`, taken when the answer came) and the Date of an
/// answer from `endpoint`; nullopt: not checked (--offline).
CheckResult checkClock(const std::optional<Result<QDateTime, Failure>> &serverDate,
                       const QDateTime &localNow, const QUrl &endpoint);

/// Beyond this, STS refuses signed requests ("Signature expired"): SigV4 allows 5 minutes.
inline constexpr qint64 maxClockSkewSeconds = 300;
/// Beyond this the clock is worth fixing before it drifts further.
inline constexpr qint64 clockWarnSeconds = 60;

} // namespace imsa::cli
