#include "netlink.h"

#include <array>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "uniquefd.h"

namespace imsa::helper {
namespace {

constexpr const char *kLoopbackName = "lo";
constexpr std::uint32_t kSequence = 1;
// The ACK to one request is small; this leaves room for an extended ACK with attributes.
constexpr std::size_t kReplyBufferSize = 8192;
// The kernel answers at once; the timeout only keeps a wedged socket from stalling the app.
constexpr timeval kReplyTimeout{2, 0};

// RTM_NEWADDR and RTM_DELADDR exactly as the kernel reads them: header, ifaddrmsg, then IFA_LOCAL
// and IFA_ADDRESS, each a 4-byte attribute header followed by the 4-byte IPv4 address (all 4-byte
// aligned).
struct AddressRequest
{
    nlmsghdr header;
    ifaddrmsg message;
    rtattr localAttribute;
    in_addr local;
    rtattr addressAttribute;
    in_addr address;
};

static_assert(sizeof(AddressRequest)
              == NLMSG_LENGTH(sizeof(ifaddrmsg)) + 2 * RTA_LENGTH(sizeof(in_addr)));

} // namespace

Result<bool, Failure> isOnLoopback(in_addr address)
{
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) != 0)
        return Failure{"check-address", errno};
    bool found = false;
    for (const ifaddrs *entry = list; entry != nullptr && !found; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET
            || std::strcmp(entry->ifa_name, kLoopbackName) != 0)
            continue;
        sockaddr_in assigned{};
        std::memcpy(&assigned, entry->ifa_addr, sizeof assigned);
        found = assigned.sin_addr.s_addr == address.s_addr;
    }
    ::freeifaddrs(list);
    return found;
}

namespace {

// Reads replies until the kernel's NLMSG_ERROR for our sequence number (error 0 is the ACK;
// `harmless` is an error that means the change was already there).
Result<Done, Failure> readAck(int socket, const char *step, int harmless)
{
    alignas(nlmsghdr) std::array<char, kReplyBufferSize> buffer{};
    for (;;) {
        sockaddr_nl sender{};
        socklen_t senderLength = sizeof sender;
        const ssize_t received = ::recvfrom(socket, buffer.data(), buffer.size(), 0,
                                            reinterpret_cast<sockaddr *>(&sender), &senderLength);
        if (received < 0) {
            if (errno == EINTR)
                continue;
            return Failure{step, errno};
        }
        // Only the kernel (port id 0) may answer for it.
        if (sender.nl_pid != 0)
            continue;
        const auto size = static_cast<std::size_t>(received);
        std::size_t offset = 0;
        while (offset + sizeof(nlmsghdr) <= size) {
            nlmsghdr header{};
            std::memcpy(&header, buffer.data() + offset, sizeof header);
            if (header.nlmsg_len < sizeof header || header.nlmsg_len > size - offset)
                return Failure{step, EBADMSG};
            if (header.nlmsg_seq == kSequence && header.nlmsg_type == NLMSG_ERROR) {
                if (header.nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr)))
                    return Failure{step, EBADMSG};
                nlmsgerr ack{};
                std::memcpy(&ack, buffer.data() + offset + NLMSG_HDRLEN, sizeof ack);
                if (ack.error == 0 || ack.error == -harmless)
                    return Done{};
                return Failure{step, -ack.error};
            }
            offset += NLMSG_ALIGN(header.nlmsg_len);
        }
    }
}

// What `ip address add|del <address>/32 scope host dev lo` sends, without shelling out.
Result<Done, Failure> changeLoopbackAddress(std::uint16_t type, std::uint16_t flags,
                                            in_addr address, const char *step, int harmless)
{
    const unsigned int index = ::if_nametoindex(kLoopbackName);
    if (index == 0)
        return Failure{"find-loopback", errno};

    const UniqueFd socket(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (!socket)
        return Failure{step, errno};
    if (::setsockopt(socket.get(), SOL_SOCKET, SO_RCVTIMEO, &kReplyTimeout, sizeof kReplyTimeout)
        != 0)
        return Failure{step, errno};

    AddressRequest request{};
    request.header.nlmsg_len = sizeof request;
    request.header.nlmsg_type = type;
    request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
    request.header.nlmsg_seq = kSequence;
    request.message.ifa_family = AF_INET;
    request.message.ifa_prefixlen = 32;
    request.message.ifa_scope = RT_SCOPE_HOST;
    request.message.ifa_index = index;
    request.localAttribute.rta_len = RTA_LENGTH(sizeof(in_addr));
    request.localAttribute.rta_type = IFA_LOCAL;
    request.local = address;
    // For RTM_DELADDR, IFA_ADDRESS with the prefix length makes the kernel match the /32 only.
    request.addressAttribute.rta_len = RTA_LENGTH(sizeof(in_addr));
    request.addressAttribute.rta_type = IFA_ADDRESS;
    request.address = address;

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(socket.get(), &request, sizeof request, 0,
                 reinterpret_cast<const sockaddr *>(&kernel), sizeof kernel)
        < 0)
        return Failure{step, errno};
    return readAck(socket.get(), step, harmless);
}

} // namespace

Result<Done, Failure> addToLoopback(in_addr address)
{
    return changeLoopbackAddress(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, address, "add-address",
                                 EEXIST);
}

Result<Done, Failure> removeFromLoopback(in_addr address)
{
    return changeLoopbackAddress(RTM_DELADDR, 0, address, "remove-address", EADDRNOTAVAIL);
}

} // namespace imsa::helper
