#pragma once

#include <QJsonObject>
#include <QLocalServer>
#include <QPointer>

#include "imsa/ipcmessage.h"

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

Q_SIGNALS:
    void requestReceived(const imsa::ipc::Request &request);
    void closed();

private:
    void handleReadyRead();
    void write(const QByteArray &line);

    QLocalSocket *m_socket;
    bool m_discarding = false; ///< inside an oversized line, until its newline
};

/// The app's end of the local control channel: a QLocalServer on a socket only the owner can
/// open (mode 0700 in a 0700 directory), which additionally drops peers of another uid.
class ControlServer final : public QObject
{
    Q_OBJECT

public:
    explicit ControlServer(QObject *parent = nullptr);

    /// Listens at socketPath, replacing a stale socket file left by a crashed instance. The
    /// caller must hold the instance lock, so a file that exists here is known to be stale.
    bool listen(const QString &socketPath, QString *error);

Q_SIGNALS:
    void requestReceived(imsa::app::ControlConnection *connection,
                         const imsa::ipc::Request &request);

private:
    void handleNewConnection();

    QLocalServer m_server;
};

} // namespace imsa::app
