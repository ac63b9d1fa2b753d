#include "imdsserver.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QTcpSocket>

#include "endpointidentity.h"
#include "guardedtcpserver.h"
#include "imsa/clock.h"

namespace imsa::app {

namespace {

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return QByteArrayLiteral("GET");
    case QHttpServerRequest::Method::Put:
        return QByteArrayLiteral("PUT");
    case QHttpServerRequest::Method::Delete:
        return QByteArrayLiteral("DELETE");
    case QHttpServerRequest::Method::Post:
        return QByteArrayLiteral("POST");
    case QHttpServerRequest::Method::Head:
        return QByteArrayLiteral("HEAD");
    case QHttpServerRequest::Method::Options:
        return QByteArrayLiteral("OPTIONS");
    case QHttpServerRequest::Method::Patch:
        return QByteArrayLiteral("PATCH");
    case QHttpServerRequest::Method::Connect:
        return QByteArrayLiteral("CONNECT");
    case QHttpServerRequest::Method::Trace:
        return QByteArrayLiteral("TRACE");
    default:
        return QByteArrayLiteral("UNKNOWN");
    }
}

HttpRequest toHttpRequest(const QHttpServerRequest &request)
{
    HttpRequest converted;
    converted.method = methodName(request.method());
    converted.target = request.url().path(QUrl::FullyEncoded).toLatin1();
    if (request.url().hasQuery())
        converted.target += '?' + request.url().query(QUrl::FullyEncoded).toLatin1();
    for (const auto &[name, value] : request.headers())
        converted.headers.append({name, value});
    converted.peer = request.remoteAddress();
    return converted;
}

/// The guard's question for one request: the connection is what identifies the caller.
class ConnectionAccess final : public CredentialAccess
{
public:
    ConnectionAccess(AccessGuard::Connections &connections, QTcpSocket *socket)
        : m_connections(connections)
        , m_socket(socket)
    { }

    bool admit(const QString &profile, QLatin1StringView route) override
    {
        return m_connections.guard().admit(m_connections, m_socket, profile, route);
    }

private:
    AccessGuard::Connections &m_connections;
    QTcpSocket *m_socket;
};

} // namespace

ImdsServer::ImdsServer(const CredentialView &view, const Clock &clock, Options options,
                       QObject *parent)
    : QAbstractHttpServer(parent)
    , m_view(view)
    , m_clock(clock)
    , m_options(std::move(options))
    , m_tcpServer(new GuardedTcpServer(this))
{
    connect(m_tcpServer, &GuardedTcpServer::drained, this, &ImdsServer::drained);
}

ImdsServer::~ImdsServer() = default;

void ImdsServer::setAccessGuard(AccessGuard *guard)
{
    m_accessConnections = guard ? std::make_unique<AccessGuard::Connections>(*guard) : nullptr;
}

bool ImdsServer::listenOn(const QHostAddress &address, quint16 port)
{
    m_tcpServer->setListenBacklogSize(GuardedTcpServer::listenBacklog);
    if (!m_tcpServer->listen(address, port))
        return false;
    startServing();
    return true;
}

bool ImdsServer::adoptListeningSocket(qintptr descriptor)
{
    if (!m_tcpServer->setSocketDescriptor(descriptor))
        return false;
    startServing();
    return true;
}

void ImdsServer::startServing()
{
    m_tcpServer->setListenAddress(m_tcpServer->serverAddress());
    ImdsConfig config;
    config.listenAddress = m_tcpServer->serverAddress();
    config.listenPort = m_tcpServer->serverPort();
    config.imdsv2Only = m_options.imdsv2Only;
    config.containerTokens = m_options.containerTokens;
    m_handler = std::make_unique<ImdsHandler>(config, m_options.imdsTokens, m_view);
    bind(m_tcpServer);
}

QHostAddress ImdsServer::address() const
{
    return m_tcpServer->serverAddress();
}

quint16 ImdsServer::port() const
{
    return m_tcpServer->serverPort();
}

QString ImdsServer::errorString() const
{
    return m_tcpServer->errorString();
}

void ImdsServer::setConnectionLimit(int limit)
{
    m_tcpServer->setConnectionLimit(limit);
}

bool ImdsServer::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    m_tcpServer->requestCompleted(socket);
    std::optional<ConnectionAccess> access;
    if (m_accessConnections)
        access.emplace(*m_accessConnections, socket);
    const HttpResponse response =
            m_handler->handle(toHttpRequest(request), m_clock.now(), access ? &*access : nullptr);

    auto responder = makeResponder(request, socket);
    responder.writeStatusLine(static_cast<QHttpServerResponder::StatusCode>(response.status));
    for (const auto &[name, value] : response.headers)
        responder.writeHeader(name, value);
    writeIdentityProof(request, socket, responder);
    responder.writeHeader(QByteArrayLiteral("Content-Length"),
                          QByteArray::number(response.body.size()));
    // QHttpServer 6.4 keeps every connection open; honour a client that asked to close.
    const bool closeAfter =
            request.value(QByteArrayLiteral("connection")).compare("close", Qt::CaseInsensitive)
            == 0;
    if (closeAfter)
        responder.writeHeader(QByteArrayLiteral("Connection"), QByteArrayLiteral("close"));
    responder.writeBody(response.body);
    // Out now rather than at the next turn of the event loop: a client that half-closed after
    // its request would otherwise have the socket torn down, answer unsent, when Qt reads the
    // end of the stream first. It also spares a wake-up per request.
    socket->flush();
    if (closeAfter)
        socket->disconnectFromHost();
    return true;
}

void ImdsServer::writeIdentityProof(const QHttpServerRequest &request, const QTcpSocket *socket,
                                    QHttpServerResponder &responder) const
{
    const QByteArray challenge = request.value(identityChallengeHeader.toByteArray());
    if (!m_identity || challenge.isEmpty())
        return;
    const QByteArray proof =
            m_identity->proof(challenge, socket->localAddress(), socket->localPort());
    if (!proof.isEmpty())
        responder.writeHeader(identityProofHeader.toByteArray(), proof);
}

void ImdsServer::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // Unreachable: handleRequest answers everything, including unknown paths.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

} // namespace imsa::app
