// imsa-test-leftovers: the suite's guard against processes the tests left running. ctest runs
// it last (fixture cleanup of every test) and, with --before, first (fixture setup).
//
// A process is a test's when its environment holds IMSA_TEST_TAG=TAG (imsa-test-isolate marks
// every test with it, and children inherit it) or when it mentions a test directory
// "imsa-test-TAG.NAME." in its arguments, environment or working directory (a program started
// with a cleared environment still has its HOME or log file there). It is left alone while a
// running imsa-test-isolate of this tag is its ancestor: that test is still running and owns it.
// Any other is named with the test that started it, stopped (SIGTERM, then SIGKILL), and the
// guard fails. With --before it reports and stops what an interrupted earlier run left, and
// passes: the tests of this run are not to blame.
//
// A process that runs a program of BUILD_DIR without such a mark is listed but not stopped: no
// test started it (a developer may be running imsa from the build tree).
//
// Usage: imsa-test-leftovers [--before] --tag TAG --build-dir DIR --isolate
// PATH_OF_IMSA_TEST_ISOLATE Exit status: 0 nothing left behind (or --before), 1 processes were left
// behind, 2 usage.

#include <algorithm>
#include <chrono>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <unistd.h>
#include <vector>

#include "processtable.h"

namespace imsa::test {
namespace {

using namespace std::chrono_literals;

struct Options
{
    bool before = false;
    std::string tag;
    std::string buildDir;
    std::string isolate;
};

/// The path with symbolic links resolved, as /proc shows a program's; unchanged if missing.
std::string canonical(const std::string &path)
{
    char resolved[PATH_MAX];
    return ::realpath(path.c_str(), resolved) ? std::string(resolved) : path;
}

std::optional<Options> parseOptions(int argc, char **argv)
{
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        const bool hasValue = i + 1 < argc;
        if (argument == "--before")
            options.before = true;
        else if (argument == "--tag" && hasValue)
            options.tag = argv[++i];
        else if (argument == "--build-dir" && hasValue)
            options.buildDir = argv[++i];
        else if (argument == "--isolate" && hasValue)
            options.isolate = argv[++i];
        else
            return std::nullopt;
    }
    if (options.tag.empty() || options.buildDir.empty() || options.isolate.empty())
        return std::nullopt;
    options.buildDir = canonical(options.buildDir) + '/';
    options.isolate = canonical(options.isolate);
    return options;
}

/// "imsa-test-TAG." followed by the test's name in a directory imsa-test-isolate made.
std::string directoryMark(const Options &options)
{
    return "imsa-test-" + options.tag + ".";
}

/// The test that started `process`, if it is a test's: its IMSA_TEST_NAME, else the name in
/// the test directory it mentions, else "an unknown test".
std::optional<std::string> startedBy(const Options &options, const ProcessInfo &process)
{
    if (process.environmentValue("IMSA_TEST_TAG") == options.tag) {
        const std::string name = process.environmentValue("IMSA_TEST_NAME");
        return name.empty() ? std::string("an unknown test") : name;
    }
    const std::string mark = directoryMark(options);
    if (!process.mentions(mark))
        return std::nullopt;
    std::vector<std::string> texts = process.arguments;
    texts.insert(texts.end(), process.environment.begin(), process.environment.end());
    texts.push_back(process.cwd);
    for (const std::string &text : texts) {
        const std::string::size_type at = text.find(mark);
        if (at == std::string::npos)
            continue;
        const std::string::size_type start = at + mark.size();
        return text.substr(start, text.find('.', start) - start);
    }
    return std::string("an unknown test");
}

/// Whether a running imsa-test-isolate of this tag is an ancestor of `process` (or this guard
/// is: it does not report itself or anything it runs).
bool isOwnedByRunningTest(const Options &options, const std::vector<ProcessInfo> &table,
                          const ProcessInfo &process)
{
    for (const ProcessInfo *ancestor : ancestorsOf(table, process.pid)) {
        if (ancestor->pid == ::getpid())
            return true;
        if (ancestor->exe != options.isolate)
            continue;
        const auto &arguments = ancestor->arguments;
        const auto tag = std::find(arguments.begin(), arguments.end(), "--tag");
        if (tag != arguments.end() && tag + 1 != arguments.end() && *(tag + 1) == options.tag)
            return true;
    }
    return false;
}

/// SIGTERM, then SIGKILL after 2 s; waits (bounded) until the process is gone.
void stop(pid_t pid)
{
    for (int signal : {SIGTERM, SIGKILL}) {
        ::kill(pid, signal);
        for (int i = 0; i < 40 && isRunning(pid); ++i)
            std::this_thread::sleep_for(50ms);
        if (!isRunning(pid))
            return;
    }
}

} // namespace
} // namespace imsa::test

int main(int argc, char **argv)
{
    using namespace imsa::test;
    const std::optional<Options> options = parseOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: imsa-test-leftovers [--before] --tag TAG --build-dir DIR "
                     "--isolate PATH_OF_IMSA_TEST_ISOLATE\n");
        return 2;
    }
    const std::vector<ProcessInfo> table = readProcessTable();
    const std::vector<const ProcessInfo *> ancestry = ancestorsOf(table, ::getpid());
    int leftBehind = 0;
    for (const ProcessInfo &process : table) {
        const bool isAncestor =
                std::any_of(ancestry.begin(), ancestry.end(), [&process](const ProcessInfo *own) {
                    return own->pid == process.pid;
                });
        if (process.pid == ::getpid() || isAncestor || process.isZombie())
            continue;
        const std::optional<std::string> test = startedBy(*options, process);
        const bool fromBuild = process.exe.starts_with(options->buildDir);
        if ((!test && !fromBuild) || isOwnedByRunningTest(*options, table, process))
            continue;
        if (!test) {
            std::printf("imsa-test-leftovers: pid %d runs %s from the build tree but no test "
                        "started it; left alone: %s\n",
                        process.pid, process.exe.c_str(), process.commandLine().c_str());
            continue;
        }
        std::printf("imsa-test-leftovers: pid %d left running by %s%s: %s\n", process.pid,
                    test->c_str(), options->before ? " (an earlier, interrupted run)" : "",
                    process.commandLine().c_str());
        std::fflush(stdout);
        stop(process.pid);
        ++leftBehind;
    }
    if (leftBehind == 0) {
        std::printf("imsa-test-leftovers: no test left a process running\n");
        return 0;
    }
    std::printf("imsa-test-leftovers: %d process(es) left behind by tests, now stopped%s\n",
                leftBehind,
                options->before ? " (from an earlier run; not a failure of this one)" : "");
    return options->before ? 0 : 1;
}
