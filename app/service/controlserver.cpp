#include "controlserver.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>
#include <QLocalSocket>

#include "imsa/logging.h"

namespace imsa::app {

namespace {

/// The process at the other end as the kernel recorded it at connect(); uid and pid -1 when
/// it won't tell.
ucred peerCredentials(const QLocalSocket *socket)
{
    ucred credentials{};
    socklen_t length = sizeof(credentials);
    if (getsockopt(static_cast<int>(socket->socketDescriptor()), SOL_SOCKET, SO_PEERCRED,
                   &credentials, &length)
        != 0)
        return {-1, static_cast<uid_t>(-1), static_cast<gid_t>(-1)};
    return credentials;
}

qint64 peerUid(const QLocalSocket *socket)
{
    const ucred credentials = peerCredentials(socket);
    return credentials.pid < 0 ? -1 : qint64(credentials.uid);
}

} // namespace

ControlConnection::ControlConnection(QLocalSocket *socket, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
{
    socket->setParent(this);
    const ucred credentials = peerCredentials(socket);
    if (credentials.pid > 0) {
        m_peerPid = credentials.pid;
        m_peerUid = credentials.uid;
    }
    socket->setReadBufferSize(ipc::maxLineBytes + 1);
    connect(socket, &QLocalSocket::readyRead, this, &ControlConnection::handleReadyRead);
    connect(socket, &QLocalSocket::disconnected, this, [this] {
        Q_EMIT closed();
        deleteLater();
    });
}

void ControlConnection::handleReadyRead()
{
    while (m_socket->bytesAvailable() > 0) {
        // Wait for the rest of a line unless the buffer is full (the line is over the limit).
        if (!m_discarding && !m_socket->canReadLine()
            && m_socket->bytesAvailable() <= ipc::maxLineBytes)
            return;
        QByteArray line = m_socket->readLine(ipc::maxLineBytes + 1);
        const bool complete = line.endsWith('\n');
        if (m_discarding) {
            m_discarding = !complete;
            continue;
        }
        if (!complete) {
            // Answer once, then drop the rest of the oversized line instead of buffering it.
            qCWarning(lcIpc) << "control message over" << ipc::maxLineBytes << "bytes; discarded";
            sendError(QString(),
                      {QString(ipc::errors::badRequest), QStringLiteral("message too long")});
            m_discarding = true;
            continue;
        }
        line.chop(1);
        auto request = ipc::parseRequest(line);
        if (!request) {
            qCWarning(lcIpc) << "malformed control message:" << request.error().message;
            // The id of a malformed message cannot be trusted; reply with an empty one.
            sendError(QString(), request.error());
            continue;
        }
        Q_EMIT requestReceived(request.value());
    }
}

void ControlConnection::write(const QByteArray &line)
{
    if (m_socket->state() != QLocalSocket::ConnectedState)
        return;
    m_socket->write(line);
    // Out now, not at the next turn of the event loop: the reply to `stop` is followed by the
    // app quitting, which Qt's own dispatcher processes before the socket's write notifier.
    m_socket->flush();
}

void ControlConnection::sendReply(const QString &id, const QJsonObject &result)
{
    write(ipc::serializeReply(id, result));
}

void ControlConnection::sendError(const QString &id, const ipc::Error &error)
{
    write(ipc::serializeError(id, error));
}

void ControlConnection::sendEvent(const QString &id, const QString &event, const QJsonObject &data)
{
    write(ipc::serializeEvent(id, event, data));
}

ControlServer::ControlServer(QObject *parent)
    : QObject(parent)
{
    m_server.setSocketOptions(QLocalServer::UserAccessOption);
    connect(&m_server, &QLocalServer::newConnection, this, &ControlServer::handleNewConnection);
    connect(&m_checkTimer, &QTimer::timeout, this, &ControlServer::ensureListening);
}

Result<Done, Failure> ControlServer::listen(const QString &socketPath)
{
    m_path = socketPath;
    auto listening = listenAgain();
    if (listening)
        m_checkTimer.start(checkInterval);
    return listening;
}

Result<Done, Failure> ControlServer::listenAgain()
{
    m_server.close();
    QLocalServer::removeServer(m_path);
    if (!m_server.listen(m_path))
        return Failure{
                QStringLiteral("cannot listen on %1: %2").arg(m_path, m_server.errorString())};

    struct stat info
    { };

    m_inode = ::lstat(QFile::encodeName(m_path).constData(), &info) == 0 ? info.st_ino : 0;
    return Done{};
}

bool ControlServer::socketFileIsOurs() const
{
    struct stat info
    { };

    return ::lstat(QFile::encodeName(m_path).constData(), &info) == 0 && S_ISSOCK(info.st_mode)
            && info.st_ino == m_inode;
}

void ControlServer::ensureListening()
{
    if (m_server.isListening() && socketFileIsOurs())
        return;
    const auto listening = listenAgain();
    if (listening) {
        qCWarning(lcIpc).noquote()
                << "the control socket" << m_path << "was gone; listening there again";
        m_lost = false;
    } else if (!m_lost) {
        qCWarning(lcIpc).noquote()
                << "the control socket is gone and cannot be recreated:"
                << listening.error().message << "(retrying every" << checkInterval.count() << "ms)";
        m_lost = true;
    }
}

void ControlServer::handleNewConnection()
{
    while (QLocalSocket *socket = m_server.nextPendingConnection()) {
        // The socket file is 0700 already; this also covers a directory someone loosened.
        const qint64 uid = peerUid(socket);
        if (uid != static_cast<qint64>(getuid())) {
            qCWarning(lcIpc) << "refused control connection from uid" << uid;
            socket->abort();
            socket->deleteLater();
            continue;
        }
        auto *connection = new ControlConnection(socket, this);
        connect(connection, &ControlConnection::requestReceived, this,
                [this, connection](const ipc::Request &request) {
                    Q_EMIT requestReceived(connection, request);
                });
    }
}

} // namespace imsa::app
