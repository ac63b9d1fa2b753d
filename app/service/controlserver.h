#pragma once

#include <chrono>

#include <QJsonObject>
#include <QLocalServer>
#include <QPointer>
#include <QTimer>

#include "imsa/ipcmessage.h"
#include "imsa/result.h"

class QLocalSocket;

namespace imsa::app {

/// One client of the control socket. Lines are framed and bounded: a line longer than
/// ipc::maxLineBytes gets an error reply and is discarded without being buffered.
class ControlConnection final : public QObject
{
    Q_OBJECT

public:
    explicit ControlConnection(QLocalSocket *socket, QObject *parent = nullptr);

    void sendReply(const QString &id, const QJsonObject &result);
    void sendError(const QString &id, const ipc::Error &error);
    void sendEvent(const QString &id, const QString &event, const QJsonObject &data);

    /// The process at the other end (SO_PEERCRED when it connected); -1 when unknown.
    qint64 peerPid() const { return m_peerPid; }

    qint64 peerUid() const { return m_peerUid; }

Q_SIGNALS:
    void requestReceived(const imsa::ipc::Request &request);
    void closed();

private:
    void handleReadyRead();
    void write(const QByteArray &line);

    QLocalSocket *m_socket;
    qint64 m_peerPid = -1;
    qint64 m_peerUid = -1;
    bool m_discarding = false; ///< inside an oversized line, until its newline
};

/// The app's end of the local control channel: a QLocalServer on a socket only the owner can
/// open (mode 0700 in a 0700 directory), which additionally drops peers of another uid.
///
/// The socket is the only way the CLI finds the app, so it is never given up: QLocalServer
/// closes itself and deletes the file when accept() fails (e.g. EMFILE), and a user or a
/// cleaner may delete the file. Every checkInterval the server makes sure it still listens on
/// the file it created, and listens again if not.
class ControlServer final : public QObject
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds checkInterval{1000};

    explicit ControlServer(QObject *parent = nullptr);

    /// Listens at socketPath, replacing a stale socket file left by a crashed instance. The
    /// caller must hold the instance lock, so a file that exists here is known to be stale.
    Result<Done, Failure> listen(const QString &socketPath);

Q_SIGNALS:
    void requestReceived(imsa::app::ControlConnection *connection,
                         const imsa::ipc::Request &request);

private:
    void handleNewConnection();
    Result<Done, Failure> listenAgain();
    void ensureListening();
    bool socketFileIsOurs() const;

    QLocalServer m_server;
    QString m_path;
    quint64 m_inode = 0;
    QTimer m_checkTimer;
    bool m_lost = false; ///< the last attempt to listen again failed (logged once)
};

} // namespace imsa::app
