#include "appstate.h"

#include <charconv>
#include <csignal>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace imsa::runtime {

namespace {

constexpr std::size_t maxFileSize = 4096;

std::string printable(std::string_view value)
{
    std::string result(value);
    for (char &c : result) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 0x20 || byte == 0x7f)
            c = '?';
    }
    return result;
}

template <typename Number>
std::optional<Number> parseNumber(std::string_view text)
{
    Number value{};
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return value;
}

/// The file's text when it is a regular file of this user that only this user can read.
std::optional<std::string> readPrivateFile(const std::string &path)
{
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return std::nullopt;

    struct stat info
    { };

    std::string text;
    if (fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && info.st_uid == getuid()
        && (info.st_mode & 0077) == 0) {
        text.resize(maxFileSize);
        const ssize_t length = read(fd, text.data(), text.size());
        text.resize(length > 0 ? static_cast<std::size_t>(length) : 0);
    }
    close(fd);
    if (text.empty())
        return std::nullopt;
    return text;
}

/// Whether `pid` is an imsa program: kill(0) says a process exists, its name says it is not an
/// unrelated process that was given the pid of a crashed app.
bool isRunningImsa(long pid)
{
    if (pid <= 0 || kill(static_cast<pid_t>(pid), 0) != 0)
        return false;
    const int fd = open(("/proc/" + std::to_string(pid) + "/comm").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    char name[16] = {};
    const ssize_t length = read(fd, name, sizeof name);
    close(fd);
    return length >= 5 && std::string_view(name, 5) == "imsa-";
}

} // namespace

std::string appStatePath(const std::string &runtimeDir)
{
    return runtimeDir + "/state";
}

std::string formatAppState(const AppState &state)
{
    std::string text = "pid=" + std::to_string(state.pid) + "\nprofile=" + printable(state.profile)
            + "\nstate=" + printable(state.state) + "\n";
    if (state.actBy)
        text += "act_by=" + std::to_string(*state.actBy) + "\n";
    return text;
}

std::optional<AppState> parseAppState(std::string_view text)
{
    AppState state;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos)
            continue;
        const std::string_view key = line.substr(0, equals);
        const std::string_view value = line.substr(equals + 1);
        if (key == "pid")
            state.pid = parseNumber<long>(value).value_or(0);
        else if (key == "profile")
            state.profile = value;
        else if (key == "state")
            state.state = value;
        else if (key == "act_by")
            state.actBy = parseNumber<std::int64_t>(value);
    }
    if (state.pid <= 0)
        return std::nullopt;
    return state;
}

std::optional<AppState> readRunningAppState(const std::string &runtimeDir)
{
    const std::optional<std::string> text = readPrivateFile(appStatePath(runtimeDir));
    if (!text)
        return std::nullopt;
    std::optional<AppState> state = parseAppState(*text);
    if (!state || !isRunningImsa(state->pid))
        return std::nullopt;
    return state;
}

} // namespace imsa::runtime
