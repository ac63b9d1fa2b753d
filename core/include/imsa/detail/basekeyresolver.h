#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QObject>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/keystore.h"
#include "imsa/profile.h"
#include "imsa/result.h"
#include "imsa/sessioncodec.h"
#include "imsa/stserror.h"

namespace imsa::detail {

/// A profile's long-lived keys: from its file, or from the key store account named after its
/// keyProfile. Key store reads are cached and shared by every profile waiting for the same
/// account, so three role profiles on one base cost one read.
class BaseKeyResolver
{
public:
    using Keys = Result<AwsCredentials, StsError>;
    using Done = std::function<void(Keys)>;

    explicit BaseKeyResolver(KeyStore &keyStore)
        : m_keyStore(keyStore)
    { }

    /// Calls `done` at once when the keys are in the file or already read, else when the key
    /// store has answered (never, if `context` is destroyed first).
    void resolve(const Profile &profile, QObject *context, Done done)
    {
        if (profile.secretLocation == SecretLocation::File) {
            AwsCredentials keys;
            keys.accessKeyId = profile.accessKeyId;
            keys.secretAccessKey = profile.secretAccessKey;
            done(complete(profile, std::move(keys)));
            return;
        }
        if (const auto cached = m_cache.constFind(profile.keyProfile); cached != m_cache.cend()) {
            done(complete(profile, *cached));
            return;
        }
        QList<Waiter> &waiters = m_waiters[profile.keyProfile];
        waiters.append(Waiter{profile, std::move(done)});
        if (waiters.size() > 1)
            return;
        m_keyStore.read(profile.keyProfile, context,
                        [this, account = profile.keyProfile](KeyStore::ReadResult entry) {
                            finish(account, std::move(entry));
                        });
    }

    /// Read the account again next time (its keys were rejected, or may have been replaced).
    void forget(const QString &keyProfile) { m_cache.remove(keyProfile); }

    void clear() { m_cache.clear(); }

private:
    struct Waiter
    {
        Profile profile;
        Done done;
    };

    void finish(const QString &account, KeyStore::ReadResult entry)
    {
        std::optional<StsError> error;
        if (!entry) {
            error = StsError{StsErrorCode::Other,
                             {},
                             QStringLiteral("could not read the secret key of profile '") + account
                                     + QStringLiteral("' from the key store (")
                                     + m_keyStore.description() + QStringLiteral("): ")
                                     + entry.error().message};
        } else if (!entry.value()) {
            error = StsError{StsErrorCode::InvalidKeys,
                             {},
                             QStringLiteral("no secret key for profile '") + account
                                     + QStringLiteral("' in the key store (")
                                     + m_keyStore.description() + QStringLiteral("); ")
                                     + addKeyHint(account)};
        } else if (auto decoded = decodeBaseKeys(*entry.value()); !decoded) {
            error = StsError{StsErrorCode::InvalidKeys,
                             {},
                             QStringLiteral("the key store entry of profile '") + account
                                     + QStringLiteral("' is unusable: ") + decoded.error()
                                     + QStringLiteral("; ") + addKeyHint(account)};
        } else {
            m_cache.insert(account, std::move(decoded).value());
        }
        // Taken out before calling anyone: a callback may resolve again.
        const QList<Waiter> waiters = m_waiters.take(account);
        for (const Waiter &waiter : waiters)
            waiter.done(error ? Keys(*error) : complete(waiter.profile, m_cache.value(account)));
    }

    static QString addKeyHint(const QString &keyProfile)
    {
        return QStringLiteral("store it for profile '") + keyProfile
                + QStringLiteral("' in the tray's \"Profiles and keys\" window, or put "
                                 "aws_secret_access_key in the profile's file");
    }

    /// The key id stored with the secret wins over the one in the profile's file.
    static Keys complete(const Profile &profile, AwsCredentials keys)
    {
        if (keys.accessKeyId.isEmpty())
            keys.accessKeyId = profile.accessKeyId;
        if (keys.accessKeyId.isEmpty() || keys.secretAccessKey.isEmpty()) {
            return StsError{StsErrorCode::InvalidKeys,
                            {},
                            QStringLiteral("profile '") + profile.name
                                    + QStringLiteral("' has no complete access key (key id and "
                                                     "secret key) for profile '")
                                    + profile.keyProfile + QLatin1Char('\'')};
        }
        return keys;
    }

    KeyStore &m_keyStore;
    QHash<QString, AwsCredentials> m_cache;
    QHash<QString, QList<Waiter>> m_waiters;
};

} // namespace imsa::detail
