#pragma once

#include <memory>

#include <QAbstractHttpServer>
#include <QHostAddress>

#include "accessguard.h"
#include "imsa/imdshandler.h"
#include "imsa/imdstokens.h"

namespace imsa {
class Clock;
} // namespace imsa

namespace imsa::app {

class EndpointIdentity;
class GuardedTcpServer;

/// HTTP glue between QHttpServer and the pure ImdsHandler from core: converts types and writes
/// the handler's answer. Every answer comes from memory; nothing here blocks.
class ImdsServer final : public QAbstractHttpServer
{
    Q_OBJECT

public:
    struct Options
    {
        bool imdsv2Only = false;
        ImdsTokenSigner imdsTokens;
        ContainerTokenSigner containerTokens;
    };

    ImdsServer(const CredentialView &view, const Clock &clock, Options options,
               QObject *parent = nullptr);
    ~ImdsServer() override;

    /// Listens on address:port (port 0 = any free port). False with errorString() on failure.
    bool listenOn(const QHostAddress &address, quint16 port);
    /// Serves on a socket that is already listening (handed over by imsa-helper).
    bool adoptListeningSocket(qintptr descriptor);

    QHostAddress address() const;
    quint16 port() const;
    QString errorString() const;

    /// Most connections served at once; see GuardedTcpServer::setConnectionLimit().
    void setConnectionLimit(int limit);

    /// Answers identity challenges with proofs from `identity` (see endpointidentity.h).
    void setIdentity(const EndpointIdentity *identity) { m_identity = identity; }

    /// Who gets credentials, and the access log: asked for every credentials answer. Call it
    /// in the thread that serves; the guard must outlive this server.
    void setAccessGuard(AccessGuard *guard);

Q_SIGNALS:
    /// See GuardedTcpServer::drained().
    void drained();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    void startServing();
    void writeIdentityProof(const QHttpServerRequest &request, const QTcpSocket *socket,
                            QHttpServerResponder &responder) const;

    const CredentialView &m_view;
    const Clock &m_clock;
    Options m_options;
    GuardedTcpServer *m_tcpServer;
    std::unique_ptr<ImdsHandler> m_handler;
    const EndpointIdentity *m_identity = nullptr;
    /// This server's connections as the guard knows them; a member, so it goes before
    /// QObject deletes the sockets.
    std::unique_ptr<AccessGuard::Connections> m_accessConnections;
};

} // namespace imsa::app
