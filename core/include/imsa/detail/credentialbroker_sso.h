#pragma once

#include "imsa/credentialbroker.h"

// CredentialBroker's IAM Identity Center profiles: where their role credentials come from and
// what a finished sign-in changes. Included at the end of credentialbroker.h.
namespace imsa {

inline void CredentialBroker::setSsoSource(SsoCredentialSource *source)
{
    m_ssoSource = source;
}

inline void CredentialBroker::ssoSignedIn(const QString &tokenCacheKey)
{
    for (Entry &entry : m_entries) {
        if (!entry.profile.usesSso() || entry.profile.sso.tokenCacheKey() != tokenCacheKey)
            continue;
        entry.blocked = false;
        entry.retryAt = {};
        entry.failures = 0;
    }
    evaluate();
}

inline void CredentialBroker::startWithSsoCredentials(const QString &name)
{
    Entry &entry = *findEntry(name);
    if (!m_ssoSource) {
        callFailed(entry,
                   StsError{StsErrorCode::Other,
                            {},
                            QStringLiteral("IAM Identity Center is not available here"),
                            0},
                   {});
        return;
    }
    entry.inFlight = true;
    entry.retryAt = {};
    qCInfo(lcBroker).noquote().nospace()
            << "profile " << name << ": IAM Identity Center role " << entry.profile.sso.roleName
            << " in account " << entry.profile.sso.accountId;
    m_ssoSource->roleCredentials(
            entry.profile.sso, this,
            [this, name, generation = entry.generation](StsResult<AwsCredentials> result) {
                Entry *current = findEntry(name, generation);
                if (!current)
                    return;
                if (result && current->profile.hasRole()) {
                    // SSO role credentials are role credentials: AWS allows an hour of chaining.
                    startAssumeRole(name, result.value(), true);
                    evaluate();
                } else {
                    callAnswered(name, generation, {},
                                 result ? StsResult<AssumedRole>(AssumedRole{result.value(), {}})
                                        : StsResult<AssumedRole>(result.error()));
                }
            });
}

} // namespace imsa
