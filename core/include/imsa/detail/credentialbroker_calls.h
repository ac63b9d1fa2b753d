#pragma once

#include <utility>

#include "imsa/credentialbroker.h"
#include "imsa/redact.h"
#include "imsa/stsendpoint.h"

// CredentialBroker's STS and key store work: starting calls and taking in their answers.
// Included at the end of credentialbroker.h; a file of its own to keep each file to one job.
// Every answer checks a generation first: logout() and setProfiles() make late answers stale.
namespace imsa {

inline void CredentialBroker::startWithBaseKeys(const QString &name)
{
    Entry &entry = *findEntry(name);
    if (entry.profile.usesSso()) {
        startWithSsoCredentials(name);
        return;
    }
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
            << (!chained                    ? "base key "
                        : profile.usesSso() ? "IAM Identity Center key "
                                            : "MFA session key ")
            << redactKeyId(signing.accessKeyId);
    const QString sessionKeyId = chained ? signing.accessKeyId : QString();
    m_sts.assumeRole(params, this,
                     [this, name, generation = entry.generation,
                      sessionKeyId](const StsResult<AssumedRole> &result) {
                         callAnswered(name, generation, sessionKeyId, result);
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
                                           const StsResult<AssumedRole> &result)
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
    m_outbox.post([this, name] {
        Q_EMIT credentialsChanged(name);
    });
    evaluate();
}

inline void CredentialBroker::callFailed(Entry &entry, const StsError &error,
                                         const QString &sessionKeyId)
{
    const QString name = entry.profile.name;
    entry.lastError = error;
    m_outbox.post([this, name, error] {
        Q_EMIT refreshFailed(name, error);
    });
    const QString what = QStringLiteral("profile ") + name + QStringLiteral(": ")
            + (error.awsCode.isEmpty() ? error.message
                                       : QString(error.awsCode + QLatin1Char(' ') + error.message));
    if (!sessionKeyId.isEmpty() && error.code == StsErrorCode::ExpiredToken) {
        qCWarning(lcBroker).noquote() << what << "(the MFA session is no longer accepted)";
        // The refresh still has to happen, with a session made from a new code.
        entry.renewRequested = true;
        const Identity *identity = m_sessions.find(entry.profile);
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
    Identity &identity = m_sessions.identityOf(profile);
    // A restart should not cost a new code: look in the key store first.
    if (identity.stored == Identity::StoredSession::Unread) {
        m_sessions.readStored(profile, [this, key](const std::optional<AwsCredentials> &stored) {
            storedSessionRead(key, stored);
        });
        return;
    }
    if (identity.stored == Identity::StoredSession::Reading || identity.codeInFlight
        || identity.waiting.contains(name))
        return;
    identity.waiting.append(name);
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": needs an MFA code for " << profile.mfaSerial;
    m_outbox.post([this, name, serial = profile.mfaSerial] {
        Q_EMIT mfaRequired(name, serial);
    });
}

/// `stored` is the identity's session in the key store, if any and readable. The store answers
/// only while the identity exists.
inline void CredentialBroker::storedSessionRead(const QString &identity,
                                                const std::optional<AwsCredentials> &stored)
{
    if (stored && !isServable(*stored, m_clock.now())) {
        qCInfo(lcBroker).noquote()
                << "stored MFA session of" << identity << "is too close to expiry; removed";
        m_sessions.removeStored(identity);
    } else if (stored) {
        qCInfo(lcBroker).noquote()
                << "restored the MFA session of" << identity << "from the key store";
        sessionObtained(identity, *stored);
    }
    evaluate();
}

inline void CredentialBroker::codeAnswered(const Profile &profile, quint64 generation,
                                           StsResult<AwsCredentials> result)
{
    const QString key = profile.baseIdentity();
    Identity *identity = m_sessions.find(key, generation);
    if (!identity)
        return;
    identity->codeInFlight = false;
    if (!result) {
        const StsError &error = result.error();
        qCWarning(lcBroker).noquote().nospace()
                << "profile " << profile.name << ": MFA code not accepted: " << error.awsCode << " "
                << error.message;
        for (const QString &name : std::as_const(identity->waiting)) {
            if (Entry *entry = findEntry(name))
                entry->lastError = error;
        }
        if (error.code == StsErrorCode::InvalidKeys
            || error.code == StsErrorCode::SignatureMismatch)
            m_keys.forget(profile.keyProfile);
        m_outbox.post([this, name = profile.name, error] {
            Q_EMIT mfaCodeRejected(name, error);
        });
        evaluate();
        return;
    }
    m_sessions.save(key, result.value());
    sessionObtained(key, result.value());
    evaluate();
}

inline void CredentialBroker::sessionObtained(const QString &identity,
                                              const AwsCredentials &session)
{
    const QStringList waiting = m_sessions.setSession(identity, session);
    qCInfo(lcBroker).noquote().nospace()
            << "MFA session of " << identity << ": " << redactKeyId(session.accessKeyId)
            << " until " << session.expiration.toString(Qt::ISODate);
    for (const QString &name : waiting)
        m_outbox.post([this, name] {
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
    m_outbox.post([this, name = entry.profile.name] {
        Q_EMIT credentialsChanged(name);
    });
}

inline void CredentialBroker::dropSession(const QString &identity)
{
    if (!m_sessions.dropSession(identity))
        return;
    for (const QString &name : std::as_const(m_order)) {
        Entry &entry = *findEntry(name);
        if (entry.profile.needsMfa() && !entry.profile.hasRole()
            && entry.profile.baseIdentity() == identity)
            forgetCredentials(entry);
    }
}

inline void CredentialBroker::forgetCredentials(Entry &entry)
{
    if (!entry.credentials)
        return;
    entry.credentials.reset();
    entry.assumedRoleArn.clear();
    m_outbox.post([this, name = entry.profile.name] {
        Q_EMIT credentialsChanged(name);
    });
}

} // namespace imsa
