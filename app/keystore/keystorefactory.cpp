#include "keystorefactory.h"

#include <optional>

#include <QDBusConnection>
#include <QDBusConnectionInterface>
#include <QDBusReply>
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

/// Why no Secret Service can answer, found without a timeout: the bus daemon answers at once
/// whether a name is owned or activatable. Nothing when one may answer.
std::optional<QString> secretServiceAbsence()
{
    const auto secrets = u"org.freedesktop.secrets"_s;
    const QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected())
        return u"no D-Bus session bus: %1"_s.arg(bus.lastError().message());
    const QDBusConnectionInterface *daemon = bus.interface();
    const QDBusReply<bool> owned = daemon->isServiceRegistered(secrets);
    if (owned.isValid() && owned.value())
        return std::nullopt;
    const QDBusReply<QStringList> activatable = daemon->activatableServiceNames();
    if (activatable.isValid() && activatable.value().contains(secrets))
        return std::nullopt;
    if (!owned.isValid() || !activatable.isValid())
        return std::nullopt; // a bus that does not say: let the bounded probe find out
    return u"nothing on the D-Bus session bus provides %1 (no keyring daemon running or "
           "installed)"_s.arg(secrets);
}

} // namespace

void probeSecretService(QObject *context, std::function<void(bool available, QString why)> done)
{
    if (std::optional<QString> absent = secretServiceAbsence()) {
        QTimer::singleShot(0, context, [done = std::move(done), why = *std::move(absent)] {
            done(false, why);
        });
        return;
    }
    KeychainKeyStore::probe(context, std::move(done));
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
