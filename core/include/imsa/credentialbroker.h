#pragma once

#include <algorithm>
#include <functional>
#include <optional>
#include <utility>

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSet>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/credentials.h"
#include "imsa/detail/basekeyresolver.h"
#include "imsa/detail/credentialbroker_entries.h"
#include "imsa/detail/mfasessionstore.h"
#include "imsa/detail/signaloutbox.h"
#include "imsa/keystore.h"
#include "imsa/logging.h"
#include "imsa/profile.h"
#include "imsa/profilestatus.h"
#include "imsa/redact.h"
#include "imsa/ssocredentialsource.h"
#include "imsa/stsapi.h"
#include "imsa/stsendpoint.h"
#include "imsa/stserror.h"

namespace imsa {

/// Decides when to call STS for which profile and keeps the results: one MFA session per base
/// identity (GetSessionToken), shared by every role profile on it (AssumeRole, role chaining),
/// refreshed ahead of expiry for the profiles that are wanted (the active one and those passed
/// to request()). Answers credentials() from memory only, so an IMDS request never waits for
/// STS or a human. Time comes from the injected Clock alone.
class CredentialBroker : public QObject
{
    Q_OBJECT

public:
    static constexpr int minServeSeconds =
            15 * 60; // never hand out less (botocore refetches below)
    static constexpr int refreshAtSeconds = 20 * 60; // start refreshing here
    /// AWS caps role chaining (AssumeRole with session credentials) at one hour.
    static constexpr int chainedRoleMaxSeconds = 60 * 60;
    /// Shortest duration requested: shorter credentials would be due for refresh on arrival.
    static constexpr int minRequestSeconds = 30 * 60;
    static constexpr int firstRetrySeconds = 5;
    static constexpr int maxRetrySeconds = 2 * 60;
    /// Longest single timer interval. QTimer runs on the monotonic clock, which stops while
    /// the machine sleeps; waking up at least this often bounds how late a refresh can be.
    static constexpr int maxTimerMsecs = 60 * 1000;

    CredentialBroker(StsApi &sts, KeyStore &keyStore, Clock &clock, QObject *parent = nullptr);

    /// Environment for resolveStsEndpoint (AWS_ENDPOINT_URL_STS, ...); the process's by default.
    void setEnvironment(const QProcessEnvironment &environment);
    /// Where IAM Identity Center profiles get credentials (none: they fail); must outlive this.
    void setSsoSource(SsoCredentialSource *source);
    /// Keeps the MFA sessions of unchanged base identities and the credentials of profiles whose
    /// keys, MFA device and role are unchanged; a removed active profile becomes inactive.
    void setProfiles(const QList<Profile> &profiles);
    QList<Profile> profiles() const;
    /// False for an unknown profile. Marks the profile wanted and starts obtaining credentials.
    bool setActiveProfile(const QString &name);
    void clearActiveProfile();
    QString activeProfile() const;
    /// Never blocks, never starts I/O: credentials with >= minServeSeconds left, else nullopt.
    std::optional<AwsCredentials> credentials(const QString &profile) const;
    /// Marks the profile wanted (kept fresh from now on) and obtains credentials; may emit
    /// mfaRequired, never waits for it.
    void request(const QString &profile);
    /// Starts a session for the profile's base identity with this code. Also marks the profile
    /// wanted. The code is used once: a failure is reported, never retried.
    void submitMfaCode(const QString &profile, const QString &code);
    /// Stops waiting for a code for this profile; it is no longer wanted (nor active).
    void cancelMfa(const QString &profile);
    /// "Renew now": new role credentials regardless of time left (a new session, so a new code,
    /// for a profile that serves its MFA session itself).
    void renew(const QString &profile);
    /// Forgets MFA sessions and all credentials, in memory and in the key store, and the
    /// active and requested profiles: nothing is served or refreshed until asked again.
    void logout();
    /// A sign-in for the IAM Identity Center session with this token cache key (see
    /// SsoSettings::tokenCacheKey) has happened: its profiles that were waiting for one, or
    /// failed for want of one, try again now.
    void ssoSignedIn(const QString &tokenCacheKey);
    ProfileStatus status(const QString &profile) const;

    /// Retry delays are shortened by jitter() / 2 of themselves, jitter() in [0, 1]; random by
    /// default, fixed in tests.
    void setRetryJitter(std::function<double()> jitter);
    /// When the broker next looks at the clock by itself; invalid when nothing is due.
    QDateTime nextWakeUp() const;

Q_SIGNALS:
    void mfaRequired(const QString &profile, const QString &mfaSerial);
    void mfaCodeRejected(const QString &profile,
                         const imsa::StsError &error); // wrong code: ask again
    void mfaSatisfied(const QString &profile); // session obtained or restored: close MFA prompts
    void credentialsChanged(const QString &profile);
    void refreshFailed(const QString &profile, const imsa::StsError &error);
    void statusChanged(const QString &profile);
    /// The profile served on the metadata routes changed; empty when none is.
    void activeProfileChanged(const QString &profile);

private:
    using Entry = detail::BrokerProfile;
    using Identity = detail::MfaSessionStore::Identity;

    Entry *findEntry(const QString &name);
    Entry *findEntry(const QString &name, quint64 generation);
    bool isWanted(const QString &name) const;
    void markWanted(const QString &name);
    static bool isServable(const AwsCredentials &credentials, const QDateTime &now);

    // The loop (detail/credentialbroker_loop.h): every change ends in evaluate(), which acts on
    // what is due, arms the timer and then flushes the outbox, so that slots see a consistent
    // broker and may call back.
    void evaluate();
    void dropExpired(const QDateTime &now);
    void advance(const QString &name, const QDateTime &now);
    void schedule(const QDateTime &now);
    /// Sets m_active and announces a change.
    void setActive(const QString &name);

    // STS and key store work (detail/credentialbroker_calls.h).
    void startWithBaseKeys(const QString &name);
    /// For an IAM Identity Center profile: role credentials from the SSO source, served as
    /// they are or (with a role_arn) signing a chained AssumeRole.
    void startWithSsoCredentials(const QString &name);
    void startAssumeRole(const QString &name, const AwsCredentials &signing, bool chained);
    void startSessionToken(const QString &name, const AwsCredentials &baseKeys);
    void callAnswered(const QString &name, quint64 generation, const QString &sessionKeyId,
                      const StsResult<AssumedRole> &result);
    void callFailed(Entry &entry, const StsError &error, const QString &sessionKeyId);
    void needMfaSession(const QString &name);
    void storedSessionRead(const QString &identity, const std::optional<AwsCredentials> &stored);
    void codeAnswered(const Profile &profile, quint64 generation, StsResult<AwsCredentials> result);
    void sessionObtained(const QString &identity, const AwsCredentials &session);
    void serveSession(Entry &entry, const AwsCredentials &session);
    void dropSession(const QString &identity);
    void forgetCredentials(Entry &entry);

    StsApi &m_sts;
    SsoCredentialSource *m_ssoSource = nullptr;
    Clock &m_clock;
    detail::BaseKeyResolver m_keys;
    detail::MfaSessionStore m_sessions;
    detail::SignalOutbox m_outbox;
    QProcessEnvironment m_environment;
    std::function<double()> m_jitter;
    QHash<QString, Entry> m_entries;
    QStringList m_order; ///< profile names as given to setProfiles
    QString m_active;
    QSet<QString> m_requested;
    QTimer m_timer;
    QDateTime m_wakeUp;
    quint64 m_lastGeneration = 0;
    bool m_evaluating = false;
    bool m_evaluateAgain = false;
};

inline CredentialBroker::CredentialBroker(StsApi &sts, KeyStore &keyStore, Clock &clock,
                                          QObject *parent)
    : QObject(parent)
    , m_sts(sts)
    , m_clock(clock)
    , m_keys(keyStore)
    , m_sessions(keyStore, this)
    , m_outbox(
              [this] {
                  QList<std::pair<QString, ProfileStatus>> statuses;
                  statuses.reserve(m_order.size());
                  for (const QString &name : std::as_const(m_order))
                      statuses.append({name, status(name)});
                  return statuses;
              },
              [this](const QString &name) {
                  Q_EMIT statusChanged(name);
              })
    , m_environment(QProcessEnvironment::systemEnvironment())
    , m_jitter([] {
        return QRandomGenerator::global()->generateDouble();
    })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &CredentialBroker::evaluate);
    connect(&m_clock, &Clock::jumped, this, &CredentialBroker::evaluate);
}

inline void CredentialBroker::setEnvironment(const QProcessEnvironment &environment)
{
    m_environment = environment;
}

inline void CredentialBroker::setProfiles(const QList<Profile> &profiles)
{
    QHash<QString, Entry> entries;
    QStringList order;
    for (const Profile &profile : profiles) {
        if (entries.contains(profile.name))
            continue;
        Entry entry;
        const auto old = m_entries.find(profile.name);
        if (old != m_entries.end() && !detail::credentialSettingsDiffer(old->profile, profile)) {
            entry = std::move(*old);
            // A reload is when a fixed configuration or key store entry shows up: try again.
            entry.blocked = false;
        } else {
            if (old != m_entries.end()) {
                qCInfo(lcBroker).noquote().nospace()
                        << "profile " << profile.name << ": changed, cached credentials dropped";
                if (old->credentials)
                    m_outbox.post([this, name = profile.name] {
                        Q_EMIT credentialsChanged(name);
                    });
            }
            entry.generation = ++m_lastGeneration;
        }
        entry.profile = profile;
        entries.emplace(profile.name, std::move(entry));
        order.append(profile.name);
    }
    for (const QString &name : std::as_const(m_order)) {
        if (entries.contains(name))
            continue;
        if (m_entries.constFind(name)->credentials)
            m_outbox.post([this, name] {
                Q_EMIT credentialsChanged(name);
            });
        m_requested.remove(name);
        if (m_active == name) {
            qCInfo(lcBroker).noquote() << "active profile" << name << "was removed";
            setActive({});
        }
    }
    m_entries = std::move(entries);
    m_order = std::move(order);
    m_sessions.reconcile(this->profiles());
    m_keys.clear();
    evaluate();
}

inline QList<Profile> CredentialBroker::profiles() const
{
    QList<Profile> list;
    list.reserve(m_order.size());
    for (const QString &name : m_order)
        list.append(m_entries.constFind(name)->profile);
    return list;
}

inline bool CredentialBroker::setActiveProfile(const QString &name)
{
    Entry *entry = findEntry(name);
    if (!entry) {
        qCWarning(lcBroker).noquote() << "cannot activate unknown profile" << name;
        return false;
    }
    if (m_active != name)
        qCInfo(lcBroker).noquote() << "active profile:" << name;
    setActive(name);
    entry->blocked = false;
    evaluate();
    return true;
}

inline void CredentialBroker::clearActiveProfile()
{
    if (m_active.isEmpty())
        return;
    qCInfo(lcBroker).noquote().nospace() << "no active profile (was " << m_active << ")";
    setActive({});
    evaluate();
}

inline QString CredentialBroker::activeProfile() const
{
    return m_active;
}

inline std::optional<AwsCredentials> CredentialBroker::credentials(const QString &profile) const
{
    const auto it = m_entries.constFind(profile);
    if (it == m_entries.cend() || !it->credentials || !isServable(*it->credentials, m_clock.now()))
        return std::nullopt;
    return it->credentials;
}

inline void CredentialBroker::request(const QString &profile)
{
    Entry *entry = findEntry(profile);
    if (!entry) {
        qCWarning(lcBroker).noquote() << "request for unknown profile" << profile;
        return;
    }
    // Only a newly wanted profile gets a failed attempt repeated: callers may request often.
    if (!isWanted(profile))
        entry->blocked = false;
    markWanted(profile);
    evaluate();
}

inline void CredentialBroker::submitMfaCode(const QString &profile, const QString &code)
{
    Entry *entry = findEntry(profile);
    if (!entry || !entry->profile.needsMfa()) {
        qCWarning(lcBroker).noquote() << "MFA code for" << profile << "ignored: no MFA device";
        return;
    }
    Identity &identity = m_sessions.identityOf(entry->profile);
    if (identity.codeInFlight) {
        qCInfo(lcBroker).noquote() << "MFA code for" << profile << "ignored: one is being checked";
        return;
    }
    markWanted(profile);
    if (!identity.waiting.contains(profile))
        identity.waiting.append(profile);
    identity.codeInFlight = true;
    const Profile settings = entry->profile;
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << profile << ": GetSessionToken with an MFA code for "
            << settings.mfaSerial << ", base key " << redactKeyId(settings.accessKeyId);
    m_keys.resolve(settings, this,
                   [this, settings, code,
                    generation = identity.generation](detail::BaseKeyResolver::Keys keys) {
                       if (!keys) {
                           codeAnswered(settings, generation, keys.error());
                           return;
                       }
                       GetSessionTokenParams params;
                       params.baseKeys = keys.value();
                       params.mfaSerial = settings.mfaSerial;
                       params.tokenCode = code;
                       params.durationSeconds =
                               std::max(settings.mfaSessionDurationSeconds, minRequestSeconds);
                       params.endpoint = resolveStsEndpoint(settings, m_environment);
                       m_sts.getSessionToken(
                               params, this,
                               [this, settings, generation](StsResult<AwsCredentials> result) {
                                   codeAnswered(settings, generation, std::move(result));
                               });
                   });
    evaluate();
}

inline void CredentialBroker::cancelMfa(const QString &profile)
{
    Entry *entry = findEntry(profile);
    if (!entry)
        return;
    if (Identity *identity = m_sessions.find(entry->profile))
        identity->waiting.removeAll(profile);
    entry->renewRequested = false;
    m_requested.remove(profile);
    if (m_active == profile)
        setActive({});
    qCInfo(lcBroker).noquote().nospace() << "profile " << profile << ": MFA cancelled, inactive";
    evaluate();
}

inline void CredentialBroker::renew(const QString &profile)
{
    Entry *entry = findEntry(profile);
    if (!entry)
        return;
    markWanted(profile);
    entry->blocked = false;
    entry->failures = 0;
    entry->retryAt = {};
    // A call already running is the renewal.
    if (!entry->inFlight)
        entry->renewRequested = true;
    evaluate();
}

inline void CredentialBroker::logout()
{
    qCInfo(lcBroker) << "logout: forgetting MFA sessions and credentials";
    for (const QString &name : std::as_const(m_order)) {
        Entry &entry = *findEntry(name);
        if (entry.credentials)
            m_outbox.post([this, name = entry.profile.name] {
                Q_EMIT credentialsChanged(name);
            });
        Entry fresh;
        fresh.profile = entry.profile;
        fresh.generation = ++m_lastGeneration;
        entry = std::move(fresh);
    }
    m_sessions.forgetAll(profiles());
    m_keys.clear();
    setActive({});
    m_requested.clear();
    evaluate();
}

inline ProfileStatus CredentialBroker::status(const QString &profile) const
{
    ProfileStatus status;
    const auto it = m_entries.constFind(profile);
    if (it == m_entries.cend())
        return status;
    const Entry &entry = *it;
    const Identity *identity = m_sessions.find(entry.profile);
    const bool servable = entry.credentials && isServable(*entry.credentials, m_clock.now());
    if (servable) {
        status.credentialsExpiration = entry.credentials->expiration;
        status.assumedRoleArn = entry.assumedRoleArn;
    }
    if (identity && identity->session)
        status.mfaSessionExpiration = identity->session->expiration;
    status.lastError = entry.lastError;
    const bool busy = entry.inFlight
            || (identity && isWanted(profile)
                && (identity->stored == Identity::StoredSession::Reading
                    || identity->codeInFlight));
    if (identity && identity->waiting.contains(profile))
        status.state = ProfileState::NeedsMfa;
    else if (servable)
        status.state = ProfileState::Ready;
    else if (busy)
        status.state = ProfileState::Fetching;
    else if (entry.lastError)
        status.state = ProfileState::Failed;
    return status;
}

inline void CredentialBroker::setRetryJitter(std::function<double()> jitter)
{
    m_jitter = std::move(jitter);
}

inline QDateTime CredentialBroker::nextWakeUp() const
{
    return m_wakeUp;
}

} // namespace imsa

#include "imsa/detail/credentialbroker_calls.h"
#include "imsa/detail/credentialbroker_loop.h"
#include "imsa/detail/credentialbroker_sso.h"
