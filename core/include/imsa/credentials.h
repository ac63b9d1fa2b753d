#pragma once

#include <limits>

#include <QDateTime>
#include <QString>

namespace imsa {

/// An AWS key pair, with a session token and expiry when temporary. Deliberately has no
/// QDebug streaming operator: nothing secret is ever printed by accident.
struct AwsCredentials
{
    QString accessKeyId;
    QString secretAccessKey;
    QString sessionToken; ///< empty for long-lived keys
    QDateTime expiration; ///< invalid for long-lived keys

    bool isTemporary() const { return expiration.isValid(); }

    bool isComplete() const { return !accessKeyId.isEmpty() && !secretAccessKey.isEmpty(); }

    /// Seconds until expiry; a large number for long-lived keys.
    qint64 secondsLeft(const QDateTime &now) const
    {
        return isTemporary() ? now.secsTo(expiration) : std::numeric_limits<qint32>::max();
    }

    friend bool operator==(const AwsCredentials &, const AwsCredentials &) = default;
};

} // namespace imsa
