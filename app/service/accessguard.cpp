#include "accessguard.h"

#include <QDateTime>
#include <QTcpSocket>

#include "accesslog.h"
#include "approvalstore.h"
#include "imsa/logging.h"

namespace imsa::app {

AccessGuard::AccessGuard(AccessLog &log, ApprovalStore &approvals, PolicyLookup policyOf,
                         QObject *parent)
    : QObject(parent)
    , m_log(log)
    , m_approvals(approvals)
    , m_policyOf(std::move(policyOf))
{ }

const PeerProcess &AccessGuard::peerOf(QTcpSocket *socket)
{
    auto known = m_peers.find(socket);
    if (known != m_peers.end())
        return *known;
    const TcpTuple tuple{socket->peerAddress(), socket->peerPort(), socket->localAddress(),
                         socket->localPort()};
    // Forgotten with the connection: a pointer may be reused by the next socket.
    connect(socket, &QObject::destroyed, this, [this, socket] {
        m_peers.remove(socket);
    });
    return *m_peers.insert(socket, m_resolver.resolve(tuple));
}

bool AccessGuard::admit(QTcpSocket *socket, const QString &profile, QLatin1StringView route)
{
    const PeerProcess &peer = peerOf(socket);
    const AccessPolicy policy = m_policyOf(profile);
    bool served = true;
    if (policy == AccessPolicy::Ask) {
        served = peer.pid > 0 && m_approvals.isApproved(profile, peer.program);
        if (!served)
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
    record(peer, profile, route, served);
    return served;
}

void AccessGuard::recordCliAccess(qint64 pid, qint64 uid, const QString &profile)
{
    record(m_resolver.describe(pid, uid), profile, QLatin1StringView("cli"), true);
}

void AccessGuard::record(const PeerProcess &peer, const QString &profile, QLatin1StringView route,
                         bool served)
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
    m_log.append(event);
}

} // namespace imsa::app
