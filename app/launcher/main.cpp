#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "runtime/controlcall.h"
#include "runtime/prompt.h"
#include "runtime/runtimepaths.h"
#include "runtime/statusview.h"

// `imsa`, the program users and shell prompts run. It links no Qt: it answers --version,
// `prompt` and a plain `imsa status` from a running app itself, in about the time the kernel
// needs to start a process, and hands every other command (and any status it cannot give) to
// imsa-cli (Qt Core and Network) by exec, so the pid, the arguments, the standard streams and
// the exit status stay the command's own.

namespace {

/// imsa-cli waits for the app's reply without a limit; this one only waits so long before it
/// lets imsa-cli ask (and explain) instead.
constexpr int statusTimeoutMs = 2000;

/// Whether all of `text` reached `stream` (flushed, so that a full disk or a closed pipe shows).
bool write(std::FILE *stream, const std::string &text)
{
    return std::fwrite(text.data(), 1, text.size(), stream) == text.size()
            && std::fflush(stream) == 0;
}

} // namespace

int main(int argc, char *argv[])
{
    using namespace imsa::runtime;
    const std::string_view command = argc > 1 ? argv[1] : "";
    if (command == "--version") {
        std::printf("imsa %s\n", IMSA_VERSION);
        return 0;
    }
    if (command == "prompt") {
        std::string out;
        std::string err;
        const int status = runPrompt(std::vector<std::string>(argv + 2, argv + argc), out, err);
        const bool written = write(stdout, out) && write(stderr, err);
        return written ? status : 1;
    }

    if (command == "status" && argc == 2) {
        if (const auto status = askApp(runtimeDirectory(), "status", statusTimeoutMs))
            return write(stdout, renderStatus(*status, std::time(nullptr))) ? 0 : 1;
    }

    const std::string cli = internalProgramPath(executableDirectory(), "imsa-cli");
    execv(cli.c_str(), argv);
    std::fprintf(stderr, "imsa: cannot run %s: %s\n", cli.c_str(), std::strerror(errno));
    return 127;
}
