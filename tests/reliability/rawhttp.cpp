#include "rawhttp.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QUrl>

namespace imsa::test {

QJsonObject RawReply::json() const
{
    return QJsonDocument::fromJson(body).object();
}

RawConnection::RawConnection(quint16 port, int connectTimeoutMs)
{
    const bool bounded = connectTimeoutMs >= 0;
    m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | (bounded ? SOCK_NONBLOCK : 0), 0);
    if (m_fd < 0)
        return;
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // The sockets API takes every address family through sockaddr *.
    bool connected =
            ::connect(m_fd, reinterpret_cast<const sockaddr *>(&address), sizeof(address)) == 0;
    if (!connected && bounded && errno == EINPROGRESS) {
        pollfd waiting{m_fd, POLLOUT, 0};
        int error = 0;
        socklen_t length = sizeof(error);
        connected = ::poll(&waiting, 1, connectTimeoutMs) == 1
                && ::getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length) == 0 && error == 0;
    }
    if (connected && bounded)
        connected = ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) & ~O_NONBLOCK) == 0;
    if (!connected) {
        ::close(m_fd);
        m_fd = -1;
    }
}

RawConnection::~RawConnection()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool RawConnection::send(const QByteArray &request)
{
    QByteArrayView bytes = request;
    while (m_fd >= 0 && !bytes.isEmpty()) {
        const ssize_t sent =
                ::send(m_fd, bytes.data(), static_cast<size_t>(bytes.size()), MSG_NOSIGNAL);
        if (sent < 0 && errno == EINTR)
            continue;
        if (sent <= 0)
            return false;
        bytes = bytes.sliced(sent);
    }
    return m_fd >= 0;
}

void RawConnection::shutdownWrite()
{
    if (m_fd >= 0)
        ::shutdown(m_fd, SHUT_WR);
}

void RawConnection::reset()
{
    if (m_fd < 0)
        return;
    const linger immediate{1, 0};
    ::setsockopt(m_fd, SOL_SOCKET, SO_LINGER, &immediate, sizeof(immediate));
    ::close(m_fd);
    m_fd = -1;
}

RawReply RawConnection::readReply(int timeoutMs)
{
    RawReply reply;
    QByteArray received;
    const QDeadlineTimer deadline(timeoutMs);
    while (m_fd >= 0 && !deadline.hasExpired()) {
        const qsizetype headerEnd = received.indexOf("\r\n\r\n");
        if (headerEnd >= 0) {
            const QByteArray head = received.first(headerEnd);
            qsizetype length = 0;
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("content-length:"))
                    length = line.sliced(15).trimmed().toLongLong();
            }
            if (received.size() >= headerEnd + 4 + length) {
                reply.status = head.mid(9, 3).toInt();
                reply.body = received.sliced(headerEnd + 4, length);
                return reply;
            }
        }
        pollfd waiting{m_fd, POLLIN, 0};
        const int ready = ::poll(&waiting, 1, static_cast<int>(deadline.remainingTime()));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready <= 0)
            break;
        char buffer[4096];
        const ssize_t count = ::recv(m_fd, buffer, sizeof(buffer), 0);
        if (count <= 0)
            break;
        received.append(buffer, count);
    }
    return reply;
}

bool RawConnection::isClosedByPeer() const
{
    if (m_fd < 0)
        return true;
    char byte = 0;
    const ssize_t count = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
    return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

RawReply rawGet(quint16 port, const QByteArray &target, int timeoutMs)
{
    RawConnection connection(port);
    if (!connection.send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:"
                         + QByteArray::number(port) + "\r\nConnection: close\r\n\r\n"))
        return {};
    return connection.readReply(timeoutMs);
}

quint16 endpointPort(const QString &endpoint)
{
    return static_cast<quint16>(QUrl(endpoint).port(0));
}

bool raiseFileLimit(long wanted)
{
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return false;
    if (limit.rlim_cur >= static_cast<rlim_t>(wanted))
        return true;
    limit.rlim_cur = std::min(limit.rlim_max, static_cast<rlim_t>(wanted));
    return ::setrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur >= static_cast<rlim_t>(wanted);
}

} // namespace imsa::test
