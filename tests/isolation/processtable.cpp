#include "processtable.h"

#include <algorithm>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <ios>
#include <iterator>
#include <memory>
#include <unistd.h>

namespace imsa::test {
namespace {

/// A process can end while its /proc files are read; libstdc++ then throws from underflow()
/// (ESRCH), and the process counts as gone, as if its file had not been there.
std::string readWhole(const std::string &path)
{
    std::ifstream file(path, std::ios::binary);
    try {
        return std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    } catch (const std::ios_base::failure &) {
        return {};
    }
}

std::vector<std::string> splitAtNul(const std::string &text)
{
    std::vector<std::string> parts;
    std::string::size_type start = 0;
    while (start < text.size()) {
        const std::string::size_type end = text.find('\0', start);
        parts.push_back(text.substr(start, end == std::string::npos ? end : end - start));
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return parts;
}

std::string readLink(const std::string &path)
{
    char buffer[4096];
    const ssize_t length = ::readlink(path.c_str(), buffer, sizeof buffer - 1);
    return length > 0 ? std::string(buffer, static_cast<std::size_t>(length)) : std::string();
}

/// Fills state and parent from /proc/PID/stat; false if the process is gone.
bool readStat(const std::string &directory, ProcessInfo &process)
{
    const std::string stat = readWhole(directory + "/stat");
    // "PID (COMM) STATE PPID ...": COMM may itself hold ")" and spaces, so parse from the last.
    const std::string::size_type close = stat.rfind(')');
    if (close == std::string::npos || close + 4 >= stat.size())
        return false;
    process.state = stat[close + 2];
    process.parent = static_cast<pid_t>(std::strtol(stat.c_str() + close + 4, nullptr, 10));
    return true;
}

} // namespace

std::string ProcessInfo::commandLine() const
{
    std::string line;
    for (const std::string &argument : arguments)
        line += (line.empty() ? "" : " ") + argument;
    return line;
}

std::string ProcessInfo::environmentValue(std::string_view name) const
{
    for (const std::string &entry : environment) {
        if (entry.size() > name.size() && entry.compare(0, name.size(), name) == 0
            && entry[name.size()] == '=')
            return entry.substr(name.size() + 1);
    }
    return {};
}

bool ProcessInfo::mentions(std::string_view text) const
{
    const auto contains = [text](const std::string &value) {
        return value.find(text) != std::string::npos;
    };
    return contains(cwd) || std::any_of(arguments.begin(), arguments.end(), contains)
            || std::any_of(environment.begin(), environment.end(), contains);
}

std::vector<ProcessInfo> readProcessTable(bool details)
{
    std::vector<ProcessInfo> table;
    const std::unique_ptr<DIR, int (*)(DIR *)> proc(::opendir("/proc"), &::closedir);
    if (!proc)
        return table;
    while (const dirent *entry = ::readdir(proc.get())) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        ProcessInfo process;
        process.pid = static_cast<pid_t>(pid);
        const std::string directory = std::string("/proc/") + entry->d_name;
        if (!readStat(directory, process))
            continue;
        if (!details) {
            table.push_back(std::move(process));
            continue;
        }
        process.exe = readLink(directory + "/exe");
        constexpr std::string_view deleted = " (deleted)";
        if (process.exe.ends_with(deleted))
            process.exe.resize(process.exe.size() - deleted.size());
        process.cwd = readLink(directory + "/cwd");
        process.arguments = splitAtNul(readWhole(directory + "/cmdline"));
        process.environment = splitAtNul(readWhole(directory + "/environ"));
        table.push_back(std::move(process));
    }
    return table;
}

bool isRunning(pid_t pid)
{
    ProcessInfo process;
    return readStat("/proc/" + std::to_string(pid), process) && !process.isZombie();
}

std::vector<pid_t> descendantsOf(const std::vector<ProcessInfo> &table, pid_t ancestor)
{
    std::vector<pid_t> found{ancestor};
    // Breadth first: every pid added is searched for children in a later pass of the loop.
    for (std::size_t next = 0; next < found.size(); ++next) {
        for (const ProcessInfo &process : table) {
            if (process.parent == found[next] && process.pid != ancestor)
                found.push_back(process.pid);
        }
    }
    found.erase(found.begin());
    return found;
}

std::vector<const ProcessInfo *> ancestorsOf(const std::vector<ProcessInfo> &table, pid_t pid)
{
    const auto find = [&table](pid_t wanted) -> const ProcessInfo * {
        const auto it = std::find_if(table.begin(), table.end(), [wanted](const ProcessInfo &p) {
            return p.pid == wanted;
        });
        return it == table.end() ? nullptr : &*it;
    };
    std::vector<const ProcessInfo *> chain;
    const ProcessInfo *current = find(pid);
    while (current && current->parent > 1 && chain.size() < table.size()) {
        current = find(current->parent);
        if (current)
            chain.push_back(current);
    }
    return chain;
}

} // namespace imsa::test
