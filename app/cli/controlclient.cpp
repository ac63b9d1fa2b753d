#include "controlclient.h"

#include <cerrno>
#include <csignal>

#include <QDeadlineTimer>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>
#include <QLockFile>
#include <QThread>

#include "platform/runtimedir.h"

namespace imsa::cli {

namespace {

/// The app checks its socket every second (ControlServer::checkInterval) and recreates it.
constexpr int socketRecoveryMs = 3000;
constexpr int socketRetryMs = 10;

} // namespace

QString notRunningMessage()
{
    return QStringLiteral("imsa is not running (start it with: imsa start)");
}

bool isLiveProcessNamed(qint64 pid, const QString &name)
{
    if (pid <= 0 || (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM))
        return false;
    const QString proc = QStringLiteral("/proc/%1/").arg(pid);
    QFile stat(proc + QStringLiteral("stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        // "pid (comm) S ...": the state follows the last ')'; a zombie has exited.
        const QByteArray text = stat.readAll();
        if (text.mid(text.lastIndexOf(')') + 2, 1) == "Z")
            return false;
    }
    // As QLockFile does: a pid reused by another program is not the lock's owner.
    QString executable = QFileInfo(proc + QStringLiteral("exe")).symLinkTarget();
    if (name.isEmpty() || executable.isEmpty())
        return true; // another user's process, or no /proc: trust the pid
    executable.remove(QStringLiteral(" (deleted)"));
    return QFileInfo(executable).fileName() == name;
}

std::optional<qint64> lockedInstancePid()
{
    const auto runtimeDir = app::ensureRuntimeDir();
    if (!runtimeDir)
        return std::nullopt;
    const QLockFile lock(app::instanceLockPath(runtimeDir.value()));
    qint64 pid = 0;
    QString hostName;
    QString application;
    if (!lock.getLockInfo(&pid, &hostName, &application) || !isLiveProcessNamed(pid, application))
        return std::nullopt;
    return pid;
}

QString unreachableMessage(qint64 pid)
{
    const auto runtimeDir = app::ensureRuntimeDir();
    return QStringLiteral("imsa is running (pid %1) but does not answer on its control socket %2; "
                          "restart it with: imsa stop && imsa start")
            .arg(pid)
            .arg(runtimeDir ? app::controlSocketPath(runtimeDir.value()) : QString());
}

bool ControlClient::connectToApp(int timeoutMs)
{
    auto runtimeDir = app::ensureRuntimeDir();
    if (!runtimeDir)
        return false;
    const QString path = app::controlSocketPath(runtimeDir.value());
    const auto tryConnect = [&] {
        m_socket.connectToServer(path);
        if (m_socket.waitForConnected(timeoutMs))
            return true;
        m_socket.abort();
        return false;
    };
    if (tryConnect())
        return true;
    const QDeadlineTimer deadline(socketRecoveryMs);
    while (!deadline.hasExpired() && lockedInstancePid()) {
        QThread::msleep(socketRetryMs);
        if (tryConnect())
            return true;
    }
    return false;
}

QString ControlClient::nextId()
{
    return QString::number(++m_lastId);
}

void ControlClient::post(const QString &command, const QJsonObject &args)
{
    m_socket.write(ipc::serializeRequest({nextId(), command, args}));
    m_socket.flush();
}

std::optional<ipc::Response> ControlClient::readResponse()
{
    while (!m_socket.canReadLine()) {
        if (m_socket.state() != QLocalSocket::ConnectedState && m_socket.bytesAvailable() == 0)
            return std::nullopt;
        QEventLoop loop;
        connect(&m_socket, &QLocalSocket::readyRead, &loop, &QEventLoop::quit);
        connect(&m_socket, &QLocalSocket::disconnected, &loop, &QEventLoop::quit);
        if (!m_socket.canReadLine() && m_socket.state() == QLocalSocket::ConnectedState)
            loop.exec();
        if (!m_socket.canReadLine() && m_socket.state() != QLocalSocket::ConnectedState)
            return std::nullopt;
    }
    QByteArray line = m_socket.readLine(ipc::maxLineBytes + 1);
    line.chop(1);
    auto response = ipc::parseResponse(line);
    if (!response)
        return std::nullopt;
    return response.value();
}

Result<QJsonObject, ipc::Error> ControlClient::call(const QString &command, const QJsonObject &args,
                                                    const EventHandler &onEvent)
{
    const QString id = nextId();
    m_socket.write(ipc::serializeRequest({id, command, args}));
    m_socket.flush();
    for (;;) {
        const std::optional<ipc::Response> response = readResponse();
        if (!response)
            return ipc::Error{QStringLiteral("disconnected"),
                              QStringLiteral("the connection to imsa was lost")};
        if (response->id != id)
            continue;
        if (response->kind == ipc::Response::Kind::Event) {
            if (onEvent)
                onEvent(response->event, response->result);
            continue;
        }
        if (!response->ok)
            return response->error;
        return response->result;
    }
}

} // namespace imsa::cli
