#pragma once

#include <string>
#include <string_view>

#include "result.h"

namespace imsa::helper {

/// Accepts only a connected AF_UNIX socket of type SOCK_STREAM or SOCK_SEQPACKET; otherwise
/// returns why not, for the usage message.
Result<Done, std::string> checkStatusChannel(int fd);

/// Sends `line` as one message on `channel`, with `fdToPass` attached through SCM_RIGHTS
/// unless it is -1. Returns the errno on failure.
Result<Done, int> sendStatus(int channel, std::string_view line, int fdToPass);

} // namespace imsa::helper
