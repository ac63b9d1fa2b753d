#pragma once

#include <chrono>
#include <list>

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QTcpServer>
#include <QTimer>

namespace imsa::app {

/// The TCP layer under the metadata server: refuses foreign peers before a byte is parsed, caps
/// the number of connections, closes idle and slow ones and rejects oversized requests.
/// QHttpServer 6.4 does none of this itself (no idle timeout, no size limit, never closes a
/// connection).
///
/// Any local user can open connections, so a full table must not lock clients out: a new
/// connection closes the longest-idle one instead of being refused. Connections are kept in
/// order of their last activity, which makes that, and the idle timeout, O(1) per event.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT

public:
    /// Upper bound of the connection limit, whatever RLIMIT_NOFILE allows.
    static constexpr int maxConnections = 2048;
    static constexpr std::chrono::milliseconds idleTimeout{30'000};
    /// A request (line, headers and body) must be complete this long after its first byte. The
    /// idle timeout alone would let a client that sends a byte every 20 s hold a connection
    /// forever.
    static constexpr std::chrono::milliseconds requestDeadline{10'000};
    /// How long accepting pauses after accept() failed, e.g. with EMFILE: retrying at once
    /// would spin on a connection that cannot be taken yet.
    static constexpr std::chrono::milliseconds acceptPause{100};
    /// Request line plus headers; IMDS requests are a few hundred bytes.
    static constexpr qint64 maxRequestBytes = 16 * 1024;
    /// The default of 50 makes connection bursts wait for SYN retries (long tails at 512
    /// concurrent clients), and 1024 overflows when 2,000 clients connect at once; the kernel
    /// caps this at net.core.somaxconn (4096 by default since Linux 5.4). The same as
    /// imsa-helper's.
    static constexpr int listenBacklog = 4096;
    /// How many connections at once make the moment the last of them closes worth drained().
    static constexpr int busyConnections = 32;

    struct Timeouts
    {
        std::chrono::milliseconds idle = idleTimeout;
        std::chrono::milliseconds request = requestDeadline;
        std::chrono::milliseconds acceptPause = GuardedTcpServer::acceptPause;
    };

    explicit GuardedTcpServer(QObject *parent = nullptr);

    /// Peers allowed besides loopback: the listen address itself, because a client of
    /// 169.254.169.254 on `lo` shows up with that peer address.
    void setListenAddress(const QHostAddress &address) { m_listenAddress = address; }

    /// At most `limit` connections at once (1..maxConnections); see connectionBudget().
    void setConnectionLimit(int limit);

    int connectionLimit() const { return m_limit; }

    int connectionCount() const { return static_cast<int>(m_index.size()); }

    /// Shorter timeouts for tests.
    void setTimeouts(const Timeouts &timeouts) { m_timeouts = timeouts; }

    /// Called by the HTTP layer when a whole request was read from `socket`.
    void requestCompleted(QTcpSocket *socket);

Q_SIGNALS:
    /// The last connection closed after at least busyConnections were open at once: a moment
    /// to give the memory of their buffers back.
    void drained();

protected:
    void incomingConnection(qintptr socketDescriptor) override;

private:
    struct Connection;
    using ActivityOrder = std::list<Connection>;
    using RequestOrder = std::list<ActivityOrder::iterator>;

    struct Connection
    {
        QTcpSocket *socket = nullptr;
        qint64 lastActivity = 0; ///< ms on m_clock
        qint64 pendingBytes = 0; ///< of the request being read
        bool rejected = false; ///< answered 431, closing
        /// Since when a request is being read (ms on m_clock), and its place in m_requests;
        /// -1 between requests.
        qint64 requestStarted = -1;
        RequestOrder::iterator requestPosition;
    };

    void handleReadyRead(QTcpSocket *socket);
    void touch(QTcpSocket *socket);
    void close(ActivityOrder::iterator connection);
    void forget(QTcpSocket *socket);
    void evictLongestIdle();
    void sweep();
    void scheduleSweep();
    void pauseAfterAcceptError(QAbstractSocket::SocketError error);

    QHostAddress m_listenAddress;
    int m_limit = maxConnections;
    Timeouts m_timeouts;
    QElapsedTimer m_clock;
    /// Least recently active first.
    ActivityOrder m_connections;
    QHash<QTcpSocket *, ActivityOrder::iterator> m_index;
    /// Connections in the middle of a request, oldest request first.
    RequestOrder m_requests;
    QTimer m_sweepTimer;
    qint64 m_sweepDue = -1;
    QTimer m_resumeTimer;
    int m_peakConnections = 0; ///< since the last drained()
    qint64 m_evictions = 0;
    qint64 m_lastEvictionLog = -1;
    qint64 m_lastAcceptErrorLog = -1;
};

} // namespace imsa::app
