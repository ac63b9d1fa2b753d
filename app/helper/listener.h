#pragma once

#include <cstdint>
#include <netinet/in.h>

#include "failure.h"
#include "result.h"
#include "uniquefd.h"

namespace imsa::helper {

/// A TCP socket bound to address:port and listening with the given backlog.
/// Binding a port below 1024 needs CAP_NET_BIND_SERVICE.
Result<UniqueFd, Failure> openListener(in_addr address, std::uint16_t port, int backlog);

/// Fails with EADDRINUSE while a socket listens on address:port (or on a wildcard address
/// covering it): binds a socket there the way openListener() does and closes it again.
/// Needs CAP_NET_BIND_SERVICE for a port below 1024.
Result<Done, Failure> checkNobodyListens(in_addr address, std::uint16_t port);

} // namespace imsa::helper
