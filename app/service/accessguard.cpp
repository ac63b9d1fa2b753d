#include "accessguard.h"

#include <QDateTime>
#include <QTcpSocket>

#include "accesslog.h"
#include "approvalstore.h"
#include "imsa/logging.h"

namespace imsa::app {

AccessGuard::AccessGuard(std::unique_ptr<AccessLog> log, std::unique_ptr<ApprovalStore> approvals,
                         PolicyLookup policyOf, QObject *parent)
    : QObject(parent)
    , m_log(std::move(log))
    , m_approvals(std::move(approvals))
    , m_policyOf(std::move(policyOf))
{ }

AccessGuard::~AccessGuard()
{
    for (Connection &connection : m_connections)
        writeRepeats(connection);
}

AccessGuard::Connection &AccessGuard::connectionOf(QTcpSocket *socket)
{
    auto known = m_connections.find(socket);
    if (known != m_connections.end())
        return *known;
    const TcpTuple tuple{socket->peerAddress(), socket->peerPort(), socket->localAddress(),
                         socket->localPort()};
    // Forgotten with the connection, at once and in its own thread: a pointer may be reused by
    // the next socket.
    connect(
            socket, &QObject::destroyed, this,
            [this, socket] {
                const QMutexLocker locker(&m_mutex);
                auto ended = m_connections.find(socket);
                if (ended == m_connections.end())
                    return;
                writeRepeats(*ended);
                m_connections.erase(ended);
            },
            Qt::DirectConnection);
    return *m_connections.insert(socket, {m_resolver.resolve(tuple), {}, 0});
}

bool AccessGuard::admit(QTcpSocket *socket, const QString &profile, QLatin1StringView route)
{
    const QMutexLocker locker(&m_mutex);
    Connection &connection = connectionOf(socket);
    const PeerProcess &peer = connection.peer;
    const AccessPolicy policy = m_policyOf(profile);
    bool served = true;
    if (policy == AccessPolicy::Ask) {
        served = peer.pid > 0 && m_approvals->isApproved(profile, peer.program);
        if (!served && connection.repeats == 0)
            qCWarning(lcImds).noquote() << "refused profile" << profile << "to"
                                        << (peer.program.isEmpty() ? peer.unresolved : peer.program)
                                        << "(not approved: imsa allow PROFILE PROGRAM)";
    } else if (policy == AccessPolicy::Notify && peer.pid > 0) {
        const QString key = profile + u'\n' + peer.executable;
        if (!m_notified.contains(key)) {
            m_notified.insert(key);
            Q_EMIT firstUse(profile, peer.program, peer.parentExecutable);
        }
    }
    const QString result = served ? QStringLiteral("served") : QStringLiteral("denied");
    if (connection.last.time.isValid() && connection.last.profile == profile
        && connection.last.route == route && connection.last.result == result) {
        ++connection.repeats;
        return served;
    }
    writeRepeats(connection);
    connection.last = accessEvent(peer, profile, route, served);
    m_log->append(connection.last);
    return served;
}

void AccessGuard::recordCliAccess(qint64 pid, qint64 uid, const QString &profile)
{
    const QMutexLocker locker(&m_mutex);
    m_log->append(
            accessEvent(m_resolver.describe(pid, uid), profile, QLatin1StringView("cli"), true));
}

void AccessGuard::writeRepeats(Connection &connection)
{
    if (connection.repeats == 0)
        return;
    AccessEvent repeated = connection.last;
    repeated.time = QDateTime::currentDateTimeUtc();
    repeated.repeats = connection.repeats;
    m_log->append(repeated);
    connection.repeats = 0;
}

AccessEvent AccessGuard::accessEvent(const PeerProcess &peer, const QString &profile,
                                     QLatin1StringView route, bool served) const
{
    AccessEvent event;
    event.time = QDateTime::currentDateTimeUtc();
    event.profile = profile;
    event.route = route;
    event.result = served ? QStringLiteral("served") : QStringLiteral("denied");
    event.uid = peer.uid;
    event.pid = peer.pid;
    event.executable = peer.executable;
    event.commandLine = peer.commandLine;
    event.parentExecutable = peer.parentExecutable;
    event.program = peer.program;
    event.unresolved = peer.unresolved;
    return event;
}

} // namespace imsa::app
