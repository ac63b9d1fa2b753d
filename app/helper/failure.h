#pragma once

namespace imsa::helper {

/// The step that failed and its errno. The app receives it as "ERR <step> <errno-name>: <text>"
/// and turns the pair into advice (EPERM at add-address: missing CAP_NET_ADMIN, and so on).
struct Failure
{
    const char *step = "";
    int error = 0;
};

} // namespace imsa::helper
