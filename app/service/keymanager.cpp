#include "keymanager.h"

#include <QRegularExpression>

#include "imsa/credentialbroker.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/profileloader.h"
#include "imsa/redact.h"
#include "imsa/sessioncodec.h"
#include "secretfile.h"

namespace imsa::app {

namespace {

bool looksLikeKeyId(const QString &text)
{
    static const QRegularExpression keyId(QStringLiteral("^[A-Z0-9]{16,128}$"));
    return keyId.match(text).hasMatch();
}

bool looksLikeSecret(const QString &text)
{
    static const QRegularExpression space(QStringLiteral("\\s"));
    return text.size() >= 16 && !text.contains(space);
}

KeyResult makeResult(KeyResult::Code code, const QString &profile, const QString &detail = {})
{
    KeyResult result;
    result.code = code;
    result.profile = profile;
    result.detail = detail;
    return result;
}

KeyResult moveResult(KeyResult::Code code, const SecretLineRemoval &removal,
                     const QString &detail = {})
{
    KeyResult result = makeResult(code, removal.profile, detail);
    result.file = removal.file;
    return result;
}

/// The keys of `profile` as written in the bytes the move takes the secret line out of, so
/// that the key store gets exactly the secret that leaves the file (the profile the window
/// shows may be older than the file).
Result<AwsCredentials, Failure> keysInFile(const SecretLineRemoval &removal)
{
    const ProfileSet set = parseImsaYaml(removal.before, removal.file);
    const Profile *profile = set.find(removal.profile);
    if (!profile)
        return Failure{QStringLiteral("profile '%1' is not valid in the file as it is now")
                               .arg(removal.profile)};
    if (profile->keyProfile != profile->name)
        return Failure{
                QStringLiteral("profile '%1' uses the keys of profile '%2'; move that one's secret")
                        .arg(profile->name, profile->keyProfile)};
    if (profile->secretLocation != SecretLocation::File || profile->secretAccessKey.isEmpty())
        return Failure{QStringLiteral("profile '%1' has no secret in the file").arg(profile->name)};
    AwsCredentials keys;
    keys.accessKeyId = profile->accessKeyId;
    keys.secretAccessKey = profile->secretAccessKey;
    return keys;
}

} // namespace

KeyManager::KeyManager(KeyStore &keyStore, CredentialBroker &broker, QObject *parent)
    : QObject(parent)
    , m_keyStore(keyStore)
    , m_broker(broker)
{ }

QString KeyManager::keyStoreDescription() const
{
    return m_keyStore.description();
}

Result<Done, KeyResult> KeyManager::saveKeys(const QString &profile, const QString &keyId,
                                             const QString &secret)
{
    if (m_busy)
        return makeResult(KeyResult::Code::Busy, profile);
    if (!looksLikeKeyId(keyId))
        return makeResult(KeyResult::Code::BadKeyId, profile);
    if (!looksLikeSecret(secret))
        return makeResult(KeyResult::Code::BadSecret, profile);
    AwsCredentials keys;
    keys.accessKeyId = keyId;
    keys.secretAccessKey = secret;
    setBusy(true);
    m_keyStore.write(profile, encodeBaseKeys(keys), this,
                     [this, profile, keyId](const KeyStore::WriteResult &written) {
                         KeyResult result = written ? makeResult(KeyResult::Code::Saved, profile)
                                                    : makeResult(KeyResult::Code::SaveFailed,
                                                                 profile, written.error().message);
                         result.keyId = redactKeyId(keyId);
                         if (written) {
                             qCInfo(lcKeyStore).noquote()
                                     << "stored keys" << result.keyId << "for" << profile;
                             // The broker caches keys it read and stops trying a profile whose keys
                             // were missing; the same profile list again makes it read the key
                             // store afresh.
                             m_broker.setProfiles(m_broker.profiles());
                         }
                         finish(result);
                     });
    return Done{};
}

Result<Done, KeyResult> KeyManager::moveSecret(const Profile &profile)
{
    KeyResult refusal = makeResult(KeyResult::Code::NotMovable, profile.name);
    refusal.file = profile.sourceFile;
    if (m_busy) {
        refusal.code = KeyResult::Code::Busy;
        return refusal;
    }
    if (profile.source != ProfileSource::ImsaFile) {
        refusal.detail = QStringLiteral("only a secret written in the imsa file can be moved");
        return refusal;
    }
    // Everything is checked before anything is stored: a secret copied to the key store but
    // left in the file would be one more copy, not a move.
    const auto removal = prepareSecretLineRemoval(profile.sourceFile, profile.name);
    if (!removal) {
        refusal.detail = removal.error().message;
        return refusal;
    }
    const auto keys = keysInFile(removal.value());
    if (!keys) {
        refusal.detail = keys.error().message;
        return refusal;
    }
    const QByteArray stored = encodeBaseKeys(keys.value());
    setBusy(true);
    m_keyStore.write(
            profile.name, stored, this,
            [this, removal = removal.value(), stored](const KeyStore::WriteResult &written) {
                if (!written) {
                    finish(moveResult(KeyResult::Code::StoreFailed, removal,
                                      written.error().message));
                    return;
                }
                verifyMove(removal, stored);
            });
    return Done{};
}

void KeyManager::verifyMove(const SecretLineRemoval &removal, const QByteArray &stored)
{
    // A keychain that accepted the write but gives back nothing or something else (a locked
    // collection, a full or broken store) would turn the move into a loss: only the secret's
    // return unchanged lets it leave the file.
    m_keyStore.read(
            removal.profile, this, [this, removal, stored](const KeyStore::ReadResult &read) {
                if (!read) {
                    finish(moveResult(KeyResult::Code::VerifyFailed, removal,
                                      read.error().message));
                    return;
                }
                if (!read.value() || *read.value() != stored) {
                    finish(moveResult(KeyResult::Code::VerifyFailed, removal,
                                      read.value() ? QStringLiteral("it read back different")
                                                   : QStringLiteral("it read back nothing")));
                    return;
                }
                completeMove(removal);
            });
}

void KeyManager::completeMove(const SecretLineRemoval &removal)
{
    const auto applied = applySecretLineRemoval(removal);
    if (!applied) {
        qCWarning(lcKeyStore).noquote() << "the secret of" << removal.profile
                                        << "is in the key store but still in" << removal.file;
        finish(moveResult(KeyResult::Code::FileFailed, removal, applied.error().message));
        return;
    }
    qCInfo(lcKeyStore).noquote() << "moved the secret of" << removal.profile << "to the key store";
    finish(moveResult(KeyResult::Code::Moved, removal));
}

void KeyManager::finish(const KeyResult &result)
{
    setBusy(false);
    Q_EMIT finished(result);
}

void KeyManager::setBusy(bool busy)
{
    if (m_busy == busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

} // namespace imsa::app
