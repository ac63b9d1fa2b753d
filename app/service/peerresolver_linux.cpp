#include <algorithm>
#include <array>
#include <cstdio>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>
#include <QVarLengthArray>

#include "peerresolver.h"
#include "processidentity.h"

namespace imsa::app {

namespace {

QString procPath(qint64 pid, QByteArrayView entry)
{
    return QStringLiteral("/proc/%1/%2").arg(pid).arg(QLatin1StringView(entry));
}

QString linkTarget(qint64 pid, const QByteArray &entry)
{
    const QByteArray path = QFile::encodeName(procPath(pid, entry));
    std::array<char, 4096> target{};
    const ssize_t length = ::readlink(path.constData(), target.data(), target.size() - 1);
    return length > 0 ? QFile::decodeName(QByteArray(target.data(), length)) : QString();
}

QStringList commandLineOf(qint64 pid)
{
    QFile file(procPath(pid, "cmdline"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    // argv is NUL-separated; 16 KiB is far more than a shortened line shows.
    QByteArray raw = file.read(16 * 1024);
    if (raw.endsWith('\0'))
        raw.chop(1);
    QStringList arguments;
    for (const QByteArray &argument : raw.split('\0'))
        arguments.append(QString::fromLocal8Bit(argument));
    return arguments;
}

/// What /proc/PID/stat tells of a process; readable even when the process made itself
/// non-dumpable, unlike its executable and descriptors.
struct ProcessStat
{
    qint64 parent = -1; ///< field 4
    qint64 started = -1; ///< field 22: tells a reused pid apart
};

/// Reads a /proc/PID/stat (`path`, relative to `directory` as for openat) with plain system
/// calls into the stack: it runs for new connections, a burst's included. The fields are read
/// after the last ')', because the command name before it may hold any character; -1 when
/// unreadable.
ProcessStat statAt(int directory, const char *path)
{
    const int fd = ::openat(directory, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return {};
    std::array<char, 1024> buffer{};
    const ssize_t length = ::read(fd, buffer.data(), buffer.size());
    ::close(fd);
    const QByteArrayView stat(buffer.data(), std::max<ssize_t>(length, 0));
    const qsizetype end = stat.lastIndexOf(')');
    if (end < 0)
        return {};
    ProcessStat status;
    // After ") ": state is field 3, so field N is the (N - 3)th word.
    QByteArrayView rest = stat.sliced(end + 1).trimmed();
    for (int field = 3; field <= 22 && !rest.isEmpty(); ++field) {
        const qsizetype space = rest.indexOf(' ');
        const QByteArrayView word = space < 0 ? rest : rest.first(space);
        if (field == 4 || field == 22) {
            bool isNumber = false;
            const qint64 value = word.toLongLong(&isNumber);
            (field == 4 ? status.parent : status.started) = isNumber ? value : -1;
        }
        rest = space < 0 ? QByteArrayView() : rest.sliced(space + 1);
    }
    return status;
}

ProcessStat statOf(qint64 pid)
{
    std::array<char, 32> path{};
    std::snprintf(path.data(), path.size(), "/proc/%lld/stat", static_cast<long long>(pid));
    return statAt(AT_FDCWD, path.data());
}

/// Whether descriptor `fd` of `pid` is the socket `wanted` ("socket:[INODE]").
bool holdsSocket(qint64 pid, int fd, const QByteArray &wanted)
{
    std::array<char, 48> path{};
    std::snprintf(path.data(), path.size(), "/proc/%lld/fd/%d", static_cast<long long>(pid), fd);
    std::array<char, 64> target{};
    const ssize_t length = ::readlink(path.data(), target.data(), target.size());
    return length > 0 && QByteArrayView(target.data(), length) == wanted;
}

/// The process ids in /proc, highest first.
QList<qint64> processIds()
{
    QList<qint64> pids;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return pids;
    while (const dirent *entry = ::readdir(proc)) {
        bool isNumber = false;
        const qint64 pid = QByteArrayView(entry->d_name).toLongLong(&isNumber);
        if (isNumber)
            pids.append(pid);
    }
    ::closedir(proc);
    std::sort(pids.begin(), pids.end(), std::greater<>());
    return pids;
}

} // namespace

PeerProcess PeerResolver::resolve(const TcpTuple &tuple)
{
    PeerProcess peer;
    const std::optional<SocketOwner> owner = m_sockDiag.query(tuple);
    if (!owner) {
        peer.unresolved = QStringLiteral("closed");
        return peer;
    }
    peer.uid = owner->uid;
    static const uid_t self = ::getuid();
    if (owner->uid != self) {
        peer.unresolved = QStringLiteral("other user");
        return peer;
    }
    if (owner->inode == 0) {
        peer.unresolved = QStringLiteral("closed");
        return peer;
    }
    if (const std::optional<PeerProcess> known = describedHolder(owner->inode))
        return *known;
    const std::optional<qint64> pid = findSocketOwner(owner->inode, owner->uid);
    if (!pid) {
        peer.unresolved = QStringLiteral("process not found");
        return peer;
    }
    return describe(*pid, owner->uid);
}

std::optional<PeerProcess> PeerResolver::describedHolder(quint64 inode)
{
    // The socket is alive (the kernel just reported it), and a scan saw it held by the process
    // with that pid and start time; if that is the process described, nothing needs reading.
    // Unlike holdsSocket() this does not notice a holder that has since handed the socket on and
    // closed it: the connection goes to the process that was seen holding it.
    const auto holder = m_inodeOwners.constFind(inode);
    if (holder == m_inodeOwners.cend() || holder->started < 0)
        return std::nullopt;
    const auto known = m_described.constFind(holder->pid);
    if (known == m_described.cend() || known->started != holder->started)
        return std::nullopt;
    remember(holder->pid);
    return known->peer;
}

PeerProcess PeerResolver::describe(qint64 pid, qint64 uid)
{
    // A pid is the same process as long as its start time is: read once per process.
    const ProcessStat status = statOf(pid);
    const auto known = m_described.constFind(pid);
    if (known != m_described.cend() && status.started >= 0 && known->started == status.started)
        return known->peer;
    PeerProcess peer = readProcess(pid, uid, status.parent);
    if (m_described.size() >= maxDescribedProcesses)
        m_described.clear();
    if (peer.unresolved.isEmpty() && status.started >= 0)
        m_described.insert(pid, {status.started, peer});
    return peer;
}

PeerProcess PeerResolver::readProcess(qint64 pid, qint64 uid, qint64 parent)
{
    PeerProcess peer;
    peer.uid = uid;
    peer.pid = pid;
    peer.parentPid = parent;
    // The command line and the parent stay readable when the executable is not (a
    // non-dumpable process), so the log shows them either way; without the executable there is
    // no program to judge.
    const QStringList arguments = commandLineOf(pid);
    peer.commandLine = shortCommandLine(arguments);
    if (parent > 0)
        peer.parentExecutable = linkTarget(parent, "exe");
    peer.executable = linkTarget(pid, "exe");
    if (peer.executable.isEmpty())
        peer.unresolved = QStringLiteral("process not readable");
    else
        peer.program = programIdentity(peer.executable, arguments, linkTarget(pid, "cwd"));
    return peer;
}

bool PeerResolver::scanProcess(qint64 pid, quint32 uid, const QByteArray &wanted,
                               ScanBudget &budget)
{
    // Everything is read through one descriptor of /proc/PID, so all of it is of one process:
    // if that one ends and its pid is reused meanwhile, reads through it fail instead of
    // reading the new process. pid_max may be as low as 32768.
    const QByteArray path = "/proc/" + QByteArray::number(pid);
    const int process = ::open(path.constData(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (process < 0)
        return false;

    struct stat status
    { };

    // /proc/PID/fd belongs to the process's uid; other users' fd directories are closed anyway.
    const int fdDirectory = ::fstatat(process, "fd", &status, 0) == 0 && status.st_uid == uid
            ? ::openat(process, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            : -1;
    DIR *fds = fdDirectory >= 0 ? ::fdopendir(fdDirectory) : nullptr;
    if (!fds) {
        if (fdDirectory >= 0)
            ::close(fdDirectory);
        ::close(process);
        return false;
    }
    ++budget.processes;
    bool found = false;
    QVarLengthArray<std::pair<quint64, int>, 64> sockets; // inode, descriptor
    while (const dirent *entry = ::readdir(fds)) {
        if (entry->d_name[0] == '.' || ++budget.descriptors >= maxScannedDescriptors)
            continue;
        std::array<char, 64> target{};
        const ssize_t length =
                ::readlinkat(fdDirectory, entry->d_name, target.data(), target.size() - 1);
        const QByteArrayView link(target.data(), std::max<ssize_t>(length, 0));
        if (!link.startsWith("socket:["))
            continue;
        found = found || link == wanted;
        sockets.append(
                {link.sliced(8).chopped(1).toULongLong(), QByteArrayView(entry->d_name).toInt()});
    }
    ::closedir(fds);
    // The start time tells later which process this was (describedHolder()); -1 if it ended.
    const qint64 started = sockets.isEmpty() ? -1 : statAt(process, "stat").started;
    ::close(process);
    for (const auto &[inode, descriptor] : sockets) {
        if (m_inodeOwners.size() >= maxRememberedInodes)
            m_inodeOwners.clear(); // entries are checked on use; a fresh start is as good
        m_inodeOwners.insert(inode, {pid, descriptor, started});
    }
    return found;
}

std::optional<qint64> PeerResolver::findSocketOwner(quint64 inode, quint32 uid)
{
    const QByteArray wanted = "socket:[" + QByteArray::number(inode) + ']';
    // Checked, not trusted: the descriptor may have been closed and its number reused.
    const auto cached = m_inodeOwners.constFind(inode);
    if (cached != m_inodeOwners.cend() && holdsSocket(cached->pid, cached->fd, wanted)) {
        remember(cached->pid);
        return cached->pid;
    }

    ScanBudget budget;
    // The recent owners before listing /proc at all: a long-running client is found at once.
    for (const qint64 pid : std::as_const(m_recentOwners)) {
        if (scanProcess(pid, uid, wanted, budget)) {
            remember(pid);
            return pid;
        }
    }
    for (const qint64 pid : processIds()) {
        if (budget.processes >= maxScannedProcesses || budget.descriptors >= maxScannedDescriptors)
            break;
        if (!m_recentOwners.contains(pid) && scanProcess(pid, uid, wanted, budget)) {
            remember(pid);
            return pid;
        }
    }
    return std::nullopt;
}

void PeerResolver::remember(qint64 pid)
{
    m_recentOwners.removeOne(pid);
    m_recentOwners.prepend(pid);
    if (m_recentOwners.size() > maxRecentOwners)
        m_recentOwners.removeLast();
}

} // namespace imsa::app
