#pragma once

#include <functional>

#include <QHash>
#include <QObject>
#include <QSet>

#include "imsa/accesspolicy.h"
#include "peerresolver.h"

class QTcpSocket;

namespace imsa::app {

class AccessLog;
class ApprovalStore;

/// Decides and records who gets a profile's credentials (issue #16). For each connection
/// that asks for credentials it finds the program behind it once (PeerResolver) and keeps the
/// answer for the connection's lifetime; every answer becomes a line of the access log.
/// `access: ask` profiles go only to approved programs; `access: notify` ones raise
/// firstUse() the first time (in this run of the app) an executable takes them.
///
/// Nothing here is a sandbox: a program of the same user can read the key store or ptrace
/// the app. It keeps drive-by credential harvesters (install scripts) out and tells the user
/// who took what.
class AccessGuard final : public QObject
{
    Q_OBJECT

public:
    using PolicyLookup = std::function<AccessPolicy(const QString &profile)>;

    AccessGuard(AccessLog &log, ApprovalStore &approvals, PolicyLookup policyOf,
                QObject *parent = nullptr);

    /// Whether the program behind `socket` may have `profile`'s credentials on `route`;
    /// records the answer either way.
    bool admit(QTcpSocket *socket, const QString &profile, QLatin1StringView route);

    /// Records credentials handed out over the control socket to the local process `pid`
    /// (from SO_PEERCRED): `imsa export`, `imsa credential-process`.
    void recordCliAccess(qint64 pid, qint64 uid, const QString &profile);

    ApprovalStore &approvals() { return m_approvals; }

Q_SIGNALS:
    /// A program took the credentials of an `access: notify` profile for the first time.
    void firstUse(const QString &profile, const QString &program, const QString &parent);

private:
    const PeerProcess &peerOf(QTcpSocket *socket);
    void record(const PeerProcess &peer, const QString &profile, QLatin1StringView route,
                bool served);

    AccessLog &m_log;
    ApprovalStore &m_approvals;
    PolicyLookup m_policyOf;
    PeerResolver m_resolver;
    QHash<QTcpSocket *, PeerProcess> m_peers;
    QSet<QString> m_notified; ///< profile + '\n' + executable
};

} // namespace imsa::app
