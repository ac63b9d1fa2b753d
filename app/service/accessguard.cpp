#include "accessguard.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTcpSocket>

#include "accesslog.h"
#include "approvalstore.h"
#include "imsa/logging.h"

namespace imsa::app {

namespace {

constexpr QLatin1StringView servedResult("served");
constexpr QLatin1StringView deniedResult("denied");

QString keyOf(const QString &profile, const QString &program)
{
    return profile + u'\n' + program;
}

QString approvalCommand(const QString &profile, const QString &program)
{
    return QStringLiteral("imsa allow %1 %2").arg(profile, program);
}

QLatin1StringView answerText(AccessGuard::Answer answer)
{
    switch (answer) {
    case AccessGuard::Answer::AllowOnce:
        return QLatin1StringView("allowed once");
    case AccessGuard::Answer::AlwaysAllow:
        return QLatin1StringView("always allowed");
    case AccessGuard::Answer::Deny:
        break;
    }
    return QLatin1StringView("denied until imsa restarts");
}

} // namespace

AccessGuard::AccessGuard(std::unique_ptr<AccessLog> log, std::unique_ptr<ApprovalStore> approvals,
                         PolicyLookup policyOf, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_log(std::move(log))
    , m_approvals(std::move(approvals))
    , m_policyOf(std::move(policyOf))
    , m_clock(clock)
{ }

AccessGuard::~AccessGuard() = default;

AccessGuard::Connections::~Connections()
{
    const QMutexLocker locker(&m_guard.m_mutex);
    for (Connection &connection : m_bySocket)
        m_guard.writeRepeats(connection);
}

AccessGuard::Connection &AccessGuard::learnConnection(Connections &connections, QTcpSocket *socket)
{
    const TcpTuple tuple{socket->peerAddress(), socket->peerPort(), socket->localAddress(),
                         socket->localPort()};
    PeerProcess peer = connections.m_resolver.resolve(tuple);
    // Forgotten with the connection, at once and in its own thread (the one `connections`
    // belongs to): a pointer may be reused by the next socket.
    connect(
            socket, &QObject::destroyed, &connections.m_socketHooks,
            [this, &connections, socket] {
                auto ended = connections.m_bySocket.find(socket);
                if (ended == connections.m_bySocket.end())
                    return;
                if (ended->repeats > 0) {
                    const QMutexLocker locker(&m_mutex);
                    writeRepeats(*ended);
                }
                connections.m_bySocket.erase(ended);
            },
            Qt::DirectConnection);
    return *connections.m_bySocket.insert(socket, {std::move(peer), {}, 0});
}

AccessGuard::Decision AccessGuard::decide(const QString &profile, const PeerProcess &peer)
{
    const QString key = keyOf(profile, peer.program);
    if (peer.pid <= 0 || peer.program.isEmpty())
        return {false, false};
    if (m_approvals->isApproved(profile, peer.program))
        return {true, false};
    const auto once = m_allowedOnce.constFind(key);
    if (once != m_allowedOnce.cend()) {
        if (m_clock.now() < *once)
            return {true, false};
        m_allowedOnce.erase(once);
    }
    if (m_denied.contains(key) || m_asking.contains(key))
        return {false, false};
    m_asking.insert(key);
    return {false, true};
}

bool AccessGuard::admit(Connections &connections, QTcpSocket *socket, const QString &profile,
                        QLatin1StringView route)
{
    const AccessPolicy policy = m_policyOf(profile);
    if (unrecorded(policy))
        return true;
    const auto known = connections.m_bySocket.find(socket);
    Connection &connection =
            known != connections.m_bySocket.end() ? *known : learnConnection(connections, socket);
    // The connection's thread alone counts its repeats, without the shared lock, except for
    // `ask`, which decides every request anew (an approval may have ended).
    if (policy != AccessPolicy::Ask && repeatsLast(connection, profile, route, servedResult)) {
        ++connection.repeats;
        return true;
    }
    const PeerProcess &peer = connection.peer;
    QMutexLocker locker(&m_mutex);
    bool served = true;
    Decision decision;
    if (policy == AccessPolicy::Ask) {
        decision = decide(profile, peer);
        served = decision.served;
        if (!served && connection.repeats == 0)
            qCWarning(lcImds).noquote()
                    << "refused profile" << profile << "to"
                    << (peer.program.isEmpty() ? peer.unresolved
                                               : peer.program + QStringLiteral(" (not approved: ")
                                        + approvalCommand(profile, peer.program) + u')');
    } else if (policy == AccessPolicy::Notify && peer.pid > 0) {
        const QString key = profile + u'\n' + peer.executable;
        if (!m_notified.contains(key)) {
            m_notified.insert(key);
            Q_EMIT firstUse(profile, peer.program, peer.parentExecutable);
        }
    }
    if (repeatsLast(connection, profile, route, served ? servedResult : deniedResult)) {
        ++connection.repeats;
    } else {
        writeRepeats(connection);
        connection.last = accessEvent(peer, profile, route, served);
        m_log->append(connection.last);
    }
    if (decision.ask) {
        const PeerProcess asked = peer;
        locker.unlock();
        Q_EMIT approvalRequested(profile, asked);
    }
    return served;
}

bool AccessGuard::repeatsLast(const Connection &connection, const QString &profile,
                              QLatin1StringView route, QLatin1StringView result)
{
    const AccessEvent &last = connection.last;
    return last.time.isValid() && last.profile == profile && last.route == route
            && last.result == result;
}

void AccessGuard::setCliExecutable(const QString &path)
{
    m_cliExecutable = QFileInfo(path).canonicalFilePath();
}

bool AccessGuard::isImsaCommand(const PeerProcess &process) const
{
    // /proc/PID/exe is the file the process runs, whatever it calls itself: the CLI stays
    // readable for the commands judged here (hardenProcess(Tracing::Allowed)).
    return !m_cliExecutable.isEmpty() && process.executable == m_cliExecutable;
}

PeerProcess AccessGuard::cliCaller(qint64 pid, qint64 uid)
{
    QMutexLocker locker(&m_cliResolverMutex);
    const PeerProcess command = m_cliResolver.describe(pid, uid);
    PeerProcess caller = command;
    if (command.parentPid > 0 && isImsaCommand(command))
        caller = m_cliResolver.describe(command.parentPid, uid);
    locker.unlock();
    // The log shows the imsa command that took the credentials, by the program that ran it.
    PeerProcess shown = command;
    shown.program = caller.program;
    shown.unresolved = caller.unresolved;
    return shown;
}

Result<Done, Failure> AccessGuard::admitCli(qint64 pid, qint64 uid, const QString &profile)
{
    if (m_policyOf(profile) != AccessPolicy::Ask)
        return Done{};
    const PeerProcess caller = cliCaller(pid, uid);
    QMutexLocker locker(&m_mutex);
    const Decision decision = decide(profile, caller);
    if (decision.served)
        return Done{};
    m_log->append(accessEvent(caller, profile, QLatin1StringView("cli"), false));
    locker.unlock();
    const QString program =
            caller.program.isEmpty() ? QStringLiteral("the calling program") : caller.program;
    const QString refusal = caller.program.isEmpty()
            ? QStringLiteral("%1 is not approved for %2: it could not be identified (%3)")
                      .arg(program, profile, caller.unresolved)
            : QStringLiteral("%1 is not approved for %2: %3")
                      .arg(program, profile, approvalCommand(profile, program));
    qCWarning(lcIpc).noquote() << "refused" << refusal;
    if (decision.ask)
        Q_EMIT approvalRequested(profile, caller);
    return Failure{refusal};
}

bool AccessGuard::unrecorded(AccessPolicy policy) const
{
    return !m_recordingAllowProfiles && policy == AccessPolicy::Allow;
}

void AccessGuard::recordCliAccess(qint64 pid, qint64 uid, const QString &profile)
{
    if (unrecorded(m_policyOf(profile)))
        return;
    const PeerProcess caller = cliCaller(pid, uid);
    const QMutexLocker locker(&m_mutex);
    m_log->append(accessEvent(caller, profile, QLatin1StringView("cli"), true));
}

Result<Done, Failure> AccessGuard::answer(const QString &profile, const QString &program,
                                          Answer answer)
{
    const QString key = keyOf(profile, program);
    {
        const QMutexLocker locker(&m_mutex);
        m_asking.remove(key);
        if (answer == Answer::AllowOnce)
            m_allowedOnce.insert(key, m_clock.now().addSecs(allowOnceSecs));
        else if (answer == Answer::Deny)
            m_denied.insert(key);
    }
    qCInfo(lcImds).noquote() << "the user" << answerText(answer) << program << "for profile"
                             << profile;
    if (answer == Answer::AlwaysAllow)
        return m_approvals->approve(profile, program);
    return Done{};
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
    event.result = served ? servedResult : deniedResult;
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
