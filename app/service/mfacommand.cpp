#include "mfacommand.h"

#include <signal.h>
#include <unistd.h>

#include <QProcess>
#include <QRegularExpression>

namespace imsa::app {

MfaCommand::MfaCommand(const QString &profile, const QString &command,
                       std::chrono::milliseconds timeout, QObject *parent)
    : QObject(parent)
    , m_profile(profile)
    , m_process(new QProcess(this))
    , m_timeout(timeout)
{
    m_process->setProgram(QStringLiteral("/bin/sh"));
    m_process->setArguments({QStringLiteral("-c"), command});
    m_process->setStandardInputFile(QProcess::nullDevice());
    // Unread, stderr would pile up in memory like stdout did; it is not ours to log either.
    m_process->setStandardErrorFile(QProcess::nullDevice());
    // A group of its own, so that one signal reaches `sh` and everything it started.
    m_process->setChildProcessModifier([] {
        ::setpgid(0, 0);
    });
    connect(m_process, &QProcess::readyReadStandardOutput, this, &MfaCommand::readOutput);
    connect(m_process, &QProcess::finished, this,
            [this](int exitCode, QProcess::ExitStatus status) {
                processFinished(exitCode, status == QProcess::CrashExit);
            });
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            finish(QStringLiteral("mfa_process for profile %1 could not be started: %2")
                           .arg(m_profile, m_process->errorString()));
    });

    m_deadline.setSingleShot(true);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        stop(QStringLiteral("mfa_process for profile %1 did not finish within %2 s; killed it")
                     .arg(m_profile)
                     .arg(std::chrono::duration_cast<std::chrono::seconds>(m_timeout).count()));
    });
    m_killTimer.setSingleShot(true);
    m_killTimer.setInterval(killGrace);
    connect(&m_killTimer, &QTimer::timeout, this, [this] {
        signalGroup(SIGKILL);
    });
}

MfaCommand::~MfaCommand()
{
    // Shutdown must not wait for the command: kill the whole group now, then reap the shell,
    // which dies at once (QProcess's own destructor would wait up to 30 s).
    m_done = true;
    disconnect(m_process, nullptr, this, nullptr);
    if (m_process->state() != QProcess::NotRunning) {
        signalGroup(SIGKILL);
        m_process->closeReadChannel(QProcess::StandardOutput);
        m_process->waitForFinished(int(killGrace.count()));
    }
}

void MfaCommand::start()
{
    m_deadline.start(m_timeout);
    m_process->start();
    m_group = m_process->processId();
    // Also from this side: a signal sent before the child got to its own setpgid would miss.
    if (m_group > 0)
        ::setpgid(pid_t(m_group), pid_t(m_group));
}

qint64 MfaCommand::processId() const
{
    return m_process->processId();
}

void MfaCommand::readOutput()
{
    if (!m_stopReason.isEmpty())
        return;
    m_output += m_process->read(maxOutputBytes + 1 - m_output.size());
    if (m_output.size() > maxOutputBytes)
        stop(QStringLiteral("mfa_process for profile %1 printed more than %2 bytes; killed it")
                     .arg(m_profile)
                     .arg(maxOutputBytes));
}

/// Ends the command for `reason`: no more reading (a writer then gets EPIPE), SIGTERM to the
/// group and SIGKILL after the grace period. The reason is reported once the shell is gone.
void MfaCommand::stop(const QString &reason)
{
    if (!m_stopReason.isEmpty())
        return;
    m_stopReason = reason;
    m_deadline.stop();
    m_output.clear();
    m_process->closeReadChannel(QProcess::StandardOutput);
    signalGroup(SIGTERM);
    m_killTimer.start();
}

void MfaCommand::processFinished(int exitCode, bool crashed)
{
    m_deadline.stop();
    m_killTimer.stop();
    // Whatever the shell left running in its group is a stray: it would hold the pipe or
    // spin on after its parent is gone.
    signalGroup(SIGKILL);
    m_group = 0;
    if (m_done)
        return;
    if (!m_stopReason.isEmpty())
        return finish(m_stopReason);
    readOutput();
    if (!m_stopReason.isEmpty())
        return finish(m_stopReason);

    const QString code = QString::fromUtf8(m_output).trimmed();
    m_output.clear();
    static const QRegularExpression sixDigits(QStringLiteral("^\\d{6}$"));
    if (crashed)
        return finish(QStringLiteral("mfa_process for profile %1 crashed").arg(m_profile));
    if (exitCode != 0)
        return finish(QStringLiteral("mfa_process for profile %1 exited with %2")
                              .arg(m_profile)
                              .arg(exitCode));
    if (!sixDigits.match(code).hasMatch())
        return finish(QStringLiteral("mfa_process for profile %1 did not print a 6-digit code")
                              .arg(m_profile));
    m_done = true;
    Q_EMIT codeReady(code);
}

void MfaCommand::signalGroup(int signal) const
{
    if (m_group > 0)
        ::kill(-pid_t(m_group), signal);
}

void MfaCommand::finish(const QString &message)
{
    if (m_done)
        return;
    m_done = true;
    Q_EMIT failed(message);
}

} // namespace imsa::app
