#include "guardedtcpserver.h"

#include <algorithm>

#include <QTcpSocket>

#include "imsa/hostcheck.h"
#include "imsa/logging.h"

namespace imsa::app {

namespace {

/// A flood would otherwise write a log line per connection or per failed accept.
constexpr qint64 logIntervalMs = 10'000;

/// Whether a repeated warning is due again, `now` and `lastLog` in ms; updates `lastLog`.
bool warningDue(qint64 now, qint64 &lastLog)
{
    if (lastLog >= 0 && now - lastLog < logIntervalMs)
        return false;
    lastLog = now;
    return true;
}

} // namespace

GuardedTcpServer::GuardedTcpServer(QObject *parent)
    : QTcpServer(parent)
{
    m_clock.start();
    m_sweepTimer.setSingleShot(true);
    connect(&m_sweepTimer, &QTimer::timeout, this, &GuardedTcpServer::sweep);
    m_resumeTimer.setSingleShot(true);
    connect(&m_resumeTimer, &QTimer::timeout, this, &QTcpServer::resumeAccepting);
    connect(this, &QTcpServer::acceptError, this, &GuardedTcpServer::pauseAfterAcceptError);
}

void GuardedTcpServer::setConnectionLimit(int limit)
{
    m_limit = std::clamp(limit, 1, maxConnections);
}

void GuardedTcpServer::incomingConnection(qintptr socketDescriptor)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(socketDescriptor)) {
        delete socket;
        return;
    }
    if (!isAllowedPeer(socket->peerAddress(), m_listenAddress)) {
        qCWarning(lcImds) << "refused connection from" << socket->peerAddress().toString();
        socket->abort();
        socket->deleteLater();
        return;
    }
    if (connectionCount() >= m_limit)
        evictLongestIdle();

    Connection &connection = m_connections.emplace_back();
    connection.socket = socket;
    connection.lastActivity = m_clock.elapsed();
    m_index.insert(socket, std::prev(m_connections.end()));
    m_peakConnections = std::max(m_peakConnections, connectionCount());
    // Connected before QAbstractHttpServer's own handler (it connects when it takes the pending
    // connection), so oversized input is discarded before the HTTP parser buffers it.
    connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
        handleReadyRead(socket);
    });
    connect(socket, &QTcpSocket::bytesWritten, this, [this, socket] {
        touch(socket);
    });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        forget(socket);
        socket->deleteLater();
    });
    scheduleSweep();
    addPendingConnection(socket);
}

void GuardedTcpServer::handleReadyRead(QTcpSocket *socket)
{
    const auto found = m_index.constFind(socket);
    if (found == m_index.cend())
        return;
    const ActivityOrder::iterator connection = *found;
    touch(socket);
    if (connection->rejected) {
        socket->readAll();
        return;
    }
    if (connection->requestStarted < 0) {
        connection->requestStarted = connection->lastActivity;
        connection->requestPosition = m_requests.insert(m_requests.end(), connection);
        scheduleSweep();
    }
    connection->pendingBytes += socket->bytesAvailable();
    if (connection->pendingBytes <= maxRequestBytes)
        return;
    qCWarning(lcImds) << "request from" << socket->peerAddress().toString() << "exceeds"
                      << maxRequestBytes << "bytes; closing";
    connection->rejected = true;
    socket->readAll();
    socket->write("HTTP/1.1 431 Request Header Fields Too Large\r\n"
                  "Content-Length: 0\r\nConnection: close\r\n\r\n");
    socket->disconnectFromHost();
}

void GuardedTcpServer::requestCompleted(QTcpSocket *socket)
{
    const auto found = m_index.constFind(socket);
    if (found == m_index.cend())
        return;
    const ActivityOrder::iterator connection = *found;
    connection->pendingBytes = 0;
    if (connection->requestStarted >= 0) {
        m_requests.erase(connection->requestPosition);
        connection->requestStarted = -1;
    }
}

void GuardedTcpServer::touch(QTcpSocket *socket)
{
    const auto found = m_index.constFind(socket);
    if (found == m_index.cend())
        return;
    (*found)->lastActivity = m_clock.elapsed();
    m_connections.splice(m_connections.end(), m_connections, *found);
}

void GuardedTcpServer::forget(QTcpSocket *socket)
{
    const auto found = m_index.constFind(socket);
    if (found == m_index.cend())
        return;
    const ActivityOrder::iterator connection = *found;
    if (connection->requestStarted >= 0)
        m_requests.erase(connection->requestPosition);
    m_connections.erase(connection);
    m_index.erase(found);
    if (m_index.isEmpty() && m_peakConnections >= busyConnections) {
        m_peakConnections = 0;
        Q_EMIT drained();
    }
}

void GuardedTcpServer::close(ActivityOrder::iterator connection)
{
    QTcpSocket *socket = connection->socket;
    forget(socket);
    // abort() frees the descriptor at once; the object goes at the next turn of the loop.
    socket->abort();
    socket->deleteLater();
}

void GuardedTcpServer::evictLongestIdle()
{
    ++m_evictions;
    if (warningDue(m_clock.elapsed(), m_lastEvictionLog))
        qCWarning(lcImds).nospace() << "connection limit (" << m_limit
                                    << ") reached; closing the longest-idle connection for a new "
                                       "one ("
                                    << m_evictions << " so far)";
    close(m_connections.begin());
}

void GuardedTcpServer::sweep()
{
    m_sweepDue = -1;
    const qint64 now = m_clock.elapsed();
    const qint64 idleMs = m_timeouts.idle.count();
    while (!m_connections.empty() && now - m_connections.front().lastActivity >= idleMs)
        close(m_connections.begin());
    const qint64 requestMs = m_timeouts.request.count();
    while (!m_requests.empty() && now - m_requests.front()->requestStarted >= requestMs) {
        qCWarning(lcImds) << "request from" << m_requests.front()->socket->peerAddress().toString()
                          << "not complete within" << requestMs << "ms; closing";
        close(m_requests.front());
    }
    scheduleSweep();
}

void GuardedTcpServer::scheduleSweep()
{
    qint64 due = -1;
    if (!m_connections.empty())
        due = m_connections.front().lastActivity + m_timeouts.idle.count();
    if (!m_requests.empty()) {
        const qint64 requestDue = m_requests.front()->requestStarted + m_timeouts.request.count();
        due = due < 0 ? requestDue : std::min(due, requestDue);
    }
    if (due < 0) {
        m_sweepTimer.stop();
        m_sweepDue = -1;
        return;
    }
    // Activity only moves deadlines later; a sweep that comes early finds nothing and re-arms.
    if (m_sweepTimer.isActive() && m_sweepDue <= due)
        return;
    m_sweepDue = due;
    m_sweepTimer.start(static_cast<int>(std::max<qint64>(0, due - m_clock.elapsed())));
}

void GuardedTcpServer::pauseAfterAcceptError(QAbstractSocket::SocketError error)
{
    // Qt has paused accepting already, and would not resume by itself.
    pauseAccepting();
    if (m_resumeTimer.isActive())
        return;
    if (warningDue(m_clock.elapsed(), m_lastAcceptErrorLog))
        qCWarning(lcImds) << "cannot accept connections:" << error << errorString()
                          << "; pausing for" << m_timeouts.acceptPause.count() << "ms";
    m_resumeTimer.start(m_timeouts.acceptPause);
}

} // namespace imsa::app
