#pragma once

#include <functional>
#include <memory>

#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSet>

#include "imsa/accessevent.h"
#include "imsa/accesspolicy.h"
#include "imsa/clock.h"
#include "imsa/result.h"
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
/// `access: notify` profiles raise firstUse() the first time (in this run of the app) an
/// executable takes them.
///
/// `access: ask` profiles go only to approved programs. A refused program is asked about:
/// approvalRequested() once per profile and program while that question is open, and the
/// answer() to it decides what follows:
/// - AlwaysAllow: approved in the ApprovalStore (on disk, as `imsa allow`).
/// - AllowOnce: served for the next allowOnceSecs, in memory only. The refused SDK has already
///   failed fast, so the user reruns the command within that time.
/// - Deny: no new question for that profile and program until the app restarts, so a harvester
///   that loops raises one question, not one per request; it stays refused and logged.
///
/// The metadata endpoint's serving threads share one guard, and each keeps its own
/// Connections. Finding the program behind a new connection (netlink, up to thousands of /proc
/// entries) happens outside the guard's lock, on the thread's own resolver, so one slow lookup
/// delays only its own thread's connections. A request that repeats its connection's last
/// answer for a profile that is not `ask` is counted in its thread's Connections without the
/// lock: that is every request of an SDK's keep-alive connection. The lock covers writing the
/// log, `notify` and `ask` decisions and the answers.
///
/// Nothing here is a sandbox: a program of the same user can read the key store or ptrace
/// the app. It keeps drive-by credential harvesters (install scripts) out and tells the user
/// who took what.
class AccessGuard final : public QObject
{
    Q_OBJECT

public:
    using PolicyLookup = std::function<AccessPolicy(const QString &profile)>;

    /// How long "Allow once" serves a program.
    static constexpr qint64 allowOnceSecs = 10 * 60;

    enum class Answer : uchar {
        AllowOnce,
        AlwaysAllow,
        Deny
    };

    /// The connections one serving thread has asked about, used by that thread only. Each is
    /// forgotten, and its repeats written, when its socket is destroyed; those still open when
    /// this goes are written then. Destroy it before its guard.
    class Connections
    {
    public:
        explicit Connections(AccessGuard &guard)
            : m_guard(guard)
        { }

        ~Connections();
        Q_DISABLE_COPY_MOVE(Connections)

        AccessGuard &guard() const { return m_guard; }

    private:
        friend class AccessGuard;

        /// One connection: who is behind it, and its last answer while it repeats.
        struct Connection
        {
            PeerProcess peer;
            AccessEvent last; ///< time invalid before the first answer
            qint64 repeats = 0; ///< answers equal to `last` not written yet
        };

        AccessGuard &m_guard;
        /// This thread's own, with its own caches: a lookup takes no lock.
        PeerResolver m_resolver;
        QHash<QTcpSocket *, Connection> m_bySocket;
        /// The context of the hooks on the sockets' destruction, so that they end with this.
        QObject m_socketHooks;
    };

    AccessGuard(std::unique_ptr<AccessLog> log, std::unique_ptr<ApprovalStore> approvals,
                PolicyLookup policyOf, const Clock &clock, QObject *parent = nullptr);
    ~AccessGuard() override;

    /// Whether the program behind `socket`, one of `connections`, may have `profile`'s
    /// credentials on `route`; records the answer either way.
    bool admit(Connections &connections, QTcpSocket *socket, const QString &profile,
               QLatin1StringView route);

    /// Whether the program that asked the control socket's local process `pid` (SO_PEERCRED)
    /// for `profile`'s credentials (`imsa export`, `imsa credential-process`) may have them.
    /// When `pid` runs imsa's own CLI (setCliExecutable()), that program is its parent (the
    /// shell, the SDK that runs credential_process), since approving imsa itself would let any
    /// program run `imsa export`; any other client of the control socket is itself the program. A
    /// refusal is logged and asked about; its message says how to approve the program.
    Result<Done, Failure> admitCli(qint64 pid, qint64 uid, const QString &profile);

    /// Records credentials handed out over the control socket to the local process `pid`.
    void recordCliAccess(qint64 pid, qint64 uid, const QString &profile);

    /// The user's answer to approvalRequested(); closes that question.
    Result<Done, Failure> answer(const QString &profile, const QString &program, Answer answer);

    ApprovalStore &approvals() { return *m_approvals; }

    /// Whether `allow` profiles are recorded (the default): off, their credentials are served
    /// without finding the program or writing a line, for users who want no record and for the
    /// benchmark that prices it. `notify` and `ask` profiles cannot decide without the program,
    /// so they keep both. Set before the serving threads start.
    void setRecordingAllowProfiles(bool on) { m_recordingAllowProfiles = on; }

    /// imsa's own CLI (imsa-cli of this installation), whose callers admitCli() judges. Only a
    /// process running this very file counts: a program that merely calls itself imsa-cli is
    /// judged as itself. Unset or missing: every client is judged as itself. Set it before the
    /// control socket serves.
    void setCliExecutable(const QString &path);

Q_SIGNALS:
    /// A program took the credentials of an `access: notify` profile for the first time.
    void firstUse(const QString &profile, const QString &program, const QString &parent);
    /// An `access: ask` profile refused `peer`, which is not approved; emitted in the thread
    /// that refused, so receivers in other threads get it queued.
    void approvalRequested(const QString &profile, const imsa::app::PeerProcess &peer);

private:
    using Connection = Connections::Connection;

    /// Finds the program behind the new connection `socket` without holding m_mutex and adds
    /// it to `connections`.
    Connection &learnConnection(Connections &connections, QTcpSocket *socket);
    /// Whether `process` runs m_cliExecutable.
    bool isImsaCommand(const PeerProcess &process) const;
    PeerProcess cliCaller(qint64 pid, qint64 uid);
    /// Served without a lookup or a line: an `allow` profile while recording them is off.
    bool unrecorded(AccessPolicy policy) const;
    /// Whether an answer `result` for `profile` on `route` is the connection's last one again.
    static bool repeatsLast(const Connection &connection, const QString &profile,
                            QLatin1StringView route, QLatin1StringView result);

    struct Decision
    {
        bool served = true;
        bool ask = false; ///< refused, and no question about it open or denied yet
    };

    /// With m_mutex held: whether `peer` may have an `ask` profile, and whether to ask.
    Decision decide(const QString &profile, const PeerProcess &peer);
    AccessEvent accessEvent(const PeerProcess &peer, const QString &profile,
                            QLatin1StringView route, bool served) const;
    /// With m_mutex held.
    void writeRepeats(Connection &connection);

    std::unique_ptr<AccessLog> m_log;
    std::unique_ptr<ApprovalStore> m_approvals;
    PolicyLookup m_policyOf;
    const Clock &m_clock;
    bool m_recordingAllowProfiles = true;
    QString m_cliExecutable; ///< canonical; empty: none
    /// The control socket's clients are looked up here; serving threads use their own.
    QMutex m_cliResolverMutex;
    PeerResolver m_cliResolver;
    QMutex m_mutex; ///< guards everything below and the log
    QSet<QString> m_notified; ///< profile + '\n' + executable
    QSet<QString> m_asking; ///< profile + '\n' + program: questions open
    QSet<QString> m_denied; ///< profile + '\n' + program: not asked again
    QHash<QString, QDateTime> m_allowedOnce; ///< profile + '\n' + program → served until
};

} // namespace imsa::app
