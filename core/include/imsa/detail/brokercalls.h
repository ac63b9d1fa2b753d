#pragma once

#include <utility>

#include "imsa/credentialbroker.h"
#include "imsa/redact.h"
#include "imsa/sessioncodec.h"
#include "imsa/stsendpoint.h"

// CredentialBroker's STS and key store work: starting calls and taking in their answers.
// Included at the end of credentialbroker.h; a file of its own to keep each file to one job.
// Every answer checks a generation first: logout() and setProfiles() make late answers stale.
namespace imsa {

inline void CredentialBroker::startWithBaseKeys(const QString &name)
{
    Entry &entry = *findEntry(name);
    entry.inFlight = true;
    entry.retryAt = {};
    m_keys.resolve(entry.profile, this,
                   [this, name, generation = entry.generation](detail::BaseKeyResolver::Keys keys) {
                       Entry *current = findEntry(name, generation);
                       if (!current)
                           return;
                       if (!keys) {
                           current->inFlight = false;
                           callFailed(*current, keys.error(), {});
                       } else if (current->profile.hasRole()) {
                           startAssumeRole(name, keys.value(), false);
                       } else {
                           startSessionToken(name, keys.value());
                       }
                       evaluate();
                   });
}

inline void CredentialBroker::startAssumeRole(const QString &name, const AwsCredentials &signing,
                                              bool chained)
{
    Entry &entry = *findEntry(name);
    entry.inFlight = true;
    entry.retryAt = {};
    const Profile &profile = entry.profile;
    AssumeRoleParams params;
    params.credentials = signing;
    params.roleArn = profile.roleArn;
    params.roleSessionName = detail::roleSessionNameFor(profile);
    params.externalId = profile.externalId;
    params.durationSeconds = std::max(profile.roleDurationSeconds, minRequestSeconds);
    if (chained)
        params.durationSeconds = std::min(params.durationSeconds, chainedRoleMaxSeconds);
    params.endpoint = resolveStsEndpoint(profile, m_environment);
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": AssumeRole " << profile.roleArn << " for "
            << params.durationSeconds << " s, signed with "
            << (chained ? "MFA session key " : "base key ") << redactKeyId(signing.accessKeyId);
    const QString sessionKeyId = chained ? signing.accessKeyId : QString();
    m_sts.assumeRole(params, this,
                     [this, name, generation = entry.generation,
                      sessionKeyId](StsResult<AssumedRole> result) {
                         callAnswered(name, generation, sessionKeyId, std::move(result));
                     });
}

inline void CredentialBroker::startSessionToken(const QString &name, const AwsCredentials &baseKeys)
{
    Entry &entry = *findEntry(name);
    GetSessionTokenParams params;
    params.baseKeys = baseKeys;
    params.durationSeconds = std::max(entry.profile.mfaSessionDurationSeconds, minRequestSeconds);
    params.endpoint = resolveStsEndpoint(entry.profile, m_environment);
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": GetSessionToken without MFA for " << params.durationSeconds
            << " s, signed with base key " << redactKeyId(baseKeys.accessKeyId);
    m_sts.getSessionToken(
            params, this,
            [this, name, generation = entry.generation](StsResult<AwsCredentials> result) {
                callAnswered(name, generation, {},
                             result ? StsResult<AssumedRole>(AssumedRole{result.value(), {}})
                                    : StsResult<AssumedRole>(result.error()));
            });
}

/// `sessionKeyId` names the MFA session the call was signed with; empty for base keys.
inline void CredentialBroker::callAnswered(const QString &name, quint64 generation,
                                           const QString &sessionKeyId,
                                           StsResult<AssumedRole> result)
{
    Entry *entry = findEntry(name, generation);
    if (!entry)
        return;
    entry->inFlight = false;
    if (!result) {
        callFailed(*entry, result.error(), sessionKeyId);
        evaluate();
        return;
    }
    const QDateTime now = m_clock.now();
    entry->credentials = result->credentials;
    entry->assumedRoleArn = result->assumedRoleArn;
    entry->lastError.reset();
    entry->failures = 0;
    entry->retryAt = {};
    // Only an answer ends a requested renewal: after a transient failure the retry is still
    // one, even though the credentials in hand are far from due.
    entry->renewRequested = false;
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": credentials "
            << redactKeyId(result->credentials.accessKeyId) << " until "
            << result->credentials.expiration.toString(Qt::ISODate);
    // Credentials granted shorter than asked would be due again at once: do not hammer STS.
    if (detail::msecsLeft(result->credentials, now) <= qint64(refreshAtSeconds) * 1000) {
        entry->retryAt = now.addSecs(maxRetrySeconds);
        qCWarning(lcBroker).noquote().nospace()
                << "profile " << name << ": STS granted only "
                << now.secsTo(result->credentials.expiration) << " s; next refresh in "
                << maxRetrySeconds << " s";
    }
    post([this, name] {
        Q_EMIT credentialsChanged(name);
    });
    evaluate();
}

inline void CredentialBroker::callFailed(Entry &entry, const StsError &error,
                                         const QString &sessionKeyId)
{
    const QString name = entry.profile.name;
    entry.lastError = error;
    post([this, name, error] {
        Q_EMIT refreshFailed(name, error);
    });
    const QString what = QStringLiteral("profile ") + name + QStringLiteral(": ")
            + (error.awsCode.isEmpty() ? error.message
                                       : QString(error.awsCode + QLatin1Char(' ') + error.message));
    if (!sessionKeyId.isEmpty() && error.code == StsErrorCode::ExpiredToken) {
        qCWarning(lcBroker).noquote() << what << "(the MFA session is no longer accepted)";
        // The refresh still has to happen, with a session made from a new code.
        entry.renewRequested = true;
        const Identity *identity = findIdentity(entry.profile);
        if (identity && identity->session && identity->session->accessKeyId == sessionKeyId)
            dropSession(entry.profile.baseIdentity());
        return;
    }
    if (sessionKeyId.isEmpty()
        && (error.code == StsErrorCode::InvalidKeys
            || error.code == StsErrorCode::SignatureMismatch))
        m_keys.forget(entry.profile.keyProfile);
    if (error.isTransient()) {
        ++entry.failures;
        const qint64 delay = detail::retryDelayMsecs(entry.failures, firstRetrySeconds,
                                                     maxRetrySeconds, m_jitter());
        entry.retryAt = m_clock.now().addMSecs(delay);
        qCWarning(lcBroker).noquote().nospace()
                << what << "; retry " << entry.failures << " in " << delay / 1000.0 << " s";
        return;
    }
    entry.blocked = true;
    qCWarning(lcBroker).noquote().nospace()
            << what << "; not retried until renewed or reconfigured";
}

inline void CredentialBroker::needMfaSession(const QString &name)
{
    const Profile &profile = findEntry(name)->profile;
    const QString key = profile.baseIdentity();
    Identity &identity = identityOf(profile);
    // A restart should not cost a new code: look in the key store first.
    if (identity.stored == Identity::StoredSession::Unread) {
        readStoredSession(key);
        return;
    }
    if (identity.stored == Identity::StoredSession::Reading || identity.codeInFlight
        || identity.waiting.contains(name))
        return;
    identity.waiting.append(name);
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": needs an MFA code for " << profile.mfaSerial;
    post([this, name, serial = profile.mfaSerial] {
        Q_EMIT mfaRequired(name, serial);
    });
}

inline void CredentialBroker::readStoredSession(const QString &identity)
{
    Identity &entry = m_identities[identity];
    entry.stored = Identity::StoredSession::Reading;
    m_keyStore.read(detail::sessionAccount(identity), this,
                    [this, identity, generation = entry.generation](
                            Result<std::optional<QByteArray>, QString> stored) {
                        storedSessionRead(identity, generation, std::move(stored));
                    });
}

inline void CredentialBroker::storedSessionRead(const QString &identity, quint64 generation,
                                                Result<std::optional<QByteArray>, QString> stored)
{
    const auto it = m_identities.find(identity);
    if (it == m_identities.end() || it->generation != generation)
        return;
    it->stored = Identity::StoredSession::Read;
    if (!stored) {
        qCWarning(lcBroker).noquote().nospace() << "could not read the stored MFA session of "
                                                << identity << ": " << stored.error();
    } else if (stored.value()) {
        const auto session = decodeSessionCredentials(*stored.value());
        if (!session) {
            qCWarning(lcBroker).noquote().nospace()
                    << "stored MFA session of " << identity << " is unreadable (" << session.error()
                    << "); removed";
            removeStoredSession(identity);
        } else if (!isServable(session.value(), m_clock.now())) {
            qCInfo(lcBroker).noquote()
                    << "stored MFA session of" << identity << "is too close to expiry; removed";
            removeStoredSession(identity);
        } else if (!it->session) {
            qCInfo(lcBroker).noquote()
                    << "restored the MFA session of" << identity << "from the key store";
            sessionObtained(identity, session.value());
        }
    }
    evaluate();
}

inline void CredentialBroker::codeAnswered(const Profile &profile, quint64 generation,
                                           StsResult<AwsCredentials> result)
{
    const QString key = profile.baseIdentity();
    const auto it = m_identities.find(key);
    if (it == m_identities.end() || it->generation != generation)
        return;
    it->codeInFlight = false;
    if (!result) {
        const StsError error = result.error();
        qCWarning(lcBroker).noquote().nospace()
                << "profile " << profile.name << ": MFA code not accepted: " << error.awsCode << " "
                << error.message;
        for (const QString &name : std::as_const(it->waiting)) {
            if (Entry *entry = findEntry(name))
                entry->lastError = error;
        }
        if (error.code == StsErrorCode::InvalidKeys
            || error.code == StsErrorCode::SignatureMismatch)
            m_keys.forget(profile.keyProfile);
        post([this, name = profile.name, error] {
            Q_EMIT mfaCodeRejected(name, error);
        });
        evaluate();
        return;
    }
    m_keyStore.write(detail::sessionAccount(key), encodeSessionCredentials(result.value()), this,
                     [key](const QString &error) {
                         if (!error.isEmpty())
                             qCWarning(lcBroker).noquote().nospace()
                                     << "could not store the MFA session of " << key << ": "
                                     << error;
                     });
    sessionObtained(key, result.value());
    evaluate();
}

inline void CredentialBroker::sessionObtained(const QString &identity,
                                              const AwsCredentials &session)
{
    Identity &entry = m_identities[identity];
    entry.session = session;
    entry.stored = Identity::StoredSession::Read;
    qCInfo(lcBroker).noquote().nospace()
            << "MFA session of " << identity << ": " << redactKeyId(session.accessKeyId)
            << " until " << session.expiration.toString(Qt::ISODate);
    const QStringList waiting = std::exchange(entry.waiting, {});
    for (const QString &name : waiting)
        post([this, name] {
            Q_EMIT mfaSatisfied(name);
        });
    for (const QString &name : std::as_const(m_order)) {
        Entry &profile = *findEntry(name);
        if (profile.profile.needsMfa() && !profile.profile.hasRole()
            && profile.profile.baseIdentity() == identity)
            serveSession(profile, session);
    }
}

inline void CredentialBroker::serveSession(Entry &entry, const AwsCredentials &session)
{
    entry.credentials = session;
    entry.assumedRoleArn.clear();
    entry.lastError.reset();
    entry.failures = 0;
    entry.retryAt = {};
    entry.blocked = false;
    entry.renewRequested = false;
    post([this, name = entry.profile.name] {
        Q_EMIT credentialsChanged(name);
    });
}

inline void CredentialBroker::dropSession(const QString &identity)
{
    const auto it = m_identities.find(identity);
    if (it == m_identities.end())
        return;
    it->session.reset();
    removeStoredSession(identity);
    for (const QString &name : std::as_const(m_order)) {
        Entry &entry = *findEntry(name);
        if (entry.profile.needsMfa() && !entry.profile.hasRole()
            && entry.profile.baseIdentity() == identity)
            forgetCredentials(entry);
    }
}

inline void CredentialBroker::removeStoredSession(const QString &identity)
{
    m_keyStore.remove(detail::sessionAccount(identity), this, [identity](const QString &error) {
        if (!error.isEmpty())
            qCWarning(lcBroker).noquote().nospace()
                    << "could not remove the stored MFA session of " << identity << ": " << error;
    });
}

inline void CredentialBroker::forgetCredentials(Entry &entry)
{
    if (!entry.credentials)
        return;
    entry.credentials.reset();
    entry.assumedRoleArn.clear();
    post([this, name = entry.profile.name] {
        Q_EMIT credentialsChanged(name);
    });
}

} // namespace imsa
