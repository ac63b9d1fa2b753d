#include "controlclient.h"

#include <QEventLoop>

#include "platform/runtimedir.h"

namespace imsa::cli {

QString notRunningMessage()
{
    return QStringLiteral("imsa is not running (start it with: imsa start)");
}

bool ControlClient::connectToApp(int timeoutMs)
{
    auto runtimeDir = app::ensureRuntimeDir();
    if (!runtimeDir)
        return false;
    m_socket.connectToServer(app::controlSocketPath(runtimeDir.value()));
    return m_socket.waitForConnected(timeoutMs);
}

QString ControlClient::nextId()
{
    return QString::number(++m_lastId);
}

void ControlClient::post(const QString &command, const QJsonObject &args)
{
    m_socket.write(ipc::serializeRequest({nextId(), command, args}));
    m_socket.flush();
}

std::optional<ipc::Response> ControlClient::readResponse()
{
    while (!m_socket.canReadLine()) {
        if (m_socket.state() != QLocalSocket::ConnectedState && m_socket.bytesAvailable() == 0)
            return std::nullopt;
        QEventLoop loop;
        connect(&m_socket, &QLocalSocket::readyRead, &loop, &QEventLoop::quit);
        connect(&m_socket, &QLocalSocket::disconnected, &loop, &QEventLoop::quit);
        if (!m_socket.canReadLine() && m_socket.state() == QLocalSocket::ConnectedState)
            loop.exec();
        if (!m_socket.canReadLine() && m_socket.state() != QLocalSocket::ConnectedState)
            return std::nullopt;
    }
    QByteArray line = m_socket.readLine(ipc::maxLineBytes + 1);
    line.chop(1);
    auto response = ipc::parseResponse(line);
    if (!response)
        return std::nullopt;
    return response.value();
}

Result<QJsonObject, ipc::Error> ControlClient::call(const QString &command, const QJsonObject &args,
                                                    const EventHandler &onEvent)
{
    const QString id = nextId();
    m_socket.write(ipc::serializeRequest({id, command, args}));
    m_socket.flush();
    for (;;) {
        const std::optional<ipc::Response> response = readResponse();
        if (!response)
            return ipc::Error{QStringLiteral("disconnected"),
                              QStringLiteral("the connection to imsa was lost")};
        if (response->id != id)
            continue;
        if (response->kind == ipc::Response::Kind::Event) {
            if (onEvent)
                onEvent(response->event, response->result);
            continue;
        }
        if (!response->ok)
            return response->error;
        return response->result;
    }
}

} // namespace imsa::cli
