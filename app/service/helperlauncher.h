#pragma once

#include <chrono>

#include <QObject>
#include <QProcess>
#include <QString>
#include <QTimer>

#include "imsa/result.h"

namespace imsa::app {

/// What one run of imsa-helper produced: a listening socket on 169.254.169.254:80, or an error
/// that tells the user what to run to fix it.
struct HelperResult
{
    /// Owned by the receiver (close-on-exec is set): pass it to QTcpServer::setSocketDescriptor()
    /// or close it. -1 when the run failed.
    qintptr listeningFd = -1;
    /// Why the run failed, in one human sentence with the fix (e.g. the setcap command).
    QString error;

    bool ok() const { return listeningFd >= 0; }
};

/// Runs the privileged helper and receives the socket it binds. Asynchronous: start() returns at
/// once and finished() follows exactly once per start(), after at most the timeout (5 s).
/// The helper gets only a socketpair end as fd 3, an empty environment and /dev/null as stdin
/// and stdout; no other descriptor of the app reaches it.
class HelperLauncher : public QObject
{
    Q_OBJECT

public:
    explicit HelperLauncher(QString helperPath, QObject *parent = nullptr);
    ~HelperLauncher() override;

    /// helperPathFor(the running program's directory).
    static QString defaultHelperPath();
    /// <dir>/../libexec/imsa/imsa-helper (installed) if it exists, else <dir>/imsa-helper
    /// (build tree) if it exists, else /usr/libexec/imsa/imsa-helper.
    static QString helperPathFor(const QString &applicationDir);

    QString helperPath() const { return m_helperPath; }

    /// How long the helper may take before it is killed and an error reported.
    void setTimeout(std::chrono::milliseconds timeout);

    /// Starts one run; ignored (with a warning) while a run is in progress.
    void start();

    /// Runs `helperPath --remove` and waits for it (at most the default timeout): takes
    /// 169.254.169.254/32 off `lo` again once nothing serves there; the failure is one sentence
    /// saying why not. For the app's shutdown, after the event loop has ended.
    static Result<Done, Failure> removeMetadataAddress(const QString &helperPath);

Q_SIGNALS:
    void finished(const imsa::app::HelperResult &result);

private:
    void launch();
    void handleProcessFinished(int exitCode, QProcess::ExitStatus exitStatus);
    void handleProcessError(QProcess::ProcessError error);
    void handleTimeout();
    void finish(const HelperResult &result);
    void stopProcess();

    QString failureText(const QByteArray &statusLine, int exitCode, QProcess::ExitStatus exitStatus,
                        const QString &standardError) const;
    QString statusErrorText(const QString &statusLine) const;
    static QString setcapCommand(const QString &helperPath);

    QString m_helperPath;
    std::chrono::milliseconds m_timeout;
    QTimer m_timer;
    QProcess *m_process = nullptr;
    int m_channel = -1;
    bool m_running = false;
};

} // namespace imsa::app

Q_DECLARE_METATYPE(imsa::app::HelperResult)
