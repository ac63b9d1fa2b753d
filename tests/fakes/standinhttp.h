#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QTcpServer>

class QTcpSocket;

namespace imsa::test {

using StandInHeaders = QList<std::pair<QByteArray, QByteArray>>;

struct StandInRequest
{
    QByteArray method;
    QByteArray target; ///< as on the request line: path + optional "?query"
    StandInHeaders headers; ///< as received, names in the client's case
    QByteArray body;

    /// The first header called `name`, compared case-insensitively; empty when absent.
    QByteArray header(QByteArrayView name) const;

    /// The target up to any '?'.
    QByteArray path() const { return target.split('?').constFirst(); }

    /// The target after the first '?', empty without one.
    QByteArray query() const
    {
        const qsizetype question = target.indexOf('?');
        return question < 0 ? QByteArray() : target.mid(question + 1);
    }
};

struct StandInResponse
{
    int status = 200;
    StandInHeaders headers;
    QByteArray body;
};

/// A small HTTP/1.1 server for fakes: keep-alive, Content-Length bodies, nothing else. Enough
/// for QNetworkAccessManager, curl and the AWS SDKs talking to a local stand-in; not a
/// general-purpose server (no chunked bodies, no TLS).
class StandInHttpServer : public QObject
{
public:
    /// nullopt: never answer this request (and nothing else on its connection).
    using Handler = std::function<std::optional<StandInResponse>(const StandInRequest &)>;

    explicit StandInHttpServer(Handler handler, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port);

    quint16 port() const { return m_server.serverPort(); }

    QHostAddress address() const { return m_server.serverAddress(); }

private:
    void handleNewConnections();
    void handleReadyRead(QTcpSocket *socket);
    void write(QTcpSocket *socket, const StandInResponse &response, bool keepAlive);

    Handler m_handler;
    QTcpServer m_server;
};

} // namespace imsa::test
