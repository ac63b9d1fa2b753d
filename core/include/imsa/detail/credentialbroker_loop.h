#pragma once

#include <algorithm>
#include <utility>

#include "imsa/credentialbroker.h"

// CredentialBroker's loop: look at every wanted profile, act on what is due, arm the one timer,
// then announce. Included at the end of credentialbroker.h; a file of its own to keep each file
// to one job. Signals are posted to the outbox while state changes and emitted by its flush()
// afterwards, so that slots always see a consistent broker and may call back into it.
namespace imsa {

inline CredentialBroker::Entry *CredentialBroker::findEntry(const QString &name)
{
    const auto it = m_entries.find(name);
    return it == m_entries.end() ? nullptr : &*it;
}

inline CredentialBroker::Entry *CredentialBroker::findEntry(const QString &name, quint64 generation)
{
    Entry *entry = findEntry(name);
    return entry && entry->generation == generation ? entry : nullptr;
}

inline bool CredentialBroker::isWanted(const QString &name) const
{
    return name == m_active || m_requested.contains(name);
}

inline void CredentialBroker::markWanted(const QString &name)
{
    if (!isWanted(name))
        m_requested.insert(name);
}

inline bool CredentialBroker::isServable(const AwsCredentials &credentials, const QDateTime &now)
{
    return detail::msecsLeft(credentials, now) >= qint64(minServeSeconds) * 1000;
}

inline void CredentialBroker::evaluate()
{
    // Key reads answered from the cache run their continuation inside advance(): loop instead
    // of recursing.
    if (m_evaluating) {
        m_evaluateAgain = true;
        return;
    }
    m_evaluating = true;
    QDateTime now;
    do {
        m_evaluateAgain = false;
        now = m_clock.now();
        dropExpired(now);
        for (const QString &name : std::as_const(m_order)) {
            if (isWanted(name))
                advance(name, now);
        }
    } while (m_evaluateAgain);
    schedule(now);
    m_evaluating = false;
    m_outbox.flush();
}

inline void CredentialBroker::dropExpired(const QDateTime &now)
{
    for (const QString &name : std::as_const(m_order)) {
        Entry &entry = *findEntry(name);
        if (entry.credentials && !isServable(*entry.credentials, now)) {
            qCInfo(lcBroker).noquote().nospace()
                    << "profile " << name << ": credentials too close to expiry, no longer served";
            forgetCredentials(entry);
        }
    }
    QStringList ended;
    const QHash<QString, Identity> &identities = m_sessions.identities();
    for (auto it = identities.cbegin(); it != identities.cend(); ++it) {
        if (it->session && !isServable(*it->session, now))
            ended.append(it.key());
    }
    for (const QString &identity : std::as_const(ended)) {
        qCInfo(lcBroker).noquote() << "MFA session of" << identity << "has ended";
        dropSession(identity);
    }
}

inline void CredentialBroker::advance(const QString &name, const QDateTime &now)
{
    Entry &entry = *findEntry(name);
    const Identity *waitingOn = m_sessions.find(entry.profile);
    if (entry.inFlight || entry.blocked || (waitingOn && waitingOn->waiting.contains(name)))
        return;
    if (entry.retryAt.isValid() && now < entry.retryAt)
        return;
    const qint64 refreshAtMsecs = qint64(refreshAtSeconds) * 1000;
    if (entry.credentials && detail::msecsLeft(*entry.credentials, now) > refreshAtMsecs
        && !entry.renewRequested)
        return;

    const Profile &profile = entry.profile;
    if (!profile.needsMfa()) {
        startWithBaseKeys(name);
        return;
    }
    const Identity &identity = m_sessions.identityOf(profile);
    const bool usable = identity.session && isServable(*identity.session, now);
    if (profile.hasRole()) {
        if (usable)
            startAssumeRole(name, *identity.session, true);
        else
            needMfaSession(name);
        return;
    }
    // A base profile with MFA serves its session: only a new code makes a fresher one.
    if (usable && !entry.credentials)
        serveSession(entry, *identity.session);
    if (!usable || detail::msecsLeft(*identity.session, now) <= refreshAtMsecs
        || entry.renewRequested)
        needMfaSession(name);
}

inline void CredentialBroker::schedule(const QDateTime &now)
{
    QDateTime due;
    const auto consider = [&](const QDateTime &time) {
        if (time > now && (!due.isValid() || time < due))
            due = time;
    };
    const auto unservableAt = [](const AwsCredentials &credentials) {
        return credentials.expiration.addSecs(-minServeSeconds).addMSecs(1);
    };
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.credentials)
            consider(unservableAt(*entry.credentials));
        if (!isWanted(entry.profile.name) || entry.inFlight || entry.blocked)
            continue;
        if (entry.retryAt.isValid())
            consider(entry.retryAt);
        else if (entry.credentials)
            consider(entry.credentials->expiration.addSecs(-refreshAtSeconds));
    }
    for (const Identity &identity : m_sessions.identities()) {
        if (identity.session)
            consider(unservableAt(*identity.session));
    }
    m_wakeUp = due;
    if (!due.isValid()) {
        m_timer.stop();
        return;
    }
    m_timer.start(static_cast<int>(std::min<qint64>(now.msecsTo(due), maxTimerMsecs)));
}

inline void CredentialBroker::setActive(const QString &name)
{
    if (m_active == name)
        return;
    m_active = name;
    m_outbox.post([this, name] {
        Q_EMIT activeProfileChanged(name);
    });
}

} // namespace imsa
