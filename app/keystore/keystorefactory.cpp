#include "keystorefactory.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QTimer>

#include "filekeystore.h"
#include "imsa/logging.h"
#include "keychainkeystore.h"

using namespace Qt::StringLiterals;

namespace imsa::app {

namespace {

QString fileWarning(const QString &reason, const QString &path)
{
    return u"%1; secrets are kept in %2 (mode 0600, not encrypted)"_s.arg(reason, path);
}

QString secretsName()
{
    return u"org.freedesktop.secrets"_s;
}

/// How long the bus daemon gets to answer; it answers at once unless it is stuck, and then the
/// bounded keychain probe decides.
constexpr int busTimeoutMs = 2000;

/// Sends METHOD(ARGUMENTS) to the bus daemon without waiting for the answer.
QDBusPendingCall askBusDaemon(const QDBusConnection &bus, const QString &method,
                              const QVariantList &arguments)
{
    QDBusMessage call =
            QDBusMessage::createMethodCall(u"org.freedesktop.DBus"_s, u"/org/freedesktop/DBus"_s,
                                           u"org.freedesktop.DBus"_s, method);
    call.setArguments(arguments);
    return bus.asyncCall(call, busTimeoutMs);
}

/// Runs `then` with the finished call, in context's thread; never once context is gone.
void whenAnswered(const QDBusPendingCall &call, QObject *context,
                  std::function<void(const QDBusPendingCall &)> then)
{
    auto *watcher = new QDBusPendingCallWatcher(call, context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context,
                     [then = std::move(then)](QDBusPendingCallWatcher *finished) {
                         finished->deleteLater();
                         then(*finished);
                     });
}

} // namespace

void probeSecretService(QObject *context, std::function<void(bool available, QString why)> done)
{
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        QTimer::singleShot(0, context,
                           [done = std::move(done),
                            why = u"no D-Bus session bus: %1"_s.arg(bus.lastError().message())] {
                               done(false, why);
                           });
        return;
    }
    // Asked asynchronously, so that a stuck bus daemon holds neither the tray's nor the
    // server's thread. Only a bus that says "nobody owns it, nobody can start it" is a no;
    // whatever else it says, or a bus that does not answer, leaves it to the keychain probe.
    whenAnswered(askBusDaemon(bus, u"NameHasOwner"_s, {secretsName()}), context,
                 [bus, context, done = std::move(done)](const QDBusPendingCall &ownerCall) {
                     const QDBusPendingReply<bool> owned = ownerCall;
                     if (!owned.isValid() || owned.value())
                         return KeychainKeyStore::probe(context, done);
                     whenAnswered(
                             askBusDaemon(bus, u"ListActivatableNames"_s, {}), context,
                             [context, done](const QDBusPendingCall &activatableCall) {
                                 const QDBusPendingReply<QStringList> activatable = activatableCall;
                                 if (!activatable.isValid()
                                     || activatable.value().contains(secretsName()))
                                     return KeychainKeyStore::probe(context, done);
                                 done(false,
                                      u"nothing on the D-Bus session bus provides %1 (no keyring "
                                      "daemon running or installed)"_s.arg(secretsName()));
                             });
                 });
}

void chooseKeyStore(QObject *context, KeyStoreChosen done)
{
    const QString forced = qEnvironmentVariable("IMSA_KEYSTORE");
    if (forced == "keychain"_L1) {
        QTimer::singleShot(0, context, [done = std::move(done)] {
            qCInfo(lcKeyStore) << "key store: Secret Service (IMSA_KEYSTORE=keychain)";
            done(std::make_unique<KeychainKeyStore>(), QString());
        });
        return;
    }
    if (forced == "file"_L1) {
        QTimer::singleShot(0, context, [done = std::move(done)] {
            auto store = std::make_unique<FileKeyStore>();
            const QString warning = fileWarning(u"IMSA_KEYSTORE=file"_s, store->path());
            qCInfo(lcKeyStore).noquote() << "key store:" << warning;
            done(std::move(store), warning);
        });
        return;
    }

    QString ignored;
    if (!forced.isEmpty()) {
        ignored = u"IMSA_KEYSTORE=%1 is neither \"keychain\" nor \"file\" and was ignored"_s.arg(
                forced);
        qCWarning(lcKeyStore).noquote() << ignored;
    }
    probeSecretService(
            context, [done = std::move(done), ignored](bool available, const QString &why) {
                if (available) {
                    qCInfo(lcKeyStore) << "key store: Secret Service";
                    done(std::make_unique<KeychainKeyStore>(), ignored);
                    return;
                }
                auto store = std::make_unique<FileKeyStore>();
                QString warning =
                        fileWarning(u"no Secret Service available (%1)"_s.arg(why), store->path());
                if (!ignored.isEmpty())
                    warning = ignored + u"; "_s + warning;
                qCWarning(lcKeyStore).noquote() << "key store:" << warning;
                done(std::move(store), warning);
            });
}

} // namespace imsa::app
