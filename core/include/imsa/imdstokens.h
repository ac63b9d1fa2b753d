#pragma once

#include <array>
#include <cstring>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QCryptographicHash>
#include <QDateTime>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>
#include <QString>
#include <QtEndian>

// The two kinds of token the metadata server hands out. Both are a MAC under a key that lives
// as long as one app start, so nothing is stored: there is no table a flood of requests could
// fill or evict from, nothing to lock, and any number of threads can check tokens at once.
namespace imsa {

/// 32 bytes from the operating system's CSPRNG: the key of one app start's tokens.
inline QByteArray randomTokenKey()
{
    std::array<quint32, 8> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    QByteArray key(sizeof(words), Qt::Uninitialized);
    std::memcpy(key.data(), words.data(), sizeof(words));
    return key;
}

namespace detail {

/// Compares two secrets in time that depends only on their lengths, never on where they
/// first differ, so that a caller cannot find a secret byte by byte by timing refusals.
inline bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    const qsizetype length = qMax(a.size(), b.size());
    unsigned difference = a.size() == b.size() ? 0U : 1U;
    for (qsizetype i = 0; i < length; ++i) {
        const auto left = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto right = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        difference |= unsigned(left ^ right);
    }
    return difference == 0;
}

/// HMAC-SHA256 of `tag` NUL `message` under `key`. The tag keeps the MACs of one purpose
/// from ever being valid for another.
inline QByteArray taggedMac(const QByteArray &key, QByteArrayView tag, QByteArrayView message)
{
    // Qt 6.4 has no QByteArrayView overloads here (6.6 added them).
    QMessageAuthenticationCode mac(QCryptographicHash::Sha256, key);
    mac.addData(tag.data(), tag.size());
    mac.addData("", 1);
    mac.addData(message.data(), message.size());
    return mac.result();
}

inline QByteArray toBase64Url(const QByteArray &bytes)
{
    return bytes.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

inline bool isBase64UrlText(QByteArrayView text)
{
    for (const char c : text) {
        const bool valid = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_';
        if (!valid)
            return false;
    }
    return true;
}

} // namespace detail

/// IMDSv2 session tokens (`PUT /latest/api/token`): base64url of the expiry (seconds since
/// the epoch, 8 bytes big-endian) and a MAC of it. A token thus proves that this app start
/// issued it and says until when it is valid. As on EC2 it is bound to nothing else, so two
/// tokens issued in the same second with the same TTL are the same string.
class ImdsTokenSigner
{
public:
    static constexpr int maxTtlSeconds = 21600;
    /// HMAC-SHA256 truncated to 128 bits (RFC 2104 §5 allows down to half the output).
    static constexpr qsizetype macBytes = 16;
    static constexpr qsizetype tokenBytes = 8 + macBytes;
    static constexpr qsizetype tokenChars = tokenBytes / 3 * 4; ///< base64 of 24 bytes, no padding

    explicit ImdsTokenSigner(QByteArray key)
        : m_key(std::move(key))
    { }

    /// A token valid from `now` for `ttlSeconds`, clamped to 1..maxTtlSeconds. The expiry is
    /// rounded up to a whole second: a token never lives shorter than asked.
    QByteArray issue(int ttlSeconds, const QDateTime &now) const
    {
        return tokenExpiringAt(expiryFor(ttlSeconds, now));
    }

    /// Whether `token` was issued with this key and has not expired at `now`.
    bool isValid(QByteArrayView token, const QDateTime &now) const
    {
        const std::optional<qint64> expiry = verifiedExpiry(token);
        return expiry && isBefore(now, *expiry);
    }

    /// When a token issued at `now` for `ttlSeconds` (clamped) expires, in seconds since the
    /// epoch.
    static qint64 expiryFor(int ttlSeconds, const QDateTime &now)
    {
        const qint64 ttlMs = qint64(qBound(1, ttlSeconds, maxTtlSeconds)) * 1000;
        return -floorSeconds(-(now.toMSecsSinceEpoch() + ttlMs));
    }

    /// The token that expires at `expiry` (seconds since the epoch).
    QByteArray tokenExpiringAt(qint64 expiry) const
    {
        QByteArray token(8, Qt::Uninitialized);
        qToBigEndian(expiry, token.data());
        token += mac(token);
        return detail::toBase64Url(token);
    }

    /// The expiry (seconds since the epoch) of `token` if this key issued it, expired or not.
    std::optional<qint64> verifiedExpiry(QByteArrayView token) const
    {
        // The shape is checked first, so that junk and oversized headers cost no hashing.
        if (token.size() != tokenChars || !detail::isBase64UrlText(token))
            return std::nullopt;
        const QByteArray bytes =
                QByteArray::fromBase64(token.toByteArray(), QByteArray::Base64UrlEncoding);
        if (bytes.size() != tokenBytes)
            return std::nullopt;
        const QByteArrayView expiry = QByteArrayView(bytes).first(8);
        if (!detail::constantTimeEquals(QByteArrayView(bytes).sliced(8), mac(expiry)))
            return std::nullopt;
        return qFromBigEndian<qint64>(expiry.data());
    }

    /// Whether `now` is before `expiry` (seconds since the epoch).
    static bool isBefore(const QDateTime &now, qint64 expiry)
    {
        return floorSeconds(now.toMSecsSinceEpoch()) < expiry;
    }

private:
    static qint64 floorSeconds(qint64 ms) { return ms >= 0 ? ms / 1000 : -((999 - ms) / 1000); }

    QByteArray mac(QByteArrayView expiry) const
    {
        return detail::taggedMac(m_key, "imsa IMDSv2 token", expiry).first(macBytes);
    }

    QByteArray m_key;
};

/// An ImdsTokenSigner that remembers the last token it issued and the last one it verified.
/// An SDK presents the same token for its whole TTL (botocore asks for 6 h), and tokens issued
/// in the same second with the same TTL are the same string: most checks become a compare of
/// 32 characters and most issues a copy, instead of base64 and an HMAC each. Not thread-safe:
/// one per handler, and so per serving thread.
class ImdsTokenMemo
{
public:
    explicit ImdsTokenMemo(ImdsTokenSigner signer)
        : m_signer(std::move(signer))
    { }

    QByteArray issue(int ttlSeconds, const QDateTime &now)
    {
        const qint64 expiry = ImdsTokenSigner::expiryFor(ttlSeconds, now);
        if (expiry != m_issuedExpiry) {
            m_issued = m_signer.tokenExpiringAt(expiry);
            m_issuedExpiry = expiry;
        }
        return m_issued;
    }

    bool isValid(QByteArrayView token, const QDateTime &now)
    {
        // Constant time, like the MAC compare it stands in for.
        if (m_verified.isEmpty() || !detail::constantTimeEquals(token, m_verified)) {
            const std::optional<qint64> expiry = m_signer.verifiedExpiry(token);
            if (!expiry)
                return false;
            m_verified = token.toByteArray();
            m_verifiedExpiry = *expiry;
        }
        return ImdsTokenSigner::isBefore(now, m_verifiedExpiry);
    }

private:
    ImdsTokenSigner m_signer;
    QByteArray m_issued;
    qint64 m_issuedExpiry = -1;
    QByteArray m_verified;
    qint64 m_verifiedExpiry = -1;
};

/// The Authorization value of the container route for one profile: base64url of the MAC of
/// its name. The token `imsa env readonly` prints opens readonly's credentials and no others.
class ContainerTokenSigner
{
public:
    static constexpr qsizetype tokenChars = 43; ///< base64 of 32 bytes, no padding

    explicit ContainerTokenSigner(QByteArray key)
        : m_key(std::move(key))
    { }

    QByteArray tokenFor(const QString &profile) const
    {
        return detail::toBase64Url(detail::taggedMac(m_key, "imsa container", profile.toUtf8()));
    }

    /// Whether `token` was issued for `profile`. No token grants the empty name.
    bool grants(QByteArrayView token, const QString &profile) const
    {
        if (profile.isEmpty() || token.size() != tokenChars)
            return false;
        return detail::constantTimeEquals(token, tokenFor(profile));
    }

private:
    QByteArray m_key;
};

} // namespace imsa
