#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QString>
#include <QStringList>

#include "imsa/credentials.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/profile.h"
#include "imsa/result.h"
#include "imsa/sessioncodec.h"

namespace imsa::detail {

/// Key store account holding a base identity's MFA session.
inline QString sessionAccount(const QString &baseIdentity)
{
    return QStringLiteral("session:") + baseIdentity;
}

/// Which base keys an identity's session was made with: a different key (another IAM user,
/// possibly) must not inherit the old session. The key id alone names the key: moving its
/// secret from the file into the key store keeps the session.
inline QString keyFingerprint(const Profile &profile)
{
    return profile.accessKeyId;
}

/// CredentialBroker's MFA sessions: one per base identity (Profile::baseIdentity()), kept in
/// memory and in the key store under sessionAccount(), so that a restart costs no new code.
/// An identity forgotten and made again gets a new generation: key store answers meant for the
/// old one are dropped. Key store callbacks run in the thread of `context`, never after it is
/// destroyed.
class MfaSessionStore
{
public:
    /// One base identity (base keys + MFA device), its session and who waits for one.
    struct Identity
    {
        enum class StoredSession {
            Unread, ///< the key store has not been asked yet
            Reading,
            Read ///< asked, or no longer worth asking (a newer session exists or was dropped)
        };

        QString keyFingerprint; ///< tells new base keys under the same profile name apart
        std::optional<AwsCredentials> session;
        StoredSession stored = StoredSession::Unread;
        bool codeInFlight = false; ///< a GetSessionToken carrying a code is running
        QStringList waiting; ///< profiles told mfaRequired and not satisfied yet
        quint64 generation = 0; ///< unique per identity made: late answers are ignored
    };

    /// The stored session, decoded; nullopt when there is none, the read failed or the entry
    /// was unreadable (and is being removed).
    using Restored = std::function<void(std::optional<AwsCredentials> stored)>;

    MfaSessionStore(KeyStore &keyStore, QObject *context)
        : m_keyStore(keyStore)
        , m_context(context)
    { }

    /// nullptr for a profile without MFA device or whose identity has not been made.
    Identity *find(const Profile &profile)
    {
        if (!profile.needsMfa())
            return nullptr;
        const auto it = m_identities.find(profile.baseIdentity());
        return it == m_identities.end() ? nullptr : &*it;
    }

    const Identity *find(const Profile &profile) const
    {
        return profile.needsMfa() ? find(profile.baseIdentity()) : nullptr;
    }

    const Identity *find(const QString &identity) const
    {
        const auto it = m_identities.constFind(identity);
        return it == m_identities.cend() ? nullptr : &*it;
    }

    /// nullptr when the identity was forgotten (or made again) since `generation` was taken.
    Identity *find(const QString &identity, quint64 generation)
    {
        const auto it = m_identities.find(identity);
        return it == m_identities.end() || it->generation != generation ? nullptr : &*it;
    }

    /// The profile's identity, made on first use without a session and with the key store
    /// not read yet.
    Identity &identityOf(const Profile &profile)
    {
        auto it = m_identities.find(profile.baseIdentity());
        if (it == m_identities.end()) {
            Identity identity;
            identity.keyFingerprint = keyFingerprint(profile);
            identity.generation = ++m_lastGeneration;
            it = m_identities.emplace(profile.baseIdentity(), std::move(identity));
        }
        return *it;
    }

    const QHash<QString, Identity> &identities() const { return m_identities; }

    /// Keeps the identities `profiles` use with the same base keys. Those with other keys are
    /// forgotten with their stored session, unused ones only in memory (the session may serve
    /// again when the profile comes back). Profiles no longer there stop waiting.
    void reconcile(const QList<Profile> &profiles);

    /// Forgets every identity, and removes the stored sessions of those and of `profiles`.
    void forgetAll(const QList<Profile> &profiles);

    /// Asks the key store for the stored session of the profile's identity; `restored` runs
    /// with the answer unless the identity has been forgotten meanwhile, and with nothing when
    /// the identity got a session while the store was read.
    void readStored(const Profile &profile, Restored restored);

    /// The identity's session from now on; the key store need not be read any more. Returns
    /// the profiles that were waiting for it.
    QStringList setSession(const QString &identity, const AwsCredentials &session)
    {
        Identity &entry = m_identities[identity];
        entry.session = session;
        entry.stored = Identity::StoredSession::Read;
        return std::exchange(entry.waiting, {});
    }

    /// Keeps the session in the key store for the next start; a failure is only logged.
    void save(const QString &identity, const AwsCredentials &session);

    /// Ends the identity's session, in memory and in the key store. False for an unknown
    /// identity.
    bool dropSession(const QString &identity)
    {
        const auto it = m_identities.find(identity);
        if (it == m_identities.end())
            return false;
        it->session.reset();
        removeStored(identity);
        return true;
    }

    void removeStored(const QString &identity);

private:
    std::optional<AwsCredentials> decode(const QString &identity,
                                         const KeyStore::ReadResult &stored);

    KeyStore &m_keyStore;
    QObject *m_context;
    QHash<QString, Identity> m_identities; ///< by Profile::baseIdentity()
    quint64 m_lastGeneration = 0;
};

inline void MfaSessionStore::reconcile(const QList<Profile> &profiles)
{
    QSet<QString> used;
    QSet<QString> names;
    for (const Profile &profile : profiles) {
        names.insert(profile.name);
        if (!profile.needsMfa())
            continue;
        const QString key = profile.baseIdentity();
        used.insert(key);
        const auto it = m_identities.find(key);
        if (it == m_identities.end() || it->keyFingerprint == keyFingerprint(profile))
            continue;
        qCInfo(lcBroker).noquote() << "base keys of" << key << "changed: dropping its MFA session";
        removeStored(key);
        m_identities.erase(it);
    }
    for (auto it = m_identities.begin(); it != m_identities.end();)
        it = used.contains(it.key()) ? std::next(it) : m_identities.erase(it);
    for (Identity &identity : m_identities) {
        identity.waiting.removeIf([&names](const QString &name) {
            return !names.contains(name);
        });
    }
}

inline void MfaSessionStore::forgetAll(const QList<Profile> &profiles)
{
    QSet<QString> identities(m_identities.keyBegin(), m_identities.keyEnd());
    for (const Profile &profile : profiles) {
        if (profile.needsMfa())
            identities.insert(profile.baseIdentity());
    }
    for (const QString &identity : std::as_const(identities))
        removeStored(identity);
    m_identities.clear();
}

inline void MfaSessionStore::readStored(const Profile &profile, Restored restored)
{
    const QString key = profile.baseIdentity();
    Identity &identity = identityOf(profile);
    identity.stored = Identity::StoredSession::Reading;
    m_keyStore.read(sessionAccount(key), m_context,
                    [this, key, generation = identity.generation,
                     restored = std::move(restored)](const KeyStore::ReadResult &stored) {
                        Identity *current = find(key, generation);
                        if (!current)
                            return;
                        current->stored = Identity::StoredSession::Read;
                        // A session obtained with a code meanwhile has been saved over the
                        // entry read: the answer is stale, and removing an unreadable or
                        // expired entry now would remove the new session.
                        if (current->session) {
                            restored(std::nullopt);
                            return;
                        }
                        restored(decode(key, stored));
                    });
}

inline std::optional<AwsCredentials> MfaSessionStore::decode(const QString &identity,
                                                             const KeyStore::ReadResult &stored)
{
    if (!stored) {
        qCWarning(lcBroker).noquote().nospace() << "could not read the stored MFA session of "
                                                << identity << ": " << stored.error().message;
        return std::nullopt;
    }
    if (!stored.value())
        return std::nullopt;
    const auto session = decodeSessionCredentials(*stored.value());
    if (!session) {
        qCWarning(lcBroker).noquote().nospace()
                << "stored MFA session of " << identity << " is unreadable (" << session.error()
                << "); removed";
        removeStored(identity);
        return std::nullopt;
    }
    return session.value();
}

inline void MfaSessionStore::save(const QString &identity, const AwsCredentials &session)
{
    m_keyStore.write(sessionAccount(identity), encodeSessionCredentials(session), m_context,
                     [identity](const KeyStore::WriteResult &written) {
                         if (!written)
                             qCWarning(lcBroker).noquote().nospace()
                                     << "could not store the MFA session of " << identity << ": "
                                     << written.error().message;
                     });
}

inline void MfaSessionStore::removeStored(const QString &identity)
{
    m_keyStore.remove(sessionAccount(identity), m_context,
                      [identity](const KeyStore::WriteResult &removed) {
                          if (!removed)
                              qCWarning(lcBroker).noquote().nospace()
                                      << "could not remove the stored MFA session of " << identity
                                      << ": " << removed.error().message;
                      });
}

} // namespace imsa::detail
