#pragma once

#include <chrono>
#include <cstdint>
#include <netinet/in.h>

namespace imsa::helper {

/// Whether a TCP connection to address:port is accepted within `timeout`, i.e. something
/// reachable from this machine serves there. No route, a refusal, an unreachable host and a
/// timeout all count as no. Needs no privilege.
bool acceptsConnections(in_addr address, std::uint16_t port, std::chrono::milliseconds timeout);

} // namespace imsa::helper
