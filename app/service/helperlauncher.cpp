#include "helperlauncher.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QMetaObject>
#include <QProcessEnvironment>
#include <QRegularExpression>

#include "imsa/logging.h"
#include "platform/installpaths.h"

using namespace Qt::StringLiterals;

namespace imsa::app {
namespace {

// The helper's argv is fixed (`--fd=3`) so that it can refuse anything else.
constexpr int kChildStatusFd = 3;
constexpr auto kDefaultTimeout = std::chrono::seconds(5);
// Status lines are a few dozen bytes; a longer message is cut, not trusted.
constexpr std::size_t kMaxStatusLength = 512;
// Room for a few descriptors: extra ones from a misbehaving helper are closed, not leaked.
constexpr std::size_t kMaxPassedFds = 4;
constexpr qsizetype kMaxStandardErrorLength = 1024;
constexpr int kReapTimeoutMs = 1000;
// Enough to mark every descriptor when close_range() is unavailable and RLIMIT_NOFILE is huge.
constexpr rlim_t kMaxFallbackFd = 1 << 20;

// Runs in the forked child between fork() and exec(): async-signal-safe calls only. Nothing
// the app holds (client connections, key files, the control socket) may reach a privileged
// process.
void closeOnExecFrom(int firstFd)
{
    if (::close_range(static_cast<unsigned int>(firstFd), ~0U, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    // close_range() needs Linux 5.11, and some container seccomp profiles refuse it.
    rlimit limit{};
    rlim_t highest = kMaxFallbackFd;
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY)
        highest = std::min(limit.rlim_cur, kMaxFallbackFd);
    for (int fd = firstFd; static_cast<rlim_t>(fd) < highest; ++fd)
        ::fcntl(fd, F_SETFD, FD_CLOEXEC);
}

void keepOnlyStatusSocket(int childEnd)
{
    if (childEnd == kChildStatusFd)
        ::fcntl(childEnd, F_SETFD, 0);
    else
        ::dup2(childEnd, kChildStatusFd); // the duplicate does not inherit FD_CLOEXEC
    closeOnExecFrom(kChildStatusFd + 1);
}

struct Status
{
    QByteArray line;
    int fd = -1;
};

// The helper has exited by now, so its single message is either queued or never comes.
Status receiveStatus(int channel)
{
    std::array<char, kMaxStatusLength> data{};
    iovec buffer{data.data(), data.size()};

    union {
        char buffer[CMSG_SPACE(sizeof(int) * kMaxPassedFds)];
        cmsghdr alignment;
    } control{};

    msghdr message{};
    message.msg_iov = &buffer;
    message.msg_iovlen = 1;
    message.msg_control = control.buffer;
    message.msg_controllen = sizeof control.buffer;

    ssize_t received = 0;
    do {
        received = ::recvmsg(channel, &message, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    } while (received < 0 && errno == EINTR);
    Status status;
    if (received <= 0)
        return status;
    status.line = QByteArray(data.data(), received);
    for (cmsghdr *header = CMSG_FIRSTHDR(&message); header != nullptr;
         header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS)
            continue;
        const std::size_t count = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd = -1;
            std::memcpy(&fd, CMSG_DATA(header) + i * sizeof(int), sizeof fd);
            if (status.fd < 0)
                status.fd = fd;
            else
                ::close(fd);
        }
    }
    return status;
}

bool isListeningSocket(int fd)
{
    int listening = 0;
    socklen_t length = sizeof listening;
    return ::getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &length) == 0 && listening == 1;
}

// Paths go into commands the user copies into a shell.
QString shellQuoted(const QString &text)
{
    static const QRegularExpression safe(u"^[A-Za-z0-9_./+:=@%-]+$"_s);
    if (safe.match(text).hasMatch())
        return text;
    QString quoted = text;
    quoted.replace(u"'"_s, u"'\\''"_s);
    return u"'"_s + quoted + u"'"_s;
}

} // namespace

HelperLauncher::HelperLauncher(QString helperPath, QObject *parent)
    : QObject(parent)
    , m_helperPath(std::move(helperPath))
    , m_timeout(kDefaultTimeout)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &HelperLauncher::handleTimeout);
}

HelperLauncher::~HelperLauncher()
{
    stopProcess();
    if (m_channel >= 0)
        ::close(m_channel);
}

QString HelperLauncher::defaultHelperPath()
{
    return helperPathFor(QCoreApplication::applicationDirPath());
}

QString HelperLauncher::helperPathFor(const QString &applicationDir)
{
    return internalProgramPath(applicationDir, u"imsa-helper"_s);
}

void HelperLauncher::setTimeout(std::chrono::milliseconds timeout)
{
    m_timeout = timeout;
}

void HelperLauncher::start()
{
    if (m_running) {
        qCWarning(lcApp) << "imsa-helper is already running; start() ignored";
        return;
    }
    m_running = true;
    // finished() must never arrive before start() has returned.
    QMetaObject::invokeMethod(this, &HelperLauncher::launch, Qt::QueuedConnection);
}

void HelperLauncher::launch()
{
    const QFileInfo helper(m_helperPath);
    if (!helper.exists()) {
        finish({-1,
                tr("The privileged helper %1 is missing, so imsa cannot listen on "
                   "169.254.169.254:80. Install it with imsa, then run: %2")
                        .arg(m_helperPath, setcapCommand(m_helperPath))});
        return;
    }
    if (!helper.isFile() || !helper.isExecutable()) {
        finish({-1,
                tr("You may not run the privileged helper %1 (it is installed for group imsa "
                   "only). Run: sudo usermod -aG imsa $USER, then log in again.")
                        .arg(m_helperPath)});
        return;
    }

    std::array<int, 2> ends{-1, -1};
    // SEQPACKET keeps the status line and its descriptor one message; CLOEXEC keeps both ends
    // out of every other child of the app.
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends.data()) != 0) {
        finish({-1,
                tr("Could not create a socket pair for the privileged helper: %1")
                        .arg(QString::fromLocal8Bit(std::strerror(errno)))});
        return;
    }
    m_channel = ends[0];
    const int childEnd = ends[1];

    m_process = new QProcess(this);
    m_process->setProgram(m_helperPath);
    m_process->setArguments({u"--fd=%1"_s.arg(kChildStatusFd)});
    m_process->setProcessEnvironment(QProcessEnvironment());
    m_process->setStandardInputFile(QProcess::nullDevice());
    m_process->setStandardOutputFile(QProcess::nullDevice());
    m_process->setChildProcessModifier([childEnd] {
        keepOnlyStatusSocket(childEnd);
    });
    connect(m_process, &QProcess::finished, this, &HelperLauncher::handleProcessFinished);
    // Queued: QProcess may report a failed start from inside start().
    connect(m_process, &QProcess::errorOccurred, this, &HelperLauncher::handleProcessError,
            Qt::QueuedConnection);
    qCInfo(lcApp) << "starting" << m_helperPath;
    m_process->start();
    ::close(childEnd);
    m_timer.start(m_timeout);
}

void HelperLauncher::handleProcessFinished(int exitCode, QProcess::ExitStatus exitStatus)
{
    const Status status = receiveStatus(m_channel);
    const QString standardError =
            QString::fromLocal8Bit(m_process->readAllStandardError().left(kMaxStandardErrorLength))
                    .trimmed();
    if (exitStatus == QProcess::NormalExit && exitCode == 0 && status.line == "OK\n"
        && status.fd >= 0 && isListeningSocket(status.fd)) {
        finish({status.fd, {}});
        return;
    }
    if (status.fd >= 0)
        ::close(status.fd);
    finish({-1, failureText(status.line, exitCode, exitStatus, standardError)});
}

void HelperLauncher::handleProcessError(QProcess::ProcessError error)
{
    if (error != QProcess::FailedToStart || !m_running || m_process == nullptr)
        return;
    finish({-1,
            tr("Could not start the privileged helper %1: %2")
                    .arg(m_helperPath, m_process->errorString())});
}

void HelperLauncher::handleTimeout()
{
    finish({-1,
            tr("The privileged helper %1 did not answer within %2 ms and was stopped.")
                    .arg(m_helperPath)
                    .arg(m_timeout.count())});
}

void HelperLauncher::finish(const HelperResult &result)
{
    m_timer.stop();
    stopProcess();
    if (m_channel >= 0) {
        ::close(m_channel);
        m_channel = -1;
    }
    m_running = false;
    if (result.ok())
        qCInfo(lcApp) << "imsa-helper handed over a socket listening on 169.254.169.254:80";
    else
        qCWarning(lcApp).noquote() << result.error;
    Q_EMIT finished(result);
}

void HelperLauncher::stopProcess()
{
    if (m_process == nullptr)
        return;
    QProcess *process = std::exchange(m_process, nullptr);
    process->disconnect(this);
    if (process->state() != QProcess::NotRunning) {
        // SIGKILL takes effect at once; the short wait reaps the helper instead of leaving a
        // zombie or a QProcess that blocks in its destructor.
        process->kill();
        process->waitForFinished(kReapTimeoutMs);
    }
    process->deleteLater();
}

QString HelperLauncher::failureText(const QByteArray &statusLine, int exitCode,
                                    QProcess::ExitStatus exitStatus,
                                    const QString &standardError) const
{
    const QString line = QString::fromUtf8(statusLine).trimmed();
    if (line.startsWith(u"ERR "_s))
        return statusErrorText(line);
    if (line == u"OK"_s)
        return tr("The privileged helper %1 reported success but handed over no listening "
                  "socket.")
                .arg(m_helperPath);
    if (!line.isEmpty())
        return tr("The privileged helper %1 sent an unexpected status: %2").arg(m_helperPath, line);
    if (exitStatus == QProcess::CrashExit)
        return tr("The privileged helper %1 crashed. %2").arg(m_helperPath, standardError);
    if (exitCode == 2)
        return tr("The privileged helper %1 refused to run: %2").arg(m_helperPath, standardError);
    return tr("The privileged helper %1 exited with code %2 without reporting a status. %3")
            .arg(m_helperPath)
            .arg(exitCode)
            .arg(standardError);
}

// statusLine is "ERR <step> <errno-name>: <strerror>".
QString HelperLauncher::statusErrorText(const QString &statusLine) const
{
    const QStringList words = statusLine.split(u' ', Qt::SkipEmptyParts);
    const QString errorName = words.value(2).chopped(words.value(2).endsWith(u':') ? 1 : 0);
    const QString detail = statusLine.mid(4);
    if (words.value(1) == u"check-network"_s)
        return tr("This machine already reaches an instance metadata service at "
                  "169.254.169.254:80 (a cloud VM?). imsa leaves the address off lo, because "
                  "there it would hide the real service from every program on this machine.");
    if (errorName == u"EADDRINUSE"_s)
        return tr("Port 80 on 169.254.169.254 is already in use (by another imsa or aws-vault?). "
                  "Find the program with: sudo ss -ltnp 'sport = :80' (%1)")
                .arg(detail);
    // EPERM adding the address: no CAP_NET_ADMIN; EACCES binding port 80: no
    // CAP_NET_BIND_SERVICE.
    if ((errorName == u"EPERM"_s || errorName == u"EACCES"_s)
        && ::prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1)
        return tr("The privileged helper %1 got no capabilities (%2): imsa runs with "
                  "no_new_privs (a sandbox or NoNewPrivileges=yes), which voids file "
                  "capabilities. Run imsa outside it.")
                .arg(m_helperPath, detail);
    if (errorName == u"EPERM"_s || errorName == u"EACCES"_s)
        return tr("The privileged helper %1 lacks the capabilities to listen on "
                  "169.254.169.254:80 (%2). Run: %3")
                .arg(m_helperPath, detail, setcapCommand(m_helperPath));
    return tr("The privileged helper %1 could not listen on 169.254.169.254:80: %2")
            .arg(m_helperPath, detail);
}

QString HelperLauncher::setcapCommand(const QString &helperPath)
{
    return u"sudo setcap cap_net_bind_service,cap_net_admin+ep "_s + shellQuoted(helperPath);
}

Result<Done, Failure> HelperLauncher::removeMetadataAddress(const QString &helperPath)
{
    QProcess process;
    process.setProgram(helperPath);
    process.setArguments({u"--remove"_s});
    process.setProcessEnvironment(QProcessEnvironment());
    process.setStandardInputFile(QProcess::nullDevice());
    process.setChildProcessModifier([] {
        closeOnExecFrom(STDERR_FILENO + 1);
    });
    process.start();
    const auto timeoutMs = static_cast<int>(
            std::chrono::duration_cast<std::chrono::milliseconds>(kDefaultTimeout).count());
    if (!process.waitForFinished(timeoutMs)) {
        const QString why = process.error() == QProcess::FailedToStart
                ? process.errorString()
                : tr("no answer within %1 ms").arg(timeoutMs);
        process.kill();
        process.waitForFinished(kReapTimeoutMs);
        return Failure{tr("Could not take 169.254.169.254 off lo: %1 (%2)").arg(helperPath, why)};
    }
    const QString line =
            QString::fromUtf8(process.readAllStandardOutput().left(kMaxStatusLength)).trimmed();
    if (process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0 && line == u"OK"_s)
        return Done{};
    const QString detail = line.startsWith(u"ERR "_s)
            ? line.mid(4)
            : QString::fromLocal8Bit(process.readAllStandardError().left(kMaxStandardErrorLength))
                      .trimmed();
    return Failure{tr("Could not take 169.254.169.254 off lo with %1: %2").arg(helperPath, detail)};
}

} // namespace imsa::app
