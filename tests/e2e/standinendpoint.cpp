#include "standinendpoint.h"

#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QList>

#include "fakes/loopbackclient.h"

namespace imsa::test {

namespace {

constexpr int ioTimeoutMs = 5000;

/// Reads until `complete` says so, the peer closes, or nothing comes for ioTimeoutMs.
template <typename Complete>
QByteArray readUntil(int fd, Complete complete)
{
    QByteArray data;
    while (!complete(data)) {
        pollfd waiting{fd, POLLIN, 0};
        if (::poll(&waiting, 1, ioTimeoutMs) <= 0)
            break;
        char buffer[4096];
        const ssize_t count = ::recv(fd, buffer, sizeof buffer, 0);
        if (count <= 0)
            break;
        data.append(buffer, count);
    }
    return data;
}

bool hasHead(const QByteArray &data)
{
    return data.contains("\r\n\r\n");
}

void sendAll(int fd, const QByteArray &data)
{
    for (qsizetype sent = 0; sent < data.size();) {
        const ssize_t count = ::send(fd, data.constData() + sent,
                                     static_cast<size_t>(data.size() - sent), MSG_NOSIGNAL);
        if (count <= 0)
            return;
        sent += count;
    }
}

} // namespace

StandInEndpoint::StandInEndpoint(quint16 port, Mode mode, quint16 imsaPort, QByteArray proof)
    : m_mode(mode)
    , m_imsaPort(imsaPort)
    , m_proof(std::move(proof))
{
    m_listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    // Connections of an earlier run in TIME_WAIT must not keep the port.
    const int reuse = 1;
    if (m_listener < 0
        || ::setsockopt(m_listener, SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) != 0
        || ::bind(m_listener, reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0
        || ::listen(m_listener, 16) != 0
        || ::getsockname(m_listener, reinterpret_cast<sockaddr *>(&address), &length) != 0) {
        if (m_listener >= 0)
            ::close(m_listener);
        m_listener = -1;
        return;
    }
    m_port = ntohs(address.sin_port);
    m_thread = std::thread([this] {
        serve();
    });
}

StandInEndpoint::~StandInEndpoint()
{
    m_stop = true;
    if (m_thread.joinable())
        m_thread.join();
    if (m_listener >= 0)
        ::close(m_listener);
}

void StandInEndpoint::serve()
{
    while (!m_stop) {
        pollfd waiting{m_listener, POLLIN, 0};
        if (::poll(&waiting, 1, 50) <= 0)
            continue;
        const int client = ::accept4(m_listener, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0)
            continue;
        answer(client);
        ::close(client);
    }
}

void StandInEndpoint::answer(int client) const
{
    const QByteArray request = readUntil(client, hasHead);
    if (m_mode == Mode::RelayToImsa) {
        const int imsa = connectToLoopback(m_imsaPort);
        if (imsa < 0)
            return;
        sendAll(imsa, request);
        // The doctor asks with Connection: close, so imsa's answer ends where the stream does.
        sendAll(client, readUntil(imsa, [](const QByteArray &) {
                    return false;
                }));
        ::close(imsa);
        return;
    }
    const QByteArray body = "Developer";
    sendAll(client,
            QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Imsa-Proof: ") + m_proof
                    + "\r\nContent-Length: " + QByteArray::number(body.size())
                    + "\r\nConnection: close\r\n\r\n" + body);
}

QByteArray challengeAnswerHead(quint16 port, const QByteArray &challenge)
{
    const int fd = connectToLoopback(port);
    if (fd < 0)
        return {};
    sendAll(fd,
            QByteArray("GET /latest/meta-data/ HTTP/1.1\r\nHost: 127.0.0.1:")
                    + QByteArray::number(port) + "\r\nX-Imsa-Challenge: " + challenge
                    + "\r\nConnection: close\r\n\r\n");
    const QByteArray answer = readUntil(fd, hasHead);
    ::close(fd);
    return answer.left(answer.indexOf("\r\n\r\n"));
}

QByteArray headerValue(const QByteArray &head, const QByteArray &name)
{
    for (const QByteArray &line : head.split('\n')) {
        const qsizetype colon = line.indexOf(':');
        if (colon > 0 && line.left(colon).trimmed().toLower() == name)
            return line.mid(colon + 1).trimmed();
    }
    return {};
}

} // namespace imsa::test
