#include <algorithm>
#include <array>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>

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

/// Field 4 of /proc/PID/stat, read after the last ')' because the command name may hold any
/// character.
qint64 parentOf(qint64 pid)
{
    QFile file(procPath(pid, "stat"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.read(1024);
    const qsizetype end = stat.lastIndexOf(')');
    if (end < 0)
        return -1;
    const QList<QByteArray> fields = stat.sliced(end + 1).simplified().split(' ');
    return fields.size() > 1 ? fields.at(1).toLongLong() : -1;
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
    const std::optional<SocketOwner> owner = querySocketOwner(tuple);
    if (!owner) {
        peer.unresolved = QStringLiteral("closed");
        return peer;
    }
    peer.uid = owner->uid;
    if (owner->uid != ::getuid()) {
        peer.unresolved = QStringLiteral("other user");
        return peer;
    }
    if (owner->inode == 0) {
        peer.unresolved = QStringLiteral("closed");
        return peer;
    }
    const std::optional<qint64> pid = findSocketOwner(owner->inode, owner->uid);
    if (!pid) {
        peer.unresolved = QStringLiteral("process not found");
        return peer;
    }
    return describe(*pid, owner->uid);
}

PeerProcess PeerResolver::describe(qint64 pid, qint64 uid) const
{
    PeerProcess peer;
    peer.uid = uid;
    peer.pid = pid;
    peer.executable = linkTarget(pid, "exe");
    if (peer.executable.isEmpty()) {
        peer.unresolved = QStringLiteral("process not readable");
        return peer;
    }
    const QStringList arguments = commandLineOf(pid);
    peer.commandLine = shortCommandLine(arguments);
    peer.program = programIdentity(peer.executable, arguments, linkTarget(pid, "cwd"));
    const qint64 parent = parentOf(pid);
    if (parent > 0)
        peer.parentExecutable = linkTarget(parent, "exe");
    return peer;
}

std::optional<qint64> PeerResolver::findSocketOwner(quint64 inode, quint32 uid)
{
    const QByteArray wanted = "socket:[" + QByteArray::number(inode) + ']';
    // Checked, not trusted: the descriptor may have been closed and its number reused.
    const auto cached = m_inodeOwners.constFind(inode);
    if (cached != m_inodeOwners.cend()
        && linkTarget(cached->pid, "fd/" + QByteArray::number(cached->fd)).toLatin1() == wanted) {
        remember(cached->pid);
        return cached->pid;
    }

    QList<qint64> order = m_recentOwners;
    for (const qint64 pid : processIds()) {
        if (!m_recentOwners.contains(pid))
            order.append(pid);
    }
    QHash<quint64, SocketHolder> seen;
    std::optional<qint64> found;
    int processes = 0;
    int descriptors = 0;
    for (const qint64 pid : order) {
        if (found || processes >= maxScannedProcesses || descriptors >= maxScannedDescriptors)
            break;
        const QByteArray directory = "/proc/" + QByteArray::number(pid) + "/fd";

        struct stat status
        { };

        // /proc/PID belongs to the process's uid; other users' fd directories are closed anyway.
        if (::stat(directory.constData(), &status) != 0 || status.st_uid != uid)
            continue;
        ++processes;
        const int fdDirectory = ::open(directory.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        DIR *fds = fdDirectory >= 0 ? ::fdopendir(fdDirectory) : nullptr;
        if (!fds) {
            if (fdDirectory >= 0)
                ::close(fdDirectory);
            continue;
        }
        while (const dirent *entry = ::readdir(fds)) {
            if (entry->d_name[0] == '.' || ++descriptors >= maxScannedDescriptors)
                continue;
            std::array<char, 64> target{};
            const ssize_t length =
                    ::readlinkat(fdDirectory, entry->d_name, target.data(), target.size() - 1);
            const QByteArrayView link(target.data(), std::max<ssize_t>(length, 0));
            if (!link.startsWith("socket:["))
                continue;
            if (link == wanted)
                found = pid;
            if (seen.size() < maxRememberedInodes)
                seen.insert(link.sliced(8).chopped(1).toULongLong(),
                            {pid, QByteArrayView(entry->d_name).toInt()});
        }
        ::closedir(fds);
    }
    m_inodeOwners = std::move(seen);
    if (found)
        remember(*found);
    return found;
}

void PeerResolver::remember(qint64 pid)
{
    m_recentOwners.removeOne(pid);
    m_recentOwners.prepend(pid);
    if (m_recentOwners.size() > maxRecentOwners)
        m_recentOwners.removeLast();
}

} // namespace imsa::app
