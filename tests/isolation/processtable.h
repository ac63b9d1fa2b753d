#pragma once

#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace imsa::test {

/// One process as /proc shows it, reduced to what tells who started it and whether it is ours.
struct ProcessInfo
{
    pid_t pid = 0;
    pid_t parent = 0;
    char state = '?';
    std::string exe; ///< without the " (deleted)" of a rebuilt binary; empty if unreadable
    std::string cwd;
    std::vector<std::string> arguments;
    std::vector<std::string> environment; ///< NAME=VALUE; empty if unreadable

    bool isZombie() const { return state == 'Z' || state == 'X'; }

    /// The arguments joined by spaces, for messages.
    std::string commandLine() const;
    /// The value of NAME in the environment, or empty.
    std::string environmentValue(std::string_view name) const;
    /// Whether `text` occurs in the arguments, the environment or the working directory.
    bool mentions(std::string_view text) const;
};

/// Every process this user can see, read from /proc (processes that vanish while it is read
/// are left out). Without `details`, only pid, parent and state: cheap enough to poll.
std::vector<ProcessInfo> readProcessTable(bool details = true);

/// Whether `pid` is a process that has not exited (neither gone nor a zombie).
bool isRunning(pid_t pid);

/// The pids of the processes in `table` below `ancestor` (children, their children, ...).
std::vector<pid_t> descendantsOf(const std::vector<ProcessInfo> &table, pid_t ancestor);

/// The chain of parents of `pid` in `table`, nearest first, ending before pid 1 or at a pid
/// the table does not hold.
std::vector<const ProcessInfo *> ancestorsOf(const std::vector<ProcessInfo> &table, pid_t pid);

} // namespace imsa::test
