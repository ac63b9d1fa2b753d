#pragma once

#include <functional>
#include <memory>

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include "imsa/accessevent.h"
#include "imsa/accesspolicy.h"
#include "peerresolver.h"

class QTcpSocket;

namespace imsa::app {

class AccessLog;
class ApprovalStore;

/// Decides and records who gets a profile's credentials (issue #16). For each connection
/// that asks for credentials it finds the program behind it once (PeerResolver) and keeps the
/// answer for the connection's lifetime. The first answer on a connection becomes a line of the
/// access log at once; the same answer repeated on that connection (an SDK's keep-alive
/// connection, a benchmark) is counted instead and written as one more line with "repeats" when
/// the connection ends or the answer changes. So a client that hammers the endpoint neither
/// costs a write per request nor rotates everyone else's lines out of the log.
/// `access: ask` profiles go only to approved programs; `access: notify` ones raise
/// firstUse() the first time (in this run of the app) an executable takes them.
///
/// The metadata endpoint's serving threads share one guard: every public function locks, and a
/// connection is forgotten in the thread that ends it.
///
/// Nothing here is a sandbox: a program of the same user can read the key store or ptrace
/// the app. It keeps drive-by credential harvesters (install scripts) out and tells the user
/// who took what.
class AccessGuard final : public QObject
{
    Q_OBJECT

public:
    using PolicyLookup = std::function<AccessPolicy(const QString &profile)>;

    AccessGuard(std::unique_ptr<AccessLog> log, std::unique_ptr<ApprovalStore> approvals,
                PolicyLookup policyOf, QObject *parent = nullptr);
    /// Writes the repeats still being counted.
    ~AccessGuard() override;

    /// Whether the program behind `socket` may have `profile`'s credentials on `route`;
    /// records the answer either way.
    bool admit(QTcpSocket *socket, const QString &profile, QLatin1StringView route);

    /// Records credentials handed out over the control socket to the local process `pid`
    /// (from SO_PEERCRED): `imsa export`, `imsa credential-process`.
    void recordCliAccess(qint64 pid, qint64 uid, const QString &profile);

    ApprovalStore &approvals() { return *m_approvals; }

Q_SIGNALS:
    /// A program took the credentials of an `access: notify` profile for the first time.
    void firstUse(const QString &profile, const QString &program, const QString &parent);

private:
    /// One connection: who is behind it, and its last answer while it repeats.
    struct Connection
    {
        PeerProcess peer;
        AccessEvent last; ///< time invalid before the first answer
        qint64 repeats = 0; ///< answers equal to `last` not written yet
    };

    Connection &connectionOf(QTcpSocket *socket);
    AccessEvent accessEvent(const PeerProcess &peer, const QString &profile,
                            QLatin1StringView route, bool served) const;
    void writeRepeats(Connection &connection);

    std::unique_ptr<AccessLog> m_log;
    std::unique_ptr<ApprovalStore> m_approvals;
    PolicyLookup m_policyOf;
    PeerResolver m_resolver;
    QMutex m_mutex; ///< guards everything below, the log and the resolver
    QHash<QTcpSocket *, Connection> m_connections;
    QSet<QString> m_notified; ///< profile + '\n' + executable
};

} // namespace imsa::app
