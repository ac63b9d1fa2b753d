#pragma once

#include <chrono>
#include <functional>

#include "imsa/keystore.h"

namespace imsa::app {

/// Secrets in the OS keychain through QtKeychain: on Linux the freedesktop Secret Service via
/// libsecret (GNOME Keyring, KeePassXC), or KWallet when QtKeychain detects a Plasma session.
/// Entries live under service "imsa" and the account name, stored as binary data (libsecret
/// attributes of schema org.qt.keychain: server=imsa, user=ACCOUNT, type=base64).
///
/// Use it from a thread with a running event loop (the GUI thread in practice): QtKeychain runs
/// its jobs, one at a time, in the thread that started them. A job that never answers (a hung
/// keyring, an unlock prompt nobody sees) is reported as an error after `timeout`; it keeps
/// running in the background, because QtKeychain cannot cancel it.
class KeychainKeyStore final : public KeyStore
{
public:
    /// Long enough for a person to answer a keyring unlock prompt.
    static constexpr std::chrono::milliseconds defaultTimeout = std::chrono::seconds(60);
    /// The probe reads an entry that never exists, which needs no prompt.
    static constexpr std::chrono::milliseconds probeTimeout = std::chrono::seconds(5);

    explicit KeychainKeyStore(std::chrono::milliseconds timeout = defaultTimeout);

    void read(const QString &account, QObject *context, ReadDone done) override;
    void write(const QString &account, const QByteArray &secret, QObject *context,
               WriteDone done) override;
    void remove(const QString &account, QObject *context, WriteDone done) override;

    /// "Secret Service".
    QString description() const override;

    /// Whether the keychain answers, found by reading an account that is never written. `why`
    /// is empty when it works, else the reason, e.g. "Secret Service not reachable: Cannot
    /// autolaunch D-Bus without X11 $DISPLAY". Same callback rules as the KeyStore calls.
    static void probe(QObject *context, std::function<void(bool available, QString why)> done);

private:
    std::chrono::milliseconds m_timeout;
};

} // namespace imsa::app
