#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

namespace imsa::test {

/// One HTTP answer as read off a socket.
struct RawReply
{
    int status = 0; ///< 0: no complete answer before the deadline or the connection closed
    QByteArray body;

    QJsonObject json() const;
};

/// A blocking TCP connection to 127.0.0.1, for what QTcpSocket can't do: half-close, reset
/// with SO_LINGER 0, and hundreds of idle connections without an event loop.
class RawConnection
{
public:
    /// Connects to 127.0.0.1:port; with connectTimeoutMs >= 0, gives up after that long (a
    /// server that stopped accepting fills its backlog, and connect() would then wait for SYN
    /// retries for minutes).
    explicit RawConnection(quint16 port, int connectTimeoutMs = -1);
    ~RawConnection();
    RawConnection(const RawConnection &) = delete;
    RawConnection &operator=(const RawConnection &) = delete;

    bool isConnected() const { return m_fd >= 0; }

    bool send(const QByteArray &bytes);
    /// shutdown(SHUT_WR): the request is complete, the answer may still come.
    void shutdownWrite();
    /// Closes with SO_LINGER 0, so that the peer gets an RST instead of a FIN.
    void reset();
    /// Reads one answer (headers plus Content-Length bytes) within `timeoutMs`.
    RawReply readReply(int timeoutMs);
    /// Whether the server has closed or reset the connection (checked without waiting).
    bool isClosedByPeer() const;

private:
    int m_fd = -1;
};

/// `GET target` with the Host header of 127.0.0.1:port, on a fresh connection.
RawReply rawGet(quint16 port, const QByteArray &target, int timeoutMs = 5000);
/// The port of an endpoint URL such as http://127.0.0.1:40123/.
quint16 endpointPort(const QString &endpoint);
/// Raises the soft RLIMIT_NOFILE to at least `wanted` (up to the hard limit); false if it can't.
bool raiseFileLimit(long wanted);

} // namespace imsa::test
