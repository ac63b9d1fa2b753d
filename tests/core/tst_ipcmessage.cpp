#include <QTest>

#include "imsa/ipcmessage.h"

using namespace imsa;
using namespace Qt::StringLiterals;

class tst_IpcMessage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void parseRequest_data();
    void parseRequest();
    void roundTrip();
    void parseResponse_data();
    void parseResponse();
};

void tst_IpcMessage::parseRequest_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<QString>("errorCode"); // empty: valid
    QTest::addColumn<QString>("command");

    QTest::addRow("minimal request")
            << R"({"v":1,"id":"1","command":"status"})"_ba << QString() << u"status"_s;
    QTest::addRow("request with args")
            << R"({"v":1,"id":"a7","command":"assume","args":{"profile":"prod"}})"_ba << QString()
            << u"assume"_s;
    QTest::addRow("not JSON") << "hello"_ba << u"bad-request"_s << QString();
    QTest::addRow("JSON array") << "[1,2]"_ba << u"bad-request"_s << QString();
    QTest::addRow("missing version")
            << R"({"id":"1","command":"status"})"_ba << u"bad-request"_s << QString();
    QTest::addRow("version as string")
            << R"({"v":"1","id":"1","command":"status"})"_ba << u"bad-request"_s << QString();
    QTest::addRow("future version")
            << R"({"v":2,"id":"1","command":"status"})"_ba << u"unsupported-version"_s << QString();
    QTest::addRow("missing id") << R"({"v":1,"command":"status"})"_ba << u"bad-request"_s
                                << QString();
    QTest::addRow("numeric id") << R"({"v":1,"id":1,"command":"status"})"_ba << u"bad-request"_s
                                << QString();
    QTest::addRow("empty id") << R"({"v":1,"id":"","command":"status"})"_ba << u"bad-request"_s
                              << QString();
    QTest::addRow("id over 64 characters")
            << (R"({"v":1,"id":")"_ba + QByteArray(65, 'x') + R"(","command":"status"})"_ba)
            << u"bad-request"_s << QString();
    QTest::addRow("missing command") << R"({"v":1,"id":"1"})"_ba << u"bad-request"_s << QString();
    QTest::addRow("command not a string")
            << R"({"v":1,"id":"1","command":["x"]})"_ba << u"bad-request"_s << QString();
    QTest::addRow("args not an object")
            << R"({"v":1,"id":"1","command":"x","args":"p"})"_ba << u"bad-request"_s << QString();
    QTest::addRow("unknown key") << R"({"v":1,"id":"1","command":"x","extra":true})"_ba
                                 << u"bad-request"_s << QString();
    QTest::addRow("oversized line") << (R"({"v":1,"id":"1","command":")"_ba
                                        + QByteArray(ipc::maxLineBytes, 'x') + R"("})"_ba)
                                    << u"bad-request"_s << QString();
    QTest::addRow("truncated JSON")
            << R"({"v":1,"id":"1","comm)"_ba << u"bad-request"_s << QString();
}

void tst_IpcMessage::parseRequest()
{
    QFETCH(QByteArray, line);
    QFETCH(QString, errorCode);
    QFETCH(QString, command);

    const auto request = ipc::parseRequest(line);
    if (errorCode.isEmpty()) {
        QVERIFY2(request.ok(), qPrintable(request.ok() ? QString() : request.error().message));
        QCOMPARE(request->command, command);
    } else {
        QVERIFY(!request.ok());
        QCOMPARE(request.error().code, errorCode);
        QVERIFY(!request.error().message.isEmpty());
    }
}

void tst_IpcMessage::roundTrip()
{
    const ipc::Request sent{u"42"_s, u"export"_s, {{u"profile"_s, u"dev"_s}}};
    QByteArray line = ipc::serializeRequest(sent);
    QVERIFY(line.endsWith('\n'));
    QCOMPARE(line.count('\n'), 1);
    line.chop(1);
    const auto received = ipc::parseRequest(line);
    QVERIFY(received.ok());
    QCOMPARE(received->id, sent.id);
    QCOMPARE(received->command, sent.command);
    QCOMPARE(received->args, sent.args);

    QByteArray reply = ipc::serializeReply(u"42"_s, {{u"pid"_s, 7}});
    reply.chop(1);
    const auto parsedReply = ipc::parseResponse(reply);
    QVERIFY(parsedReply.ok());
    QCOMPARE(parsedReply->kind, ipc::Response::Kind::Reply);
    QVERIFY(parsedReply->ok);
    QCOMPARE(parsedReply->result.value(u"pid").toInt(), 7);

    QByteArray error = ipc::serializeError(u"43"_s, {u"wrong-mfa-code"_s, u"wrong code"_s});
    error.chop(1);
    const auto parsedError = ipc::parseResponse(error);
    QVERIFY(parsedError.ok());
    QVERIFY(!parsedError->ok);
    QCOMPARE(parsedError->error, (ipc::Error{u"wrong-mfa-code"_s, u"wrong code"_s}));

    QByteArray event = ipc::serializeEvent(u"44"_s, u"mfa-required"_s, {{u"profile"_s, u"p"_s}});
    event.chop(1);
    const auto parsedEvent = ipc::parseResponse(event);
    QVERIFY(parsedEvent.ok());
    QCOMPARE(parsedEvent->kind, ipc::Response::Kind::Event);
    QCOMPARE(parsedEvent->event, u"mfa-required"_s);
    QCOMPARE(parsedEvent->result.value(u"profile").toString(), u"p"_s);
}

void tst_IpcMessage::parseResponse_data()
{
    QTest::addColumn<QByteArray>("line");
    QTest::addColumn<bool>("valid");

    QTest::addRow("ok reply") << R"({"v":1,"id":"1","ok":true,"result":{}})"_ba << true;
    QTest::addRow("error reply to a request whose id was unreadable")
            << R"({"v":1,"id":"","ok":false,"error":{"code":"bad-request","message":"m"}})"_ba
            << true;
    QTest::addRow("ok reply without result") << R"({"v":1,"id":"1","ok":true})"_ba << false;
    QTest::addRow("error reply without code")
            << R"({"v":1,"id":"1","ok":false,"error":{"message":"m"}})"_ba << false;
    QTest::addRow("ok as string") << R"({"v":1,"id":"1","ok":"yes","result":{}})"_ba << false;
    QTest::addRow("event without data") << R"({"v":1,"id":"1","event":"x"})"_ba << false;
    QTest::addRow("event with extra key")
            << R"({"v":1,"id":"1","event":"x","data":{},"ok":true})"_ba << false;
}

void tst_IpcMessage::parseResponse()
{
    QFETCH(QByteArray, line);
    QFETCH(bool, valid);
    QCOMPARE(ipc::parseResponse(line).ok(), valid);
}

QTEST_APPLESS_MAIN(tst_IpcMessage)
#include "tst_ipcmessage.moc"
