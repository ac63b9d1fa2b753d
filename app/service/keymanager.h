#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include "imsa/profile.h"
#include "imsa/result.h"

namespace imsa {
class CredentialBroker;
class KeyStore;
} // namespace imsa

namespace imsa::app {

struct SecretLineRemoval;

/// How a save or a move of keys ended. Carries no secret.
struct KeyResult
{
    Q_GADGET

public:
    enum class Code {
        Saved, ///< the typed keys are in the key store
        Moved, ///< the secret is in the key store and out of the file; the old file is file.bak
        Busy, ///< another save or move is under way: nothing was done
        BadKeyId, ///< the typed access key ID is not one: nothing was done
        BadSecret, ///< the typed secret access key is not one: nothing was done
        SaveFailed, ///< the key store refused the typed keys
        NotMovable, ///< the secret can't be taken out of the file cleanly: nothing was done
        StoreFailed, ///< the key store refused the secret: the file is untouched
        VerifyFailed, ///< the key store did not give the secret back as written: file untouched
        FileFailed ///< the secret is in the key store, but the file could not be changed: in both
    };
    Q_ENUM(Code)

    Code code = Code::Saved;
    QString profile;
    QString file; ///< the file a move takes the secret out of
    QString keyId; ///< the redacted access key ID of a save
    QString detail; ///< what failed, for the user
};

/// What the keys window does, without the window: stores typed keys, and moves a secret from
/// ~/.imsa into the key store. One job at a time, and each keeps the profile and file it
/// started with, whatever the window shows meanwhile.
///
/// A move never loses the secret: it goes into the key store, is read back and compared, and
/// only then is its line taken out of the file, and only if the file still holds exactly the
/// bytes the secret was taken from. A failure at any step leaves it in the file.
class KeyManager final : public QObject
{
    Q_OBJECT

public:
    KeyManager(KeyStore &keyStore, CredentialBroker &broker, QObject *parent = nullptr);

    /// Starts storing keys typed for the base profile `profile`. A refusal (bad input, busy)
    /// comes back at once and starts nothing; otherwise finished() follows.
    Result<Done, KeyResult> saveKeys(const QString &profile, const QString &keyId,
                                     const QString &secret);

    /// Starts moving the secret of the base profile `profile` out of its ~/.imsa file into the
    /// key store. A refusal comes back at once and starts nothing; otherwise finished() follows.
    Result<Done, KeyResult> moveSecret(const Profile &profile);

    bool isBusy() const { return m_busy; }

    QString keyStoreDescription() const;

Q_SIGNALS:
    /// Before finished() when a job ends, so that a slot of finished() may start the next.
    void busyChanged(bool busy);
    void finished(const imsa::app::KeyResult &result);

private:
    void verifyMove(const SecretLineRemoval &removal, const QByteArray &stored);
    void completeMove(const SecretLineRemoval &removal);
    void finish(const KeyResult &result);
    void setBusy(bool busy);

    KeyStore &m_keyStore;
    CredentialBroker &m_broker;
    bool m_busy = false;
};

} // namespace imsa::app

Q_DECLARE_METATYPE(imsa::app::KeyResult)
