#include "keystorefactory.h"

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

} // namespace

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
    KeychainKeyStore::probe(
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
