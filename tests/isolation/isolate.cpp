// imsa-test-isolate: ctest runs every test of the suite through this, so that no test sees the
// caller's environment or leaves anything running behind it.
//
// - The caller's IMSA_* and AWS_* variables are removed (a developer who uses imsa has them
//   set); the test's own come as NAME=VALUE arguments. DISPLAY, WAYLAND_DISPLAY, XAUTHORITY,
//   DBUS_SESSION_BUS_ADDRESS and the desktop's session variables go too: a test opens nothing
//   on the caller's desktop and talks to none of its services.
// - TMPDIR is a fresh directory ${TMPDIR:-/tmp}/imsa-test-TAG.NAME.XXXXXX, and HOME, the XDG base
//   directories and XDG_RUNTIME_DIR (each 0700) are inside it; it is removed at the end.
//   IMSA_TEST_NAME and IMSA_TEST_TAG mark every process the test starts. imsa-test-leftovers finds
//   a process by either mark, or by that directory in its arguments, environment or working
//   directory.
// - It is the test's child subreaper (PR_SET_CHILD_SUBREAPER): a daemon the test detaches
//   (`imsa start`, xvfb-run's Xvfb, dbus-daemon --fork) is reparented to it, not to init, so
//   it is still found and stopped when the test is gone.
// - After --timeout seconds it stops the test (SIGTERM, then SIGKILL 5 s later). ctest gets a
//   longer timeout: its own kills only this process, with SIGKILL, and would orphan the rest.
// - SIGTERM, SIGINT, SIGHUP or SIGQUIT to it stop the test the same way, then clean up.
// - When the test has ended, what it left running gets 5 s to exit by itself; what is still
//   there is named, stopped (SIGTERM, then SIGKILL) and makes a passed or skipped test fail.
// - If this process is killed outright, the test gets SIGTERM (PR_SET_PDEATHSIG); what escapes
//   then is for imsa-test-leftovers, the suite's last test.
//
// Usage: imsa-test-isolate --name NAME --tag TAG --timeout SECONDS [NAME=VALUE...] -- COMMAND
// [ARG...] Exit status: the test's; 1 if it passed or skipped but left processes running; 124 if it
// timed out; 128+N if it (or this process) got signal N; 125 if the test could not be started.

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ftw.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "processtable.h"

extern char **environ;

namespace imsa::test {
namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

constexpr int kExitLeftovers = 1;
constexpr int kExitTimedOut = 124;
constexpr int kExitSetup = 125;
constexpr int kExitNotFound = 127;
constexpr int kExitSignalBase = 128;
constexpr int kSkipped = 77;

// How long a test has for its SIGTERM handling (shell traps run `imsa stop`), and how long
// what it left gets to exit by itself (xvfb-run signals Xvfb and does not wait for it).
constexpr auto kStopGrace = 5s;
constexpr auto kLingerGrace = 5s;
constexpr auto kKillGrace = 2s;

// Desktop and session variables a test must not inherit.
constexpr std::string_view kRemovedVariables[] = {
        "DISPLAY",          "WAYLAND_DISPLAY",     "XAUTHORITY",      "DBUS_SESSION_BUS_ADDRESS",
        "XDG_SESSION_TYPE", "XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "GNOME_KEYRING_CONTROL",
        "KDE_FULL_SESSION", "KDE_SESSION_VERSION"};

struct Options
{
    std::string name;
    std::string tag;
    int timeoutSeconds = 0;
    std::vector<std::string> assignments;
    std::vector<char *> command;
};

void say(const std::string &name, const std::string &message)
{
    std::fprintf(stderr, "imsa-test-isolate: %s: %s\n", name.c_str(), message.c_str());
    std::fflush(stderr);
}

std::optional<Options> parseOptions(int argc, char **argv)
{
    Options options;
    int i = 1;
    for (; i < argc && std::string_view(argv[i]) != "--"; ++i) {
        const std::string_view argument = argv[i];
        const bool hasValue = i + 1 < argc;
        if (argument == "--name" && hasValue)
            options.name = argv[++i];
        else if (argument == "--tag" && hasValue)
            options.tag = argv[++i];
        else if (argument == "--timeout" && hasValue)
            options.timeoutSeconds = std::atoi(argv[++i]);
        else if (argument.find('=') != std::string_view::npos && !argument.starts_with("-"))
            options.assignments.emplace_back(argument);
        else
            return std::nullopt;
    }
    for (++i; i < argc; ++i)
        options.command.push_back(argv[i]);
    options.command.push_back(nullptr);
    if (options.name.empty() || options.tag.empty() || options.timeoutSeconds <= 0
        || options.command.size() < 2 || options.name.find_first_of("./") != std::string::npos)
        return std::nullopt;
    return options;
}

std::string_view variableName(std::string_view entry)
{
    return entry.substr(0, entry.find('='));
}

void setVariable(std::vector<std::string> &environment, const std::string &entry)
{
    const std::string_view name = variableName(entry);
    std::erase_if(environment, [name](const std::string &existing) {
        return variableName(existing) == name;
    });
    environment.push_back(entry);
}

/// The caller's environment without what a test must not see, plus the test's own directories
/// under `root` and the assignments from the command line.
std::vector<std::string> testEnvironment(const Options &options, const std::string &root)
{
    std::vector<std::string> environment;
    for (char **entry = environ; *entry; ++entry) {
        const std::string_view name = variableName(*entry);
        if (name.starts_with("IMSA_") || name.starts_with("AWS_")
            || std::find(std::begin(kRemovedVariables), std::end(kRemovedVariables), name)
                    != std::end(kRemovedVariables))
            continue;
        environment.emplace_back(*entry);
    }
    setVariable(environment, "TMPDIR=" + root);
    setVariable(environment, "HOME=" + root + "/home");
    setVariable(environment, "XDG_CONFIG_HOME=" + root + "/config");
    setVariable(environment, "XDG_DATA_HOME=" + root + "/data");
    setVariable(environment, "XDG_STATE_HOME=" + root + "/state");
    setVariable(environment, "XDG_CACHE_HOME=" + root + "/cache");
    setVariable(environment, "XDG_RUNTIME_DIR=" + root + "/run");
    setVariable(environment, "IMSA_TEST_NAME=" + options.name);
    setVariable(environment, "IMSA_TEST_TAG=" + options.tag);
    for (const std::string &assignment : options.assignments)
        setVariable(environment, assignment);
    return environment;
}

std::optional<std::string> makeRoot(const Options &options)
{
    const char *base = std::getenv("TMPDIR");
    std::string path = std::string(base && *base ? base : "/tmp") + "/imsa-test-" + options.tag
            + "." + options.name + ".XXXXXX";
    // Traversable by others (0711, not listable), as /tmp is: tests that run a program as
    // nobody (setpriv) make their own directory in it accessible to nobody.
    if (!::mkdtemp(path.data()) || ::chmod(path.c_str(), 0711) != 0)
        return std::nullopt;
    for (const char *sub : {"home", "config", "data", "state", "cache", "run"}) {
        if (::mkdir((path + "/" + sub).c_str(), 0700) != 0)
            return std::nullopt;
    }
    return path;
}

void removeTree(const std::string &path)
{
    // First make every directory writable (a test may have left one read-only), visiting each
    // before its entries; then remove everything, entries before their directory.
    ::nftw(
            path.c_str(),
            [](const char *file, const struct stat *, int type, FTW *) {
                if (type == FTW_D || type == FTW_DNR)
                    ::chmod(file, 0700);
                return 0;
            },
            16, FTW_PHYS);
    ::nftw(
            path.c_str(),
            [](const char *file, const struct stat *, int, FTW *) {
                ::remove(file);
                return 0;
            },
            16, FTW_DEPTH | FTW_PHYS);
}

/// Signals this process handles synchronously (sigtimedwait); blocked from the start.
sigset_t handledSignals()
{
    sigset_t set;
    sigemptyset(&set);
    for (int signal : {SIGCHLD, SIGTERM, SIGINT, SIGHUP, SIGQUIT})
        sigaddset(&set, signal);
    return set;
}

/// Waits for one of the handled signals until `deadline`; 0 when the deadline passed.
int nextSignal(Clock::time_point deadline)
{
    const sigset_t set = handledSignals();
    const auto left = std::max(deadline - Clock::now(), Clock::duration::zero());
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(left);
    const timespec timeout{
            static_cast<time_t>(seconds.count()),
            static_cast<long>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(left - seconds).count())};
    const int signal = ::sigtimedwait(&set, nullptr, &timeout);
    return signal > 0 ? signal : 0;
}

/// Reaps every finished child (the test, and orphans reparented here); returns the test's
/// wait status once it has been reaped.
std::optional<int> reapChildren(pid_t test)
{
    std::optional<int> testStatus;
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
        if (pid == test)
            testStatus = status;
    }
    return testStatus;
}

pid_t startTest(const Options &options, const std::vector<std::string> &environment,
                const sigset_t &originalMask)
{
    std::vector<char *> envp;
    for (const std::string &entry : environment)
        envp.push_back(const_cast<char *>(entry.c_str()));
    envp.push_back(nullptr);
    const pid_t parent = ::getpid();
    const pid_t child = ::fork();
    if (child != 0)
        return child;
    ::sigprocmask(SIG_SETMASK, &originalMask, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent)
        ::_exit(kExitSetup);
    ::execvpe(options.command[0], options.command.data(), envp.data());
    std::fprintf(stderr, "imsa-test-isolate: %s: cannot run %s: %s\n", options.name.c_str(),
                 options.command[0], std::strerror(errno));
    ::_exit(errno == ENOENT ? kExitNotFound : kExitSetup);
}

struct TestEnd
{
    int status = 0;
    bool timedOut = false;
    int signal = 0; ///< a signal this process got, which ended the test
};

/// Waits for the test, stopping it on timeout or on a signal to this process.
TestEnd waitForTest(const Options &options, pid_t test)
{
    TestEnd end;
    auto deadline = Clock::now() + std::chrono::seconds(options.timeoutSeconds);
    bool stopping = false;
    const auto stop = [&] {
        stopping = true;
        ::kill(test, SIGTERM);
        deadline = Clock::now() + kStopGrace;
    };
    for (;;) {
        const int signal = nextSignal(deadline);
        if (signal == SIGCHLD) {
            if (const std::optional<int> status = reapChildren(test)) {
                end.status = *status;
                return end;
            }
        } else if (signal == 0 && !stopping) {
            say(options.name,
                "timed out after " + std::to_string(options.timeoutSeconds) + " s; stopping it");
            end.timedOut = true;
            stop();
        } else if (signal == 0) {
            say(options.name,
                "still running " + std::to_string(kStopGrace.count())
                        + " s after SIGTERM; killing it");
            ::kill(test, SIGKILL);
            deadline = Clock::now() + 24h;
        } else if (!stopping) {
            say(options.name, std::string("got ") + ::strsignal(signal) + "; stopping the test");
            end.signal = signal;
            stop();
        }
    }
}

std::vector<ProcessInfo> livingDescendants(bool details)
{
    const std::vector<ProcessInfo> table = readProcessTable(details);
    const std::vector<pid_t> below = descendantsOf(table, ::getpid());
    std::vector<ProcessInfo> living;
    for (const ProcessInfo &process : table) {
        if (!process.isZombie()
            && std::find(below.begin(), below.end(), process.pid) != below.end())
            living.push_back(process);
    }
    return living;
}

/// Waits up to `grace` (reaping) for every descendant to be gone; returns those still there.
std::vector<ProcessInfo> waitForDescendants(Clock::duration grace)
{
    const auto deadline = Clock::now() + grace;
    for (;;) {
        reapChildren(0);
        if (livingDescendants(false).empty())
            return {};
        if (Clock::now() >= deadline)
            return livingDescendants(true);
        nextSignal(std::min(deadline, Clock::now() + 50ms));
    }
}

/// Stops whatever the test left running; returns how many processes that were.
std::size_t stopLeftovers(const Options &options)
{
    std::vector<ProcessInfo> left = waitForDescendants(kLingerGrace);
    const std::size_t count = left.size();
    for (const ProcessInfo &process : left) {
        say(options.name,
            "left pid " + std::to_string(process.pid) + " running: " + process.commandLine());
        ::kill(process.pid, SIGTERM);
    }
    left = waitForDescendants(kKillGrace);
    // Killing a parent can orphan more children here: repeat until none is left.
    for (int round = 0; !left.empty() && round < 20; ++round) {
        for (const ProcessInfo &process : left)
            ::kill(process.pid, SIGKILL);
        left = waitForDescendants(kKillGrace);
    }
    for (const ProcessInfo &process : left)
        say(options.name, "could not kill pid " + std::to_string(process.pid));
    return count;
}

int exitStatus(const Options &options, const TestEnd &end, std::size_t leftovers)
{
    if (end.timedOut)
        return kExitTimedOut;
    if (end.signal)
        return kExitSignalBase + end.signal;
    if (WIFSIGNALED(end.status)) {
        say(options.name,
            std::string("killed by signal ") + std::to_string(WTERMSIG(end.status)) + " ("
                    + ::strsignal(WTERMSIG(end.status)) + ")");
        return kExitSignalBase + WTERMSIG(end.status);
    }
    const int code = WEXITSTATUS(end.status);
    if (leftovers > 0 && (code == 0 || code == kSkipped)) {
        say(options.name,
            "FAILED: it " + std::string(code == 0 ? "passed" : "skipped") + " but left "
                    + std::to_string(leftovers) + " process(es) running (listed above)");
        return kExitLeftovers;
    }
    return code;
}

} // namespace
} // namespace imsa::test

int main(int argc, char **argv)
{
    using namespace imsa::test;
    const std::optional<Options> options = parseOptions(argc, argv);
    if (!options) {
        std::fprintf(stderr,
                     "usage: imsa-test-isolate --name NAME --tag TAG --timeout SECONDS "
                     "[NAME=VALUE...] -- COMMAND [ARG...]\n");
        return kExitSetup;
    }
    if (::prctl(PR_SET_CHILD_SUBREAPER, 1) != 0) {
        say(options->name, std::string("cannot become a subreaper: ") + std::strerror(errno));
        return kExitSetup;
    }
    const std::optional<std::string> root = makeRoot(*options);
    if (!root) {
        say(options->name, std::string("cannot create its directory: ") + std::strerror(errno));
        return kExitSetup;
    }

    sigset_t originalMask;
    const sigset_t handled = handledSignals();
    ::sigprocmask(SIG_BLOCK, &handled, &originalMask);
    const pid_t test = startTest(*options, testEnvironment(*options, *root), originalMask);
    std::optional<TestEnd> end;
    std::size_t leftovers = 0;
    if (test < 0) {
        say(options->name, std::string("cannot fork: ") + std::strerror(errno));
    } else {
        end = waitForTest(*options, test);
        leftovers = stopLeftovers(*options);
    }
    removeTree(*root);
    return end ? exitStatus(*options, *end, leftovers) : kExitSetup;
}
