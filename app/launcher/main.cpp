#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "runtime/prompt.h"
#include "runtime/runtimepaths.h"

// `imsa`, the program users and shell prompts run. It links no Qt: it answers --version and
// `prompt` itself, in about the time the kernel needs to start a process, and hands every
// other command to imsa-cli (Qt Core and Network) by exec, so the pid, the arguments, the
// standard streams and the exit status stay the command's own.

namespace {

bool write(std::FILE *stream, const std::string &text)
{
    return std::fwrite(text.data(), 1, text.size(), stream) == text.size();
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

    const std::string cli = internalProgramPath(executableDirectory(), "imsa-cli");
    execv(cli.c_str(), argv);
    std::fprintf(stderr, "imsa: cannot run %s: %s\n", cli.c_str(), std::strerror(errno));
    return 127;
}
