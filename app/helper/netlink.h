#pragma once

#include <netinet/in.h>

#include "failure.h"
#include "result.h"

namespace imsa::helper {

/// Whether `address` is assigned to `lo`.
Result<bool, Failure> isOnLoopback(in_addr address);

/// Adds `address` to `lo` as a /32 with host scope over rtnetlink; an address that appeared in
/// the meantime (EEXIST) counts as success. Needs CAP_NET_ADMIN.
Result<Done, Failure> addToLoopback(in_addr address);

/// Deletes exactly `address`/32 from `lo` over rtnetlink, nothing else (another prefix length
/// of the same address stays); an address already gone (EADDRNOTAVAIL) counts as success.
/// Needs CAP_NET_ADMIN.
Result<Done, Failure> removeFromLoopback(in_addr address);

} // namespace imsa::helper
