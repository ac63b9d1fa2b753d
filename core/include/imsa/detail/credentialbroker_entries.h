#pragma once

#include <algorithm>
#include <optional>

#include <QDateTime>
#include <QRegularExpression>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/profile.h"
#include "imsa/stserror.h"

// What CredentialBroker remembers per profile, and the small rules it applies to it. Plain
// data and pure functions, so the state machine itself stays readable.
namespace imsa::detail {

/// The broker's memory of one profile.
struct BrokerProfile
{
    Profile profile;
    std::optional<AwsCredentials> credentials; ///< role credentials, or the session it serves
    QString assumedRoleArn;
    std::optional<StsError> lastError;
    bool inFlight = false; ///< a key store read or STS call for its credentials is running
    bool blocked = false; ///< failed in a way retrying cannot fix: waits for a human
    bool renewRequested = false;
    int failures = 0; ///< transient failures in a row, for the backoff
    QDateTime retryAt; ///< invalid when no retry is planned
    quint64 generation = 0; ///< changes whenever the state is dropped: late answers are ignored
};

inline qint64 msecsLeft(const AwsCredentials &credentials, const QDateTime &now)
{
    return now.msecsTo(credentials.expiration);
}

/// Settings whose change makes a profile's cached credentials belong to something else.
inline bool credentialSettingsDiffer(const Profile &a, const Profile &b)
{
    return a.keyProfile != b.keyProfile || a.accessKeyId != b.accessKeyId
            || a.secretAccessKey != b.secretAccessKey || a.secretLocation != b.secretLocation
            || a.mfaSerial != b.mfaSerial || a.roleArn != b.roleArn
            || a.roleSessionName != b.roleSessionName || a.externalId != b.externalId
            || a.sso != b.sso;
}

/// The profile's RoleSessionName, else "imsa-<profile>" reduced to what STS accepts
/// ([\w+=,.@-], at most 64 characters) so that CloudTrail shows which profile acted.
inline QString roleSessionNameFor(const Profile &profile)
{
    if (!profile.roleSessionName.isEmpty())
        return profile.roleSessionName;
    static const QRegularExpression notAllowed(QStringLiteral("[^A-Za-z0-9_+=,.@-]"));
    QString name = QStringLiteral("imsa-") + profile.name;
    name.replace(notAllowed, QStringLiteral("-"));
    return name.left(64);
}

/// Delay before retry number `failures` (1-based): doubling from `firstSeconds`, capped at
/// `maxSeconds`, then shortened by up to half with `jitter` in [0, 1] so that many brokers hit
/// by one STS outage do not retry in lockstep.
inline qint64 retryDelayMsecs(int failures, int firstSeconds, int maxSeconds, double jitter)
{
    qint64 seconds = firstSeconds;
    for (int attempt = 1; attempt < failures && seconds < maxSeconds; ++attempt)
        seconds *= 2;
    seconds = std::min<qint64>(seconds, maxSeconds);
    const double factor = 1.0 - std::clamp(jitter, 0.0, 1.0) / 2.0;
    return static_cast<qint64>(static_cast<double>(seconds) * 1000.0 * factor);
}

} // namespace imsa::detail
