#pragma once

#include <QHash>
#include <QHostAddress>
#include <QTcpServer>

namespace imsa::app {

/// The TCP layer under the metadata server: refuses foreign peers before a byte is parsed, caps
/// the number of connections, closes idle ones and rejects oversized requests. QHttpServer 6.4
/// does none of this itself (no idle timeout, no size limit, never closes a connection).
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT

public:
    static constexpr int maxConnections = 2048;
    static constexpr int idleTimeoutMs = 30'000;
    /// Request line plus headers; IMDS requests are a few hundred bytes.
    static constexpr qint64 maxRequestBytes = 16 * 1024;
    /// The default of 50 makes connection bursts wait for SYN retries (long tails at 512
    /// concurrent clients); the kernel caps this at net.core.somaxconn.
    static constexpr int listenBacklog = 1024;

    using QTcpServer::QTcpServer;

    /// Peers allowed besides loopback: the listen address itself, because a client of
    /// 169.254.169.254 on `lo` shows up with that peer address.
    void setListenAddress(const QHostAddress &address) { m_listenAddress = address; }

    /// Called by the HTTP layer when a whole request was read from `socket`.
    void requestCompleted(QTcpSocket *socket);

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    void handleReadyRead(QTcpSocket *socket);

    QHostAddress m_listenAddress;
    QHash<QTcpSocket *, qint64> m_pendingBytes;
};

} // namespace imsa::app
