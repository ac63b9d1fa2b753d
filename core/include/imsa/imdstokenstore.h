#pragma once

#include <cstring>
#include <functional>
#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>
#include <QList>
#include <QRandomGenerator>
#include <QtGlobal>

namespace imsa {

/// IMDSv2 session tokens: opaque random strings handed out by `PUT /latest/api/token`, each
/// valid for the TTL the client asked for. Bound to nothing else, as on EC2.
class ImdsTokenStore
{
public:
    static constexpr int maxTtlSeconds = 21600;
    static constexpr qsizetype maxTokens = 4096; ///< oldest evicted beyond this
    static constexpr int tokenBytes = 32;

    /// Tokens from the operating system's CSPRNG.
    ImdsTokenStore()
        : ImdsTokenStore(systemRandomBytes)
    { }

    /// Tokens from `randomBytes`, which must return exactly the number of bytes asked for.
    explicit ImdsTokenStore(std::function<QByteArray(int bytes)> randomBytes)
        : m_randomBytes(std::move(randomBytes))
    { }

    /// A new token valid from `now` for `ttlSeconds` (clamped to 1..maxTtlSeconds):
    /// 32 random bytes, base64url without padding (43 characters).
    QByteArray issue(int ttlSeconds, const QDateTime &now)
    {
        prune(now);
        const QByteArray token =
                m_randomBytes(tokenBytes)
                        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
        const QDateTime expiry = now.addSecs(qBound(1, ttlSeconds, maxTtlSeconds));
        m_tokens.insert(digest(token), Entry{expiry, m_nextSerial++});
        if (!m_earliestExpiry.isValid() || expiry < m_earliestExpiry)
            m_earliestExpiry = expiry;
        if (m_tokens.size() > maxTokens)
            evictOldest();
        return token;
    }

    /// Whether `token` was issued here and has not expired at `now`. Also forgets expired tokens.
    bool isValid(QByteArrayView token, const QDateTime &now)
    {
        prune(now);
        // Tokens are looked up by their SHA-256, never compared as they are: the time a lookup
        // takes depends only on digests, which tell a caller guessing tokens nothing about the
        // stored ones (the same reasoning as comparing HMACs of secrets).
        const auto found = m_tokens.constFind(digest(token));
        return found != m_tokens.cend() && now < found->expiry;
    }

    qsizetype size() const { return m_tokens.size(); }

private:
    struct Entry
    {
        QDateTime expiry;
        quint64 serial = 0; ///< issue order, for eviction
    };

    static QByteArray systemRandomBytes(int bytes)
    {
        QByteArray buffer(bytes, Qt::Uninitialized);
        QList<quint32> words((bytes + 3) / 4);
        QRandomGenerator::system()->fillRange(words.data(), words.size());
        std::memcpy(buffer.data(), words.constData(), size_t(bytes));
        return buffer;
    }

    static QByteArray digest(QByteArrayView token)
    {
        return QCryptographicHash::hash(token, QCryptographicHash::Sha256);
    }

    void prune(const QDateTime &now)
    {
        if (!m_earliestExpiry.isValid() || now < m_earliestExpiry)
            return;
        m_tokens.removeIf([&now](const auto &entry) {
            return entry.value().expiry <= now;
        });
        m_earliestExpiry = {};
        for (const Entry &entry : std::as_const(m_tokens)) {
            if (!m_earliestExpiry.isValid() || entry.expiry < m_earliestExpiry)
                m_earliestExpiry = entry.expiry;
        }
    }

    // Linear, but only runs when the store is full: a client asking for a token per call
    // (awscli does, once per process) cannot make the store grow without bound.
    void evictOldest()
    {
        auto oldest = m_tokens.begin();
        for (auto it = m_tokens.begin(); it != m_tokens.end(); ++it) {
            if (it->serial < oldest->serial)
                oldest = it;
        }
        m_tokens.erase(oldest);
    }

    std::function<QByteArray(int bytes)> m_randomBytes;
    QHash<QByteArray, Entry> m_tokens; ///< keyed by SHA-256 of the token
    QDateTime m_earliestExpiry; ///< invalid when empty; nothing to prune before it
    quint64 m_nextSerial = 0;
};

} // namespace imsa
