#include <array>
#include <cerrno>
#include <cstring>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <utility>

#include "sockdiag.h"

namespace imsa::app {

namespace {

// One exact-lookup request: the header and inet_diag_req_v2, nothing else (no attributes).
struct Request
{
    nlmsghdr header;
    inet_diag_req_v2 body;
};

// A reply carries one inet_diag_msg, and attributes only when the request asked for them.
constexpr size_t replyBufferSize = 4096;
// The kernel answers at once; the timeout only keeps a wedged socket from stalling a request.
constexpr timeval replyTimeout{0, 100'000};

/// `address` as the kernel's four 32-bit words, in network order like the wire.
void fillAddress(const QHostAddress &address, int family, __be32 (&words)[4])
{
    std::memset(words, 0, sizeof words);
    if (family == AF_INET) {
        const quint32 ipv4 = htonl(address.toIPv4Address());
        std::memcpy(words, &ipv4, sizeof ipv4);
        return;
    }
    const Q_IPV6ADDR ipv6 = address.toIPv6Address();
    std::memcpy(words, ipv6.c, sizeof words);
}

/// The family both addresses share once IPv4-mapped IPv6 addresses (a dual-stack listener) are
/// read as IPv4; -1 when they differ.
int commonFamily(QHostAddress &peer, QHostAddress &local)
{
    for (QHostAddress *address : {&peer, &local}) {
        bool isIpv4 = false;
        const quint32 ipv4 = address->toIPv4Address(&isIpv4);
        if (isIpv4)
            *address = QHostAddress(ipv4);
    }
    if (peer.protocol() != local.protocol())
        return -1;
    if (peer.protocol() == QAbstractSocket::IPv4Protocol)
        return AF_INET;
    if (peer.protocol() == QAbstractSocket::IPv6Protocol)
        return AF_INET6;
    return -1;
}

} // namespace

QByteArray sockDiagRequest(const TcpTuple &tuple, quint32 sequence)
{
    QHostAddress peer = tuple.peerAddress;
    QHostAddress local = tuple.localAddress;
    const int family = commonFamily(peer, local);
    if (family < 0)
        return {};
    Request request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    // No NLM_F_DUMP: the kernel looks up exactly this socket (inet_diag_find_one_icsk).
    request.header.nlmsg_flags = NLM_F_REQUEST;
    request.header.nlmsg_seq = sequence;
    request.body.sdiag_family = static_cast<__u8>(family);
    request.body.sdiag_protocol = IPPROTO_TCP;
    request.body.idiag_states = ~0U;
    // The peer's socket: its source is the peer, its destination is us.
    request.body.id.idiag_sport = htons(tuple.peerPort);
    request.body.id.idiag_dport = htons(tuple.localPort);
    fillAddress(peer, family, request.body.id.idiag_src);
    fillAddress(local, family, request.body.id.idiag_dst);
    // Any socket with this 4-tuple; we have no cookie to match.
    request.body.id.idiag_cookie[0] = INET_DIAG_NOCOOKIE;
    request.body.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
    return QByteArray(reinterpret_cast<const char *>(&request), sizeof request);
}

std::optional<SocketOwner> parseSockDiagReply(QByteArrayView reply, quint32 sequence)
{
    qsizetype offset = 0;
    // Copied out, never cast in place: the buffer need not be aligned.
    while (reply.size() - offset >= qsizetype(sizeof(nlmsghdr))) {
        nlmsghdr header{};
        std::memcpy(&header, reply.data() + offset, sizeof header);
        if (header.nlmsg_len < sizeof header || header.nlmsg_len > size_t(reply.size() - offset))
            return std::nullopt;
        const char *payload = reply.data() + offset + NLMSG_HDRLEN;
        const size_t payloadLength = header.nlmsg_len - NLMSG_HDRLEN;
        if (header.nlmsg_seq == sequence) {
            if (header.nlmsg_type == NLMSG_ERROR || header.nlmsg_type == NLMSG_DONE)
                return std::nullopt; // ENOENT: no such socket any more
            if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY
                && payloadLength >= sizeof(inet_diag_msg)) {
                inet_diag_msg message{};
                std::memcpy(&message, payload, sizeof message);
                return SocketOwner{message.idiag_uid, message.idiag_inode};
            }
        }
        offset += NLMSG_ALIGN(header.nlmsg_len);
    }
    return std::nullopt;
}

SockDiag::SockDiag() = default;

SockDiag::~SockDiag()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

std::optional<SocketOwner> SockDiag::query(const TcpTuple &tuple)
{
    const quint32 sequence = ++m_sequence;
    const QByteArray request = sockDiagRequest(tuple, sequence);
    if (request.isEmpty())
        return std::nullopt;
    if (m_fd < 0) {
        m_fd = ::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
        if (m_fd < 0)
            return std::nullopt;
        ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &replyTimeout, sizeof replyTimeout);
    }
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(m_fd, request.constData(), size_t(request.size()), 0,
                 reinterpret_cast<const sockaddr *>(&kernel), sizeof kernel)
        != request.size()) {
        ::close(std::exchange(m_fd, -1));
        return std::nullopt;
    }
    // A reply to an earlier question that timed out may still be queued: read past it.
    std::array<char, replyBufferSize> buffer{};
    for (;;) {
        const ssize_t received = ::recv(m_fd, buffer.data(), buffer.size(), 0);
        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0) {
            // Timed out or failed: a fresh socket next time, so no late reply is left behind.
            ::close(std::exchange(m_fd, -1));
            return std::nullopt;
        }
        nlmsghdr header{};
        if (size_t(received) >= sizeof header)
            std::memcpy(&header, buffer.data(), sizeof header);
        if (header.nlmsg_seq == sequence)
            return parseSockDiagReply(QByteArrayView(buffer.data(), received), sequence);
    }
}

} // namespace imsa::app
