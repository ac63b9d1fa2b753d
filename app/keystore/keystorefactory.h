#pragma once

#include <functional>
#include <memory>

#include <QString>

#include "imsa/keystore.h"

class QObject;

namespace imsa::app {

/// Receives the chosen store and a warning for `imsa status` (empty when there is nothing to
/// warn about).
using KeyStoreChosen = std::function<void(std::unique_ptr<KeyStore> store, QString warning)>;

/// Whether the Secret Service answers: no, without any timeout, when there is no session bus or
/// the bus daemon says nothing owns or can start org.freedesktop.secrets (asked without
/// blocking); else KeychainKeyStore::probe(), whose wait is bounded for a keyring that exists but
/// hangs. `done` runs once, later, in context's thread; never once context is gone.
void probeSecretService(QObject *context, std::function<void(bool available, QString why)> done);

/// Picks where secrets live: the keychain when probeSecretService() says it answers, else
/// the 0600 file (FileKeyStore::defaultPath()) with a warning that it is not encrypted. The
/// environment variable IMSA_KEYSTORE=keychain|file skips the probe and forces one (tests,
/// headless servers). `done` runs once, later, in context's thread; never if context dies.
void chooseKeyStore(QObject *context, KeyStoreChosen done);

} // namespace imsa::app
