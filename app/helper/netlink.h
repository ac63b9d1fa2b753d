#pragma once

#include <netinet/in.h>

#include "failure.h"
#include "result.h"

namespace imsa::helper {

/// Makes sure `address` is assigned to `lo`, adding it as a /32 with host scope over rtnetlink
/// when it is missing. Needs CAP_NET_ADMIN only in that case; an address that appears in the
/// meantime (EEXIST) counts as success.
Result<Done, Failure> ensureAddressOnLoopback(in_addr address);

} // namespace imsa::helper
