#include <algorithm>

#include <QLocalServer>
#include <QLocalSocket>
#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/brokerrig.h"
#include "imsa/ipcmessage.h"
#include "service/controlserver.h"
#include "service/credentialwait.h"

using namespace imsa;
using namespace imsa::app;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// One control request waiting for a profile's credentials, against a broker on fakes and a real
// local socket: what the client reads is exactly what CredentialWait sent.
class tst_CredentialWait : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void credentialsAlreadyThereReplyAtOnce();
    void credentialsArrivingLaterReplyThen();
    void mfaIsRelayedThenReplied_data();
    void mfaIsRelayedThenReplied();
    void nonTransientFailureEndsTheWait();
    void cancelledMfaEndsTheWait();
    void transientFailureKeepsWaiting();
    void clientGoneDeletesTheWait();
    void mfaPromptOfAnotherProfile_data();
    void mfaPromptOfAnotherProfile();
};

namespace {

ipc::Response problem(const QString &what)
{
    ipc::Response response;
    response.kind = ipc::Response::Kind::Event;
    response.event = what;
    return response;
}

const QString requestId = u"r1"_s;
const QString markerEvent = u"test-marker"_s;

/// What the fake STS does with the request a case starts from.
enum class StsAnswer {
    Given, ///< from the event loop, as by default
    Held ///< only when the case calls completePending() or failPending()
};

/// A broker on fakes, the app's end of a control connection (`connection`) and the client's
/// end (`client`), and the waits' final replies counted in `finished`.
class WaitRig
{
public:
    WaitRig()
    {
        server.listen(dir.filePath(u"control"_s));
        client.connectToServer(server.fullServerName());
        if (!client.waitForConnected(5000) || !server.waitForNewConnection(5000))
            return;
        connection = new ControlConnection(server.nextPendingConnection());
    }

    ~WaitRig() { delete connection.data(); }

    WaitRig(const WaitRig &) = delete;
    WaitRig &operator=(const WaitRig &) = delete;

    /// Where every case starts: `profiles` on the broker and `profile`'s credentials requested,
    /// settled as far as STS answers. False when the control connection is missing or the
    /// broker keeps calling.
    [[nodiscard]] bool request(const QList<Profile> &profiles, const QString &profile,
                               StsAnswer answer = StsAnswer::Given)
    {
        if (!connection)
            return false;
        broker().setProfiles(profiles);
        if (answer == StsAnswer::Held)
            rig.sts.setHolding(true);
        broker().request(profile);
        return rig.settle();
    }

    /// A wait for `profile` as ControlHandler starts one: the final reply carries the key id.
    QPointer<CredentialWait> startWait(const QString &profile, bool hasMfaDialog = false)
    {
        const QList<Profile> profiles = broker().profiles();
        const auto it = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
            return p.name == profile;
        });
        auto *wait = new CredentialWait(
                broker(), *connection, requestId, *it, hasMfaDialog,
                [this](ControlConnection &to, const QString &id,
                       const AwsCredentials &credentials) {
                    ++finished;
                    to.sendReply(id, {{ipc::keys::accessKeyId, credentials.accessKeyId}});
                });
        wait->start();
        return wait;
    }

    /// Everything the client received until now. A marker event is sent after it, so the list
    /// is complete when the marker arrives (nothing is still on its way). A line that does not
    /// arrive or does not parse is listed as an event named after the problem.
    QList<ipc::Response> received()
    {
        connection->sendEvent(QString(), markerEvent, {});
        QList<ipc::Response> responses;
        const auto lineArrived = [this] {
            return client.canReadLine();
        };
        for (;;) {
            if (!QTest::qWaitFor(lineArrived, 5000))
                return responses << problem(u"no line within 5 s"_s);
            const auto response = ipc::parseResponse(client.readLine().chopped(1));
            if (!response)
                return responses << problem(response.error().message);
            if (response.value().event == markerEvent)
                return responses;
            responses << response.value();
        }
    }

    CredentialBroker &broker() { return *rig.broker; }

    BrokerRig rig;
    QTemporaryDir dir;
    QLocalServer server;
    QLocalSocket client;
    QPointer<ControlConnection> connection;
    int finished = 0;
};

bool isReplyWithKey(const ipc::Response &response, const QString &keyId)
{
    return response.kind == ipc::Response::Kind::Reply && response.ok && response.id == requestId
            && response.result.value(ipc::keys::accessKeyId).toString() == keyId;
}

bool isError(const ipc::Response &response, QLatin1StringView code)
{
    return response.kind == ipc::Response::Kind::Reply && !response.ok && response.id == requestId
            && response.error.code == code;
}

bool isEvent(const ipc::Response &response, QLatin1StringView event)
{
    return response.kind == ipc::Response::Kind::Event && response.id == requestId
            && response.event == event;
}

} // namespace

void tst_CredentialWait::credentialsAlreadyThereReplyAtOnce()
{
    WaitRig wait;
    QVERIFY(wait.request({directRole()}, u"direct"_s));
    const QString keyId = wait.broker().credentials(u"direct"_s)->accessKeyId;

    const QPointer<CredentialWait> pending = wait.startWait(u"direct"_s);
    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isReplyWithKey(responses.at(0), keyId));
    QCOMPARE(wait.finished, 1);
    QTRY_VERIFY(pending.isNull());
}

void tst_CredentialWait::credentialsArrivingLaterReplyThen()
{
    WaitRig wait;
    QVERIFY(wait.request({directRole()}, u"direct"_s, StsAnswer::Held));

    const QPointer<CredentialWait> pending = wait.startWait(u"direct"_s);
    QCOMPARE(wait.received().size(), 0);
    QVERIFY(pending);

    wait.rig.sts.completePending();
    QVERIFY(wait.rig.settle());
    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isReplyWithKey(responses.at(0), wait.broker().credentials(u"direct"_s)->accessKeyId));
    QCOMPARE(wait.finished, 1);
    QTRY_VERIFY(pending.isNull());
}

void tst_CredentialWait::mfaIsRelayedThenReplied_data()
{
    QTest::addColumn<bool>("hasMfaDialog");
    QTest::addRow("the app shows an MFA dialog") << true;
    QTest::addRow("the terminal asks for the code") << false;
}

void tst_CredentialWait::mfaIsRelayedThenReplied()
{
    QFETCH(bool, hasMfaDialog);
    WaitRig wait;
    QVERIFY(wait.request({baseProfile()}, u"base"_s));
    QCOMPARE(wait.broker().status(u"base"_s).state, ProfileState::NeedsMfa);

    wait.startWait(u"base"_s, hasMfaDialog);
    QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isEvent(responses.at(0), ipc::events::mfaRequired));
    QCOMPARE(responses.at(0).result,
             (QJsonObject{{ipc::keys::profile, u"base"_s},
                          {ipc::keys::mfaSerial, aliceMfaSerial},
                          {ipc::keys::dialog, hasMfaDialog}}));

    wait.broker().submitMfaCode(u"base"_s, validCode);
    QVERIFY(wait.rig.settle());
    responses = wait.received();
    QCOMPARE(responses.size(), 2);
    QVERIFY(isEvent(responses.at(0), ipc::events::mfaSatisfied));
    QVERIFY(isReplyWithKey(responses.at(1), wait.broker().credentials(u"base"_s)->accessKeyId));
    QCOMPARE(wait.finished, 1);
}

void tst_CredentialWait::nonTransientFailureEndsTheWait()
{
    WaitRig wait;
    QVERIFY(wait.request({directRole()}, u"direct"_s, StsAnswer::Held));
    const QPointer<CredentialWait> pending = wait.startWait(u"direct"_s);

    wait.rig.sts.failPending(
            StsError{StsErrorCode::AccessDenied, u"AccessDenied"_s, u"not allowed"_s, 403});
    QVERIFY(wait.rig.settle());
    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isError(responses.at(0), ipc::errors::stsError));
    QVERIFY(!responses.at(0).error.message.isEmpty());
    QCOMPARE(wait.finished, 0);
    QTRY_VERIFY(pending.isNull());
}

void tst_CredentialWait::cancelledMfaEndsTheWait()
{
    WaitRig wait;
    QVERIFY(wait.request({baseProfile()}, u"base"_s));
    const QPointer<CredentialWait> pending = wait.startWait(u"base"_s);
    QCOMPARE(wait.received().size(), 1); // mfa-required

    wait.broker().cancelMfa(u"base"_s);
    QVERIFY(wait.rig.settle());
    QCOMPARE(wait.broker().status(u"base"_s).state, ProfileState::Inactive);
    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isError(responses.at(0), ipc::errors::mfaCancelled));
    QCOMPARE(wait.finished, 0);
    QTRY_VERIFY(pending.isNull());
}

void tst_CredentialWait::transientFailureKeepsWaiting()
{
    WaitRig wait;
    QVERIFY(wait.request({directRole()}, u"direct"_s, StsAnswer::Held));
    const QPointer<CredentialWait> pending = wait.startWait(u"direct"_s);

    wait.rig.sts.failPending(
            StsError{StsErrorCode::Throttled, u"Throttling"_s, u"Rate exceeded"_s, 400});
    QVERIFY(wait.rig.settle());
    QVERIFY(wait.broker().status(u"direct"_s).lastError);
    QCOMPARE(wait.received().size(), 0);
    QVERIFY(pending);

    // The broker's retry succeeds: that is the one reply.
    wait.rig.sts.setHolding(false);
    QVERIFY(wait.rig.advance(10 * 60, 1));
    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), 1);
    QVERIFY(isReplyWithKey(responses.at(0), wait.broker().credentials(u"direct"_s)->accessKeyId));
    QCOMPARE(wait.finished, 1);
}

void tst_CredentialWait::clientGoneDeletesTheWait()
{
    WaitRig wait;
    QVERIFY(wait.request({directRole()}, u"direct"_s, StsAnswer::Held));
    const QPointer<CredentialWait> pending = wait.startWait(u"direct"_s);

    wait.client.disconnectFromServer();
    QTRY_VERIFY(pending.isNull());
    QVERIFY(wait.connection.isNull());

    // The credentials arriving afterwards reach nobody and break nothing.
    wait.rig.sts.completePending();
    QVERIFY(wait.rig.settle());
    QVERIFY(wait.broker().credentials(u"direct"_s));
    QCOMPARE(wait.finished, 0);
}

void tst_CredentialWait::mfaPromptOfAnotherProfile_data()
{
    QTest::addColumn<Profile>("other");
    QTest::addColumn<bool>("relayed");
    const Profile base = baseProfile();
    QTest::addRow("a role on the same base identity: relayed")
            << roleProfile(base, u"dev"_s, u"Dev"_s) << true;
    QTest::addRow("another key with its own MFA device: not relayed")
            << baseProfile(true, u"other"_s) << false;
}

void tst_CredentialWait::mfaPromptOfAnotherProfile()
{
    QFETCH(Profile, other);
    QFETCH(bool, relayed);
    WaitRig wait;
    QVERIFY(wait.request({baseProfile(), other}, u"base"_s));
    wait.startWait(u"base"_s);
    QCOMPARE(wait.received().size(), 1); // base's own mfa-required

    QSignalSpy prompts(&wait.broker(), &CredentialBroker::mfaRequired);
    wait.broker().request(other.name);
    QVERIFY(wait.rig.settle());
    QCOMPARE(prompts.count(), 1);
    QCOMPARE(prompts.at(0).at(0).toString(), other.name);

    const QList<ipc::Response> responses = wait.received();
    QCOMPARE(responses.size(), relayed ? 1 : 0);
    if (relayed) {
        // Relayed as this request's prompt: the client asks for its own profile's code.
        QVERIFY(isEvent(responses.at(0), ipc::events::mfaRequired));
        QCOMPARE(responses.at(0).result.value(ipc::keys::profile).toString(), u"base"_s);
    }
    QCOMPARE(wait.finished, 0);
}

QTEST_GUILESS_MAIN(tst_CredentialWait)
#include "tst_credentialwait.moc"
