#include "guardedtcpserver.h"

#include <QTcpSocket>
#include <QTimer>

#include "imsa/detail/hostcheck.h"
#include "imsa/logging.h"

namespace imsa::app {

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (!detail::isAllowedPeer(socket->peerAddress(), m_listenAddress)) {
        qCWarning(lcImds) << "refused connection from" << socket->peerAddress().toString();
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (m_pendingBytes.size() >= maxConnections) {
        qCWarning(lcImds) << "connection limit reached; dropping a new connection";
        socket->abort();
        socket->deleteLater();
        return;
    }

    m_pendingBytes.insert(socket, 0);
    auto *idleTimer = new QTimer(socket);
    idleTimer->setSingleShot(true);
    idleTimer->setInterval(idleTimeoutMs);
    connect(idleTimer, &QTimer::timeout, socket, [socket] {
        socket->abort();
    });
    idleTimer->start();

    // Connected before QAbstractHttpServer's own handler (it connects when it takes the pending
    // connection), so oversized input is discarded before the HTTP parser buffers it.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket, idleTimer] {
        idleTimer->start();
        handleReadyRead(socket);
    });
    connect(socket, &QTcpSocket::bytesWritten, idleTimer, qOverload<>(&QTimer::start));
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        m_pendingBytes.remove(socket);
        socket->deleteLater();
    });
    addPendingConnection(socket);
}

void GuardedTcpServer::handleReadyRead(QTcpSocket *socket)
{
    auto pending = m_pendingBytes.find(socket);
    if (pending == m_pendingBytes.end())
        return;
    *pending += socket->bytesAvailable();
    if (*pending <= maxRequestBytes)
        return;
    qCWarning(lcImds) << "request from" << socket->peerAddress().toString() << "exceeds"
                      << maxRequestBytes << "bytes; closing";
    socket->readAll();
    socket->write("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                  "Content-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
    m_pendingBytes.remove(socket);
}

void GuardedTcpServer::requestCompleted(QTcpSocket *socket)
{
    auto pending = m_pendingBytes.find(socket);
    if (pending != m_pendingBytes.end())
        *pending = 0;
}

} // namespace imsa::app
