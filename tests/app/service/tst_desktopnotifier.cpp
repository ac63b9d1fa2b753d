#include <QDBusConnection>
#include <QDBusError>
#include <QSignalSpy>
#include <QTest>

#include "core/brokerrig.h"
#include "service/desktopnotifier.h"
#include "service/sessionnotifier.h"

// Desktop notifications of the session's end, received by a stand-in notification server on a
// private session bus (the test runs under dbus-run-session, see tests/app/CMakeLists.txt).
using namespace imsa;
using namespace imsa::app;
using namespace imsa::test;

namespace {

constexpr int sessionSeconds = (3 * 60 + 12 + 15) * 60;

QList<Profile> profiles()
{
    Profile base = baseProfile(true, QStringLiteral("base"));
    base.mfaSessionDurationSeconds = sessionSeconds;
    return {base, roleProfile(base, QStringLiteral("prod"), QStringLiteral("Admin"))};
}

} // namespace

/// What a desktop's notification daemon offers, as far as imsa uses it: records each call and
/// answers with a new id.
class FakeNotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")

public:
    struct Call
    {
        QString appName;
        uint replacesId = 0;
        QString summary;
        QString body;
        QVariantMap hints;
        int timeout = 0;
    };

    QList<Call> calls;

public Q_SLOTS:

    // The specification's method name, hence the capital.
    uint Notify(const QString &appName, uint replacesId, const QString &icon,
                const QString &summary, const QString &body, const QStringList &actions,
                const QVariantMap &hints, int timeout)
    {
        Q_UNUSED(icon);
        Q_UNUSED(actions);
        calls.append({appName, replacesId, summary, body, hints, timeout});
        return static_cast<uint>(calls.size());
    }
};

class tst_DesktopNotifier : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sessionEndArrivesAsDesktopNotifications();
    void nothingIsSentWhileSwitchedOff();

private:
    FakeNotificationServer m_server;
};

void tst_DesktopNotifier::initTestCase()
{
    QVERIFY2(QDBusConnection::sessionBus().isConnected(),
             "no session bus: run this under dbus-run-session");
    // A connection of its own, as the daemon would be: imsa's calls really cross the bus.
    QDBusConnection server = QDBusConnection::connectToBus(QDBusConnection::SessionBus,
                                                           QStringLiteral("fake-notifications"));
    QVERIFY(server.registerObject(QLatin1StringView(DesktopNotifier::path), &m_server,
                                  QDBusConnection::ExportAllSlots));
    QVERIFY2(server.registerService(QLatin1StringView(DesktopNotifier::service)),
             qPrintable(server.lastError().message()));
}

void tst_DesktopNotifier::sessionEndArrivesAsDesktopNotifications()
{
    m_server.calls.clear();
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    notifier.setDesktopNotifications(true);
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));

    QVERIFY(rig.advance((3 * 60 + 2) * 60)); // 10 min left
    QTRY_COMPARE_WITH_TIMEOUT(m_server.calls.size(), 1, 10'000);
    const FakeNotificationServer::Call soon = m_server.calls.first();
    QCOMPARE(soon.appName, QStringLiteral("imsa"));
    QCOMPARE(soon.replacesId, 0u);
    QCOMPARE(soon.summary, QStringLiteral("MFA session ends soon"));
    QVERIFY2(soon.body.startsWith(QStringLiteral("The MFA session of prod ends in 10 min (")),
             qPrintable(soon.body));
    QCOMPARE(soon.hints.value(QStringLiteral("urgency")).toInt(), 1);
    QCOMPARE(soon.timeout, -1);

    QVERIFY(rig.advance(10 * 60)); // the end
    QTRY_COMPARE_WITH_TIMEOUT(m_server.calls.size(), 2, 10'000);
    const FakeNotificationServer::Call ended = m_server.calls.last();
    QCOMPARE(ended.summary, QStringLiteral("MFA session ended"));
    QCOMPARE(ended.body, QStringLiteral("prod needs a new MFA code."));
    QCOMPARE(ended.hints.value(QStringLiteral("urgency")).toInt(), 2);
}

void tst_DesktopNotifier::nothingIsSentWhileSwitchedOff()
{
    m_server.calls.clear();
    BrokerRig rig;
    rig.broker->setProfiles(profiles());
    SessionNotifier notifier(*rig.broker, rig.clock);
    QSignalSpy soon(&notifier, &SessionNotifier::sessionEndingSoon);
    notifier.setDesktopNotifications(true);
    notifier.setDesktopNotifications(false); // what the tray does once its icon shows
    QVERIFY(rig.activateWithCode(QStringLiteral("prod")));
    QVERIFY(rig.advance((3 * 60 + 2) * 60));
    QCOMPARE(soon.size(), 1);

    // Calls from one connection arrive in order: once the end's notification is in, a
    // warning sent while switched off would have come first.
    notifier.setDesktopNotifications(true);
    QVERIFY(rig.advance(10 * 60));
    QTRY_COMPARE_WITH_TIMEOUT(m_server.calls.size(), 1, 10'000);
    QCOMPARE(m_server.calls.first().summary, QStringLiteral("MFA session ended"));
}

QTEST_GUILESS_MAIN(tst_DesktopNotifier)
#include "tst_desktopnotifier.moc"
