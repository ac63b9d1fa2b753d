#pragma once

#include <chrono>

#include <QByteArray>
#include <QObject>
#include <QString>
#include <QTimer>

class QProcess;

namespace imsa::app {

/// One run of a profile's `mfa_process` (`/bin/sh -c COMMAND`) in a process group of its own.
/// Ends exactly once, with codeReady() or failed(), and leaves nothing of the group behind:
/// the group is killed when the command exits (stray background children), prints more than a
/// code could be, outlives its timeout, or when this object is destroyed (app shutdown).
/// Its output is never logged nor put in a message: it may be a code.
class MfaCommand final : public QObject
{
    Q_OBJECT

public:
    /// A code is six digits; anything near this is not one, and is not read any further.
    static constexpr qint64 maxOutputBytes = 4096;
    static constexpr std::chrono::milliseconds defaultTimeout{30'000};
    /// Between SIGTERM and SIGKILL at the timeout: time to exit cleanly, not to linger.
    static constexpr std::chrono::milliseconds killGrace{1'000};

    MfaCommand(const QString &profile, const QString &command,
               std::chrono::milliseconds timeout = defaultTimeout, QObject *parent = nullptr);
    ~MfaCommand() override;

    void start();

    /// The process id of the shell, which leads the group; 0 when not running.
    qint64 processId() const;

Q_SIGNALS:
    void codeReady(const QString &code);
    void failed(const QString &message);

private:
    void readOutput();
    void processFinished(int exitCode, bool crashed);
    void stop(const QString &reason);
    void signalGroup(int signal) const;
    void finish(const QString &message);

    QString m_profile;
    QProcess *m_process = nullptr;
    std::chrono::milliseconds m_timeout;
    QTimer m_deadline;
    QTimer m_killTimer;
    QByteArray m_output;
    QString m_stopReason; ///< why this object ended the command; empty while it runs freely
    qint64 m_group = 0; ///< the process group id (= the shell's pid) while it may have members
    bool m_done = false;
};

} // namespace imsa::app
