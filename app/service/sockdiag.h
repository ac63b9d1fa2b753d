#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>

namespace imsa::app {

/// A TCP connection seen from the peer's end: the peer's address and port first.
struct TcpTuple
{
    QHostAddress peerAddress;
    quint16 peerPort = 0;
    QHostAddress localAddress;
    quint16 localPort = 0;
};

/// What the kernel's socket diagnostics report about one socket.
struct SocketOwner
{
    quint32 uid = 0;
    /// 0 once the socket has no file any more (closed, in TIME_WAIT).
    quint64 inode = 0;
};

/// The NETLINK_SOCK_DIAG request (inet_diag_req_v2) for the peer's socket of `tuple`: an exact
/// lookup by the 4-tuple, not a dump, so its cost does not grow with the number of sockets. Empty
/// when the two addresses are not of one family.
QByteArray sockDiagRequest(const TcpTuple &tuple, quint32 sequence);

/// The socket in the kernel's reply to sockDiagRequest(`sequence`); nullopt when the kernel
/// found none (the peer is gone) or the reply is not one for this request.
std::optional<SocketOwner> parseSockDiagReply(QByteArrayView reply, quint32 sequence);

/// A NETLINK_SOCK_DIAG socket kept open for many questions: opening and closing one per
/// connection cost more than the question itself in a burst of fresh connections. Not for two
/// threads at once; each PeerResolver has its own.
class SockDiag
{
public:
    SockDiag();
    ~SockDiag();
    SockDiag(const SockDiag &) = delete;
    SockDiag &operator=(const SockDiag &) = delete;

    /// Asks the kernel: one netlink round trip, bounded by a short receive timeout. nullopt
    /// when the peer's socket is unknown or netlink failed.
    std::optional<SocketOwner> query(const TcpTuple &tuple);

private:
    int m_fd = -1; ///< opened on first use, again after a failure
    quint32 m_sequence = 0;
};

} // namespace imsa::app
