#pragma once

#include "result.h"

namespace imsa::helper {

/// Whether `capability` (CAP_* number) is in this process's effective set.
bool hasEffectiveCapability(int capability);

/// Empties the effective, permitted and inheritable sets. Returns the errno on failure.
Result<Done, int> dropAllCapabilities();

} // namespace imsa::helper
