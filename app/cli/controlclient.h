#pragma once

#include <functional>
#include <optional>

#include <QLocalSocket>

#include "imsa/ipcmessage.h"
#include "imsa/result.h"

namespace imsa::cli {

/// The CLI's end of the control socket. Calls run a local event loop until the reply arrives;
/// events for the same request are passed to a callback meanwhile (e.g. "mfa-required").
class ControlClient final : public QObject
{
    Q_OBJECT

public:
    /// Connects to the running app's socket; false when no app answers. When the socket is
    /// missing but the instance lock names a live imsa, waits for the app to recreate it.
    bool connectToApp(int timeoutMs = 1000);

    using EventHandler = std::function<void(const QString &event, const QJsonObject &data)>;

    /// Sends a request and waits for its reply (no timeout: the app answers every request, and
    /// some wait for a human typing an MFA code). A lost connection is an error reply.
    Result<QJsonObject, ipc::Error> call(const QString &command, const QJsonObject &args = {},
                                         const EventHandler &onEvent = {});

    /// Sends a request without waiting; its reply is discarded by call()'s loop.
    void post(const QString &command, const QJsonObject &args);

    /// Drops the connection; a call() in progress returns with an error.
    void abort() { m_socket.abort(); }

private:
    QString nextId();
    std::optional<ipc::Response> readResponse();

    QLocalSocket m_socket;
    int m_lastId = 0;
};

/// "imsa is not running (start it with: imsa start)".
QString notRunningMessage();

/// The pid of the imsa that holds the instance lock, if that process is alive: the running app
/// even when its control socket is gone.
std::optional<qint64> lockedInstancePid();

/// Whether `pid` is a live process (not a zombie) whose executable is named `name`.
bool isLiveProcessNamed(qint64 pid, const QString &name);

/// "imsa is running (pid N) but does not answer on its control socket ...".
QString unreachableMessage(qint64 pid);

} // namespace imsa::cli
