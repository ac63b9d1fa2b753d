#include "listener.h"

#include <arpa/inet.h>
#include <cerrno>
#include <sys/socket.h>

namespace imsa::helper {

namespace {

Result<UniqueFd, Failure> bindSocket(in_addr address, std::uint16_t port, const char *bindStep)
{
    UniqueFd socket(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!socket)
        return Failure{"socket", errno};

    // A restarted app must be able to bind again while connections of the previous one
    // are still in TIME_WAIT. With it, only a listening socket on the port makes bind() fail.
    const int reuse = 1;
    if (::setsockopt(socket.get(), SOL_SOCKET, SO_REUSEADDR, &reuse, sizeof reuse) != 0)
        return Failure{"setsockopt", errno};

    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    local.sin_addr = address;
    if (::bind(socket.get(), reinterpret_cast<const sockaddr *>(&local), sizeof local) != 0)
        return Failure{bindStep, errno};
    return socket;
}

} // namespace

Result<UniqueFd, Failure> openListener(in_addr address, std::uint16_t port, int backlog)
{
    Result<UniqueFd, Failure> socket = bindSocket(address, port, "bind");
    if (!socket)
        return socket;
    if (::listen(socket.value().get(), backlog) != 0)
        return Failure{"listen", errno};
    return socket;
}

Result<Done, Failure> checkNobodyListens(in_addr address, std::uint16_t port)
{
    const Result<UniqueFd, Failure> socket = bindSocket(address, port, "check-listener");
    if (!socket)
        return socket.error();
    return Done{};
}

} // namespace imsa::helper
