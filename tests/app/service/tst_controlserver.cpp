#include <sys/stat.h>

#include <QLocalSocket>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "service/controlserver.h"

using namespace imsa;
using namespace imsa::app;
using namespace Qt::StringLiterals;

class tst_ControlServer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void socketIsOwnerOnly();
    void validRequestIsDelivered();
    void malformedRequestGetsErrorAndConnectionSurvives_data();
    void malformedRequestGetsErrorAndConnectionSurvives();
    void oversizedLineIsRefusedAndDiscarded();
    void staleSocketFileIsReplaced();

private:
    QByteArray readLine(QLocalSocket &socket);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<ControlServer> m_server;
    QString m_path;
};

void tst_ControlServer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(u"control.sock"_s);
    m_server = std::make_unique<ControlServer>();
    const auto listening = m_server->listen(m_path);
    QVERIFY2(listening.ok(), qPrintable(listening ? QString() : listening.error().message));
    // Answer every request with its command name, so that tests see what was parsed.
    connect(m_server.get(), &ControlServer::requestReceived, m_server.get(),
            [](ControlConnection *connection, const ipc::Request &request) {
                connection->sendReply(request.id, {{u"command"_s, request.command}});
            });
}

void tst_ControlServer::cleanup()
{
    m_server.reset();
    m_dir.reset();
}

QByteArray tst_ControlServer::readLine(QLocalSocket &socket)
{
    // An empty line fails the caller's parse: no reply within the bound.
    if (!QTest::qWaitFor(
                [&socket] {
                    return socket.canReadLine();
                },
                5000))
        return {};
    QByteArray line = socket.readLine();
    line.chop(1);
    return line;
}

void tst_ControlServer::socketIsOwnerOnly()
{
    struct stat info
    { };

    QCOMPARE(lstat(QFile::encodeName(m_path).constData(), &info), 0);
    QVERIFY(S_ISSOCK(info.st_mode));
    QCOMPARE(info.st_mode & 0077, 0u);
}

void tst_ControlServer::validRequestIsDelivered()
{
    QLocalSocket client;
    client.connectToServer(m_path);
    QVERIFY(client.waitForConnected(2000));
    client.write(ipc::serializeRequest({u"7"_s, u"status"_s, {}}));
    const auto reply = ipc::parseResponse(readLine(client));
    QVERIFY(reply.ok());
    QCOMPARE(reply->id, u"7"_s);
    QVERIFY(reply->ok);
    QCOMPARE(reply->result.value(u"command").toString(), u"status"_s);
}

void tst_ControlServer::malformedRequestGetsErrorAndConnectionSurvives_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addRow("garbage") << "\x01\x02garbage"_ba;
    QTest::addRow("JSON without id") << R"({"v":1,"command":"status"})"_ba;
    QTest::addRow("wrong version") << R"({"v":9,"id":"1","command":"status"})"_ba;
    QTest::addRow("empty line") << QByteArray();
}

void tst_ControlServer::malformedRequestGetsErrorAndConnectionSurvives()
{
    QFETCH(QByteArray, line);
    QLocalSocket client;
    client.connectToServer(m_path);
    QVERIFY(client.waitForConnected(2000));
    client.write(line + '\n');
    const auto error = ipc::parseResponse(readLine(client));
    QVERIFY(error.ok());
    QVERIFY(!error->ok);
    QVERIFY(!error->error.code.isEmpty());

    // The same connection still works afterwards.
    client.write(ipc::serializeRequest({u"8"_s, u"status"_s, {}}));
    const auto reply = ipc::parseResponse(readLine(client));
    QVERIFY(reply.ok());
    QVERIFY(reply->ok);
    QCOMPARE(reply->id, u"8"_s);
}

void tst_ControlServer::oversizedLineIsRefusedAndDiscarded()
{
    QLocalSocket client;
    client.connectToServer(m_path);
    QVERIFY(client.waitForConnected(2000));
    client.write(QByteArray(ipc::maxLineBytes * 4, 'x') + '\n');
    client.write(ipc::serializeRequest({u"9"_s, u"status"_s, {}}));
    const auto error = ipc::parseResponse(readLine(client));
    QVERIFY(error.ok());
    QVERIFY(!error->ok);
    QCOMPARE(error->error.code, u"bad-request"_s);
    // The rest of the long line is dropped; the next request is answered normally.
    const auto reply = ipc::parseResponse(readLine(client));
    QVERIFY(reply.ok());
    QVERIFY(reply->ok);
    QCOMPARE(reply->id, u"9"_s);
}

void tst_ControlServer::staleSocketFileIsReplaced()
{
    // A crashed app leaves its socket file behind; the next one must be able to listen.
    m_server.reset();
    QFile stale(m_path);
    if (!stale.exists()) {
        QVERIFY(stale.open(QIODevice::WriteOnly));
        stale.close();
    }
    ControlServer second;
    const auto listening = second.listen(m_path);
    QVERIFY2(listening.ok(), qPrintable(listening ? QString() : listening.error().message));
}

QTEST_GUILESS_MAIN(tst_ControlServer)
#include "tst_controlserver.moc"
