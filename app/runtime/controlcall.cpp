#include "controlcall.h"

#include <cerrno>
#include <chrono>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "runtimepaths.h"

namespace imsa::runtime {

namespace {

// As ipc::protocolVersion and ipc::maxLineBytes (core/include/imsa/ipcmessage.h).
constexpr int protocolVersion = 1;
constexpr std::size_t maxLineBytes = 64 * 1024;
constexpr std::string_view requestId = "1";

/// Owns a file descriptor.
class Descriptor
{
public:
    explicit Descriptor(int fd)
        : m_fd(fd)
    { }

    Descriptor(const Descriptor &) = delete;
    Descriptor &operator=(const Descriptor &) = delete;

    ~Descriptor()
    {
        if (m_fd >= 0)
            close(m_fd);
    }

    int get() const { return m_fd; }

private:
    int m_fd;
};

/// The same checks as app::ensureRuntimeDir(), without its repairs: imsa-cli makes those.
bool isPrivateDirectory(const std::string &path)
{
    struct stat info
    { };

    return lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode) && info.st_uid == getuid()
            && (info.st_mode & 0077) == 0;
}

using Clock = std::chrono::steady_clock;

/// Rounded up, so that a poll() that runs out has reached the deadline.
int millisecondsLeft(Clock::time_point deadline)
{
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    return static_cast<int>(std::max<std::chrono::milliseconds::rep>(0, left.count()));
}

bool writeAll(int fd, std::string_view data, Clock::time_point deadline)
{
    while (!data.empty()) {
        const ssize_t written = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (written > 0) {
            data.remove_prefix(static_cast<std::size_t>(written));
            continue;
        }
        if (written < 0 && errno == EINTR)
            continue;
        pollfd ready{fd, POLLOUT, 0};
        if (written < 0 && errno == EAGAIN && poll(&ready, 1, millisecondsLeft(deadline)) > 0)
            continue;
        return false;
    }
    return true;
}

/// The next line the app sends (without its newline), or nothing at the deadline, the end of
/// the connection or an overlong line.
std::optional<std::string> readLine(int fd, std::string &buffer, Clock::time_point deadline)
{
    for (;;) {
        if (const std::size_t end = buffer.find('\n'); end != std::string::npos) {
            std::string line = buffer.substr(0, end);
            buffer.erase(0, end + 1);
            return line;
        }
        if (buffer.size() > maxLineBytes)
            return std::nullopt;
        pollfd ready{fd, POLLIN, 0};
        const int polled = poll(&ready, 1, millisecondsLeft(deadline));
        if (polled < 0 && errno == EINTR)
            continue;
        if (polled <= 0)
            return std::nullopt;
        char chunk[4096];
        const ssize_t received = recv(fd, chunk, sizeof chunk, 0);
        if (received < 0 && errno == EINTR)
            continue;
        if (received <= 0)
            return std::nullopt;
        buffer.append(chunk, static_cast<std::size_t>(received));
    }
}

/// The result of `message` when it is the successful reply to our request.
std::optional<JsonValue> successfulResult(const JsonValue &message)
{
    const JsonValue *version = message.member("v");
    const JsonValue *ok = message.member("ok");
    const JsonValue *result = message.member("result");
    if (!version || version->number() != protocolVersion || !ok || !ok->boolean().value_or(false)
        || !result || !result->isObject())
        return std::nullopt;
    return *result;
}

} // namespace

std::optional<JsonValue> askApp(const std::string &runtimeDir, std::string_view command,
                                int timeoutMs)
{
    const std::string path = controlSocketPath(runtimeDir);
    sockaddr_un address{};
    if (!isPrivateDirectory(runtimeDir) || path.size() >= sizeof address.sun_path)
        return std::nullopt;
    address.sun_family = AF_UNIX;
    path.copy(address.sun_path, path.size());
    const Descriptor socket(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    // A local connect() completes at once or fails: EAGAIN means the app's backlog is full.
    if (socket.get() < 0
        || connect(socket.get(), reinterpret_cast<const sockaddr *>(&address), sizeof address) != 0)
        return std::nullopt;

    const Clock::time_point deadline = Clock::now() + std::chrono::milliseconds(timeoutMs);
    // The command is one of ours, a plain word: nothing in it needs escaping.
    const std::string request = "{\"v\":" + std::to_string(protocolVersion) + ",\"id\":\""
            + std::string(requestId) + "\",\"command\":\"" + std::string(command) + "\"}\n";
    if (!writeAll(socket.get(), request, deadline))
        return std::nullopt;
    std::string buffer;
    while (const std::optional<std::string> line = readLine(socket.get(), buffer, deadline)) {
        const std::optional<JsonValue> message = parseJson(*line);
        if (!message || !message->isObject())
            return std::nullopt;
        // Events and replies to other requests are not ours (there are none today).
        if (message->stringMember("id") != requestId || message->member("event"))
            continue;
        return successfulResult(*message);
    }
    return std::nullopt;
}

} // namespace imsa::runtime
