#include "fakes/standinhttp.h"

#include <QTcpSocket>

namespace imsa::test {

namespace {

// Bounds that keep a confused client from growing a test's memory without limit.
constexpr qsizetype maxHeaderBytes = 32 * 1024;
constexpr qsizetype maxBodyBytes = 1024 * 1024;
constexpr int maxPendingConnections = 64;

const char *reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 413:
        return "Content Too Large";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}

enum class ParseState {
    Incomplete,
    Complete,
    Bad
};

struct Parsed
{
    ParseState state = ParseState::Incomplete;
    StandInRequest request;
    qsizetype consumed = 0;
    bool keepAlive = true;
};

// RFC 9112 message framing, restricted to what the stand-in supports.
Parsed parseRequest(const QByteArray &buffer)
{
    Parsed parsed;
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0) {
        parsed.state = buffer.size() > maxHeaderBytes ? ParseState::Bad : ParseState::Incomplete;
        return parsed;
    }
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> requestLine = lines.first().trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine.at(2).startsWith("HTTP/1.")) {
        parsed.state = ParseState::Bad;
        return parsed;
    }
    parsed.request.method = requestLine.at(0);
    parsed.request.target = requestLine.at(1);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            parsed.state = ParseState::Bad;
            return parsed;
        }
        parsed.request.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
    }
    if (!parsed.request.header("Transfer-Encoding").isEmpty()) {
        parsed.state = ParseState::Bad;
        return parsed;
    }
    bool lengthOk = true;
    const QByteArray lengthText = parsed.request.header("Content-Length");
    const qsizetype length = lengthText.isEmpty() ? 0 : lengthText.toLongLong(&lengthOk);
    if (!lengthOk || length < 0 || length > maxBodyBytes) {
        parsed.state = ParseState::Bad;
        return parsed;
    }
    const qsizetype bodyStart = headerEnd + 4;
    if (buffer.size() - bodyStart < length)
        return parsed;
    parsed.request.body = buffer.mid(bodyStart, length);
    parsed.consumed = bodyStart + length;
    const QByteArray connection = parsed.request.header("Connection").toLower();
    parsed.keepAlive = requestLine.at(2) == "HTTP/1.1" ? !connection.contains("close")
                                                       : connection.contains("keep-alive");
    parsed.state = ParseState::Complete;
    return parsed;
}

} // namespace

QByteArray StandInRequest::header(QByteArrayView name) const
{
    for (const auto &[headerName, value] : headers) {
        if (name.compare(headerName, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

StandInHttpServer::StandInHttpServer(Handler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
{
    m_server.setMaxPendingConnections(maxPendingConnections);
    connect(&m_server, &QTcpServer::newConnection, this, &StandInHttpServer::handleNewConnections);
}

bool StandInHttpServer::listen(const QHostAddress &address, quint16 port)
{
    return m_server.listen(address, port);
}

void StandInHttpServer::handleNewConnections()
{
    while (QTcpSocket *socket = m_server.nextPendingConnection()) {
        socket->setParent(this);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] {
            handleReadyRead(socket);
        });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    }
}

void StandInHttpServer::handleReadyRead(QTcpSocket *socket)
{
    // A connection whose request is left hanging stays silent until the client gives up.
    static constexpr char hungProperty[] = "imsaStandInHung";
    if (socket->property(hungProperty).toBool()) {
        socket->readAll();
        return;
    }
    static constexpr char bufferProperty[] = "imsaStandInBuffer";
    QByteArray buffer = socket->property(bufferProperty).toByteArray() + socket->readAll();
    while (true) {
        const Parsed parsed = parseRequest(buffer);
        if (parsed.state == ParseState::Incomplete)
            break;
        if (parsed.state == ParseState::Bad) {
            write(socket, StandInResponse{400, {}, {}}, false);
            return;
        }
        buffer.remove(0, parsed.consumed);
        const std::optional<StandInResponse> response = m_handler(parsed.request);
        if (!response) {
            socket->setProperty(hungProperty, true);
            return;
        }
        write(socket, *response, parsed.keepAlive);
        if (!parsed.keepAlive)
            return;
    }
    socket->setProperty(bufferProperty, buffer);
}

void StandInHttpServer::write(QTcpSocket *socket, const StandInResponse &response, bool keepAlive)
{
    QByteArray bytes = "HTTP/1.1 " + QByteArray::number(response.status) + ' '
            + reasonPhrase(response.status) + "\r\n";
    for (const auto &[name, value] : response.headers)
        bytes += name + ": " + value + "\r\n";
    bytes += "Content-Length: " + QByteArray::number(response.body.size()) + "\r\n";
    bytes += keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
    bytes += "\r\n" + response.body;
    socket->write(bytes);
    if (!keepAlive)
        socket->disconnectFromHost();
}

} // namespace imsa::test
