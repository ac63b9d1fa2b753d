#include "capabilities.h"

#include <array>
#include <cerrno>
#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

// The raw capget/capset system calls: libcap would be the only third-party library in the
// helper, for two calls.
namespace imsa::helper {
namespace {

using CapabilityData = std::array<__user_cap_data_struct, _LINUX_CAPABILITY_U32S_3>;

__user_cap_header_struct currentProcess()
{
    return {_LINUX_CAPABILITY_VERSION_3, 0};
}

} // namespace

bool hasEffectiveCapability(int capability)
{
    auto header = currentProcess();
    CapabilityData data{};
    if (::syscall(SYS_capget, &header, data.data()) != 0)
        return false;
    const auto word = static_cast<std::size_t>(capability / 32);
    const auto bit = 1U << static_cast<unsigned int>(capability % 32);
    return word < data.size() && (data[word].effective & bit) != 0;
}

Result<Done, int> dropAllCapabilities()
{
    auto header = currentProcess();
    const CapabilityData empty{};
    if (::syscall(SYS_capset, &header, empty.data()) != 0)
        return errno;
    return Done{};
}

} // namespace imsa::helper
