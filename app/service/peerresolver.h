#pragma once

#include <optional>

#include <QHash>
#include <QList>
#include <QString>

#include "sockdiag.h"

namespace imsa::app {

/// The program at the other end of a connection, as far as it could be found out.
struct PeerProcess
{
    qint64 uid = -1; ///< -1: unknown
    qint64 pid = -1; ///< -1: not found, see `unresolved`
    qint64 parentPid = -1;
    QString executable; ///< empty when not readable, see `unresolved`
    QString commandLine; ///< shortCommandLine()
    QString parentExecutable;
    QString program; ///< programIdentity()
    QString unresolved; ///< why there is no process ("other user", "closed", …)
};

/// Finds the process behind a loopback TCP peer: its uid and socket inode from the kernel's
/// socket diagnostics (sockdiag.h), then the process holding that inode among the user's own
/// processes (/proc/PID/fd links read `socket:[INODE]`). Only this user's processes can be
/// looked into (/proc/PID/fd is private), which is also all the guard needs: another user's
/// program is recorded by its uid.
///
/// The cost is bounded: a scan visits at most maxScannedProcesses processes and
/// maxScannedDescriptors descriptors. It starts with the processes found recently (a
/// long-running SDK client opens connection after connection) and then goes from the highest
/// pid down (a client started just now, like `aws` or curl, usually has one of the newest
/// pids), and it keeps the socket inodes it passed on the way, so a second connection of a
/// client that opened several at once is found without a scan. What it read of a process
/// (executable, command line, parent) is kept per pid and start time, and the sockets a scan
/// passed are kept with their holder's pid and start time, so that a connection on one of them
/// is told by a lookup in memory after the kernel's answer.
class PeerResolver
{
public:
    static constexpr int maxScannedProcesses = 4096;
    static constexpr int maxScannedDescriptors = 65536;
    static constexpr int maxRecentOwners = 8;
    static constexpr qsizetype maxRememberedInodes = 16384;
    static constexpr qsizetype maxDescribedProcesses = 256;

    PeerProcess resolve(const TcpTuple &tuple);
    /// A local peer whose pid and uid the kernel gave (SO_PEERCRED).
    PeerProcess describe(qint64 pid, qint64 uid);

private:
    struct ScanBudget
    {
        int processes = 0;
        int descriptors = 0;
    };

    struct Described
    {
        qint64 started = -1; ///< /proc/PID/stat start time: tells a reused pid apart
        PeerProcess peer;
    };

    std::optional<qint64> findSocketOwner(quint64 inode, quint32 uid);
    /// Whether `pid` holds the socket `wanted`; remembers every socket inode it passes.
    bool scanProcess(qint64 pid, quint32 uid, const QByteArray &wanted, ScanBudget &budget);
    static PeerProcess readProcess(qint64 pid, qint64 uid, qint64 parent);
    void remember(qint64 pid);

    struct SocketHolder
    {
        qint64 pid = -1;
        int fd = -1;
        qint64 started = -1; ///< the holder's start time when it was scanned; -1: unknown
    };

    /// The description of the process a scan saw holding the socket `inode`, if it is still
    /// the one described: no system call at all, for a client's second and later connections.
    std::optional<PeerProcess> describedHolder(quint64 inode);

    SockDiag m_sockDiag;
    QHash<quint64, SocketHolder> m_inodeOwners; ///< socket inode → holder, from earlier scans
    QHash<qint64, Described> m_described; ///< pid → what describe() read
    QList<qint64> m_recentOwners; ///< most recent first
};

} // namespace imsa::app
