#include "fdpassing.h"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/uio.h>

namespace imsa::helper {
namespace {

Result<int, std::string> socketOption(int fd, int option)
{
    int value = 0;
    socklen_t length = sizeof value;
    if (::getsockopt(fd, SOL_SOCKET, option, &value, &length) != 0)
        return std::string(std::strerror(errno));
    return value;
}

} // namespace

Result<Done, std::string> checkStatusChannel(int fd)
{
    const Result<int, std::string> domain = socketOption(fd, SO_DOMAIN);
    if (!domain)
        return "not a socket (" + domain.error() + ")";
    if (domain.value() != AF_UNIX)
        return std::string("not an AF_UNIX socket");
    const Result<int, std::string> type = socketOption(fd, SO_TYPE);
    if (!type)
        return "not a socket (" + type.error() + ")";
    if (type.value() != SOCK_STREAM && type.value() != SOCK_SEQPACKET)
        return std::string("not a SOCK_STREAM or SOCK_SEQPACKET socket");
    sockaddr_storage peer{};
    socklen_t peerLength = sizeof peer;
    if (::getpeername(fd, reinterpret_cast<sockaddr *>(&peer), &peerLength) != 0)
        return "not connected (" + std::string(std::strerror(errno)) + ")";
    return Done{};
}

Result<Done, int> sendStatus(int channel, std::string_view line, int fdToPass)
{
    iovec data{};
    data.iov_base = const_cast<char *>(line.data());
    data.iov_len = line.size();

    msghdr message{};
    message.msg_iov = &data;
    message.msg_iovlen = 1;

    // The status text and the descriptor travel in one message, so the app never sees one
    // without the other.
    union {
        char buffer[CMSG_SPACE(sizeof(int))];
        cmsghdr alignment;
    } control{};

    if (fdToPass >= 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof control.buffer;
        cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(header), &fdToPass, sizeof fdToPass);
    }

    ssize_t sent = 0;
    do {
        // MSG_NOSIGNAL: an app that went away must not kill the helper with SIGPIPE.
        sent = ::sendmsg(channel, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0)
        return errno;
    if (static_cast<std::size_t>(sent) != line.size())
        return EMSGSIZE;
    return Done{};
}

} // namespace imsa::helper
