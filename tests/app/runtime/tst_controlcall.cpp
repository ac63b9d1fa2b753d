// The launcher's one request to the app: against a stand-in app on a local socket, what it
// sends, what it takes as an answer, and when it gives up and leaves the question to imsa-cli.
#include <chrono>
#include <functional>
#include <future>

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLocalServer>
#include <QLocalSocket>
#include <QTemporaryDir>
#include <QTest>

#include "imsa/ipcmessage.h"
#include "runtime/controlcall.h"
#include "runtime/runtimepaths.h"

using namespace imsa;
using namespace Qt::StringLiterals;

namespace {

/// What the stand-in app does with the request line it received.
using Answer = std::function<void(QLocalSocket &, const QByteArray &request)>;

struct Asked
{
    std::optional<runtime::JsonValue> result;
    QByteArray request; ///< the line the launcher sent, without its newline
};

/// Runs askApp() on another thread while a stand-in app listens in `dir` and answers with
/// `answer` (nothing listens when `answer` is empty).
Asked askWhileServing(const QString &dir, const Answer &answer, int timeoutMs = 2000)
{
    Asked asked;
    QLocalServer server;
    if (answer) {
        if (!server.listen(QString::fromStdString(runtime::controlSocketPath(dir.toStdString()))))
            qFatal("cannot listen: %s", qPrintable(server.errorString()));
        QObject::connect(&server, &QLocalServer::newConnection, &server, [&] {
            QLocalSocket *socket = server.nextPendingConnection();
            QObject::connect(socket, &QLocalSocket::readyRead, socket, [&, socket] {
                if (!socket->canReadLine())
                    return;
                asked.request = socket->readLine().chopped(1);
                answer(*socket, asked.request);
                socket->flush();
            });
        });
    }
    auto future = std::async(std::launch::async, [&] {
        return runtime::askApp(dir.toStdString(), "status", timeoutMs);
    });
    QElapsedTimer waited;
    waited.start();
    while (future.wait_for(std::chrono::milliseconds(1)) != std::future_status::ready) {
        QCoreApplication::processEvents();
        if (waited.elapsed() > timeoutMs + 5000)
            qFatal("askApp did not return");
    }
    asked.result = future.get();
    return asked;
}

QByteArray replyLine(const QByteArray &id = "1"_ba)
{
    return ipc::serializeReply(QString::fromLatin1(id),
                               {{ipc::keys::pid, 4242}, {ipc::keys::profile, u"prod"_s}});
}

} // namespace

class tst_ControlCall : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void sendsARequestTheAppAccepts();
    void skipsEventsAndOtherReplies();
    void errorReplyIsNoAnswer();
    void malformedOrUnknownVersionIsNoAnswer_data();
    void malformedOrUnknownVersionIsNoAnswer();
    void silentAppTimesOut();
    void overlongLineIsNoAnswer();
    void noSocketIsNoAnswer();
    void directoryOthersCanEnterIsRefused();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

void tst_ControlCall::init()
{
    m_dir = std::make_unique<QTemporaryDir>(); // 0700, as the app's runtime directory
    QVERIFY(m_dir->isValid());
}

void tst_ControlCall::sendsARequestTheAppAccepts()
{
    const Asked asked =
            askWhileServing(m_dir->path(), [](QLocalSocket &socket, const QByteArray &) {
                socket.write(replyLine());
            });
    const auto request = ipc::parseRequest(asked.request);
    QVERIFY2(request, asked.request.constData());
    QCOMPARE(request->command, QString(ipc::commands::status));
    QVERIFY(request->args.isEmpty());
    QVERIFY(asked.result);
    QCOMPARE(asked.result->member("pid")->number(), std::optional<double>(4242));
    QCOMPARE(asked.result->stringMember("profile"), std::string_view("prod"));
}

void tst_ControlCall::skipsEventsAndOtherReplies()
{
    const Asked asked =
            askWhileServing(m_dir->path(), [](QLocalSocket &socket, const QByteArray &) {
                socket.write(ipc::serializeEvent(u"1"_s, QString(ipc::events::mfaSatisfied), {}));
                socket.write(replyLine("2"_ba));
                // The reply arrives in two pieces.
                const QByteArray reply = replyLine();
                socket.write(reply.left(10));
                socket.flush();
                QTest::qWait(50);
                socket.write(reply.mid(10));
            });
    QVERIFY(asked.result);
    QCOMPARE(asked.result->stringMember("profile"), std::string_view("prod"));
}

void tst_ControlCall::errorReplyIsNoAnswer()
{
    const Asked asked =
            askWhileServing(m_dir->path(), [](QLocalSocket &socket, const QByteArray &) {
                socket.write(ipc::serializeError(u"1"_s, {u"not-available"_s, u"busy"_s}));
            });
    QVERIFY(!asked.request.isEmpty());
    QVERIFY(!asked.result);
}

void tst_ControlCall::malformedOrUnknownVersionIsNoAnswer_data()
{
    QTest::addColumn<QByteArray>("line");

    QTest::newRow("not JSON") << "hello\n"_ba;
    QTest::newRow("not an object") << "[1]\n"_ba;
    QTest::newRow("protocol version 2") << R"({"v":2,"id":"1","ok":true,"result":{}})"
                                           "\n"_ba;
    QTest::newRow("result not an object") << R"({"v":1,"id":"1","ok":true,"result":3})"
                                             "\n"_ba;
    QTest::newRow("closed without a line") << QByteArray();
}

void tst_ControlCall::malformedOrUnknownVersionIsNoAnswer()
{
    QFETCH(QByteArray, line);
    const Asked asked =
            askWhileServing(m_dir->path(), [&](QLocalSocket &socket, const QByteArray &) {
                socket.write(line);
                socket.flush();
                socket.disconnectFromServer();
            });
    QVERIFY(!asked.result);
}

void tst_ControlCall::silentAppTimesOut()
{
    QElapsedTimer timer;
    timer.start();
    const Asked asked = askWhileServing(
            m_dir->path(), [](QLocalSocket &, const QByteArray &) {}, 300);
    QVERIFY(!asked.result);
    QVERIFY(!asked.request.isEmpty());
    QVERIFY2(timer.elapsed() >= 300 && timer.elapsed() < 3000,
             qPrintable(QString::number(timer.elapsed())));
}

void tst_ControlCall::overlongLineIsNoAnswer()
{
    const Asked asked =
            askWhileServing(m_dir->path(), [](QLocalSocket &socket, const QByteArray &) {
                socket.write(QByteArray(ipc::maxLineBytes + 4096, 'x'));
            });
    QVERIFY(!asked.result);
}

void tst_ControlCall::noSocketIsNoAnswer()
{
    QVERIFY(!askWhileServing(m_dir->path(), {}).result);
    QVERIFY(!askWhileServing(m_dir->filePath(u"missing"_s), {}).result);
}

void tst_ControlCall::directoryOthersCanEnterIsRefused()
{
    QVERIFY(QFile::setPermissions(m_dir->path(),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner
                                          | QFile::ExeGroup | QFile::ExeOther));
    const Asked asked =
            askWhileServing(m_dir->path(), [](QLocalSocket &socket, const QByteArray &) {
                socket.write(replyLine());
            });
    QVERIFY(!asked.result);
    QVERIFY(asked.request.isEmpty()); // it did not even ask
}

QTEST_GUILESS_MAIN(tst_ControlCall)
#include "tst_controlcall.moc"
