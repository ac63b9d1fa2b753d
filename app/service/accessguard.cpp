#include "accessguard.h"

#include <QDateTime>
#include <QFileInfo>
#include <QTcpSocket>

#include "accesslog.h"
#include "approvalstore.h"
#include "imsa/logging.h"

namespace imsa::app {

namespace {

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

AccessGuard::~AccessGuard()
{
    for (Connection &connection : m_connections)
        writeRepeats(connection);
}

std::unique_ptr<PeerResolver> AccessGuard::takeResolver()
{
    const QMutexLocker locker(&m_mutex);
    if (m_resolvers.empty())
        return std::make_unique<PeerResolver>();
    std::unique_ptr<PeerResolver> resolver = std::move(m_resolvers.back());
    m_resolvers.pop_back();
    return resolver;
}

void AccessGuard::returnResolver(std::unique_ptr<PeerResolver> resolver)
{
    const QMutexLocker locker(&m_mutex);
    m_resolvers.push_back(std::move(resolver));
}

void AccessGuard::learnConnection(QTcpSocket *socket)
{
    // Only this thread serves `socket`, so nobody else adds it meanwhile.
    const TcpTuple tuple{socket->peerAddress(), socket->peerPort(), socket->localAddress(),
                         socket->localPort()};
    std::unique_ptr<PeerResolver> resolver = takeResolver();
    PeerProcess peer = resolver->resolve(tuple);
    returnResolver(std::move(resolver));
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
    const QMutexLocker locker(&m_mutex);
    m_connections.insert(socket, {std::move(peer), {}, 0});
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

bool AccessGuard::admit(QTcpSocket *socket, const QString &profile, QLatin1StringView route)
{
    if (unrecorded(profile))
        return true;
    QMutexLocker locker(&m_mutex);
    if (!m_connections.contains(socket)) {
        locker.unlock();
        learnConnection(socket);
        locker.relock();
    }
    Connection &connection = m_connections[socket];
    const PeerProcess &peer = connection.peer;
    const AccessPolicy policy = m_policyOf(profile);
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
    const QString result = served ? QStringLiteral("served") : QStringLiteral("denied");
    if (connection.last.time.isValid() && connection.last.profile == profile
        && connection.last.route == route && connection.last.result == result) {
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

bool AccessGuard::isImsaCommand(const PeerProcess &process)
{
    // The CLI makes itself non-dumpable (hardenProcess), so for a user without privileges its
    // executable cannot be read and only the kernel's command name tells it. Trusting a name
    // gives nothing away: a program that calls itself imsa-cli to have its parent judged could
    // as well run the real imsa-cli from that parent.
    const QString name = process.executable.isEmpty() ? process.commandName
                                                      : QFileInfo(process.executable).fileName();
    return name == QLatin1StringView(cliFileName);
}

PeerProcess AccessGuard::cliCaller(qint64 pid, qint64 uid)
{
    std::unique_ptr<PeerResolver> resolver = takeResolver();
    const PeerProcess command = resolver->describe(pid, uid);
    PeerProcess caller = command;
    if (command.parentPid > 0 && isImsaCommand(command))
        caller = resolver->describe(command.parentPid, uid);
    returnResolver(std::move(resolver));
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

bool AccessGuard::unrecorded(const QString &profile) const
{
    return !m_recordingAllowProfiles && m_policyOf(profile) == AccessPolicy::Allow;
}

void AccessGuard::recordCliAccess(qint64 pid, qint64 uid, const QString &profile)
{
    if (unrecorded(profile))
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
