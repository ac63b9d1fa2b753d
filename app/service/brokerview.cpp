#include "brokerview.h"

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"

namespace imsa::app {

BrokerView::BrokerView(CredentialBroker &broker, Clock &clock, QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_clock(clock)
{
    connect(&broker, &CredentialBroker::credentialsChanged, this, &BrokerView::refresh);
    connect(&broker, &CredentialBroker::statusChanged, this, &BrokerView::refresh);
    refreshAll();
}

void BrokerView::refreshAll()
{
    m_served.clear();
    for (const Profile &profile : m_broker.profiles())
        refresh(profile.name);
}

void BrokerView::refresh(const QString &name)
{
    const std::optional<AwsCredentials> credentials = m_broker.credentials(name);
    if (!credentials) {
        m_served.remove(name);
        return;
    }
    const auto existing = m_served.constFind(name);
    if (existing != m_served.cend() && existing->credentials == *credentials)
        return;
    const QList<Profile> profiles = m_broker.profiles();
    const auto profile = std::find_if(profiles.cbegin(), profiles.cend(), [&](const Profile &p) {
        return p.name == name;
    });
    if (profile == profiles.cend()) {
        m_served.remove(name);
        return;
    }
    m_served.insert(name,
                    ServedProfile{name, profile->roleName(), profile->roleArn, profile->accountId(),
                                  profile->region, *credentials, m_clock.now()});
}

std::optional<ServedProfile> BrokerView::active() const
{
    return profile(m_broker.activeProfile());
}

std::optional<ServedProfile> BrokerView::profile(const QString &name) const
{
    const auto served = m_served.constFind(name);
    if (served == m_served.cend())
        return std::nullopt;
    // The snapshot may have aged since the broker produced it; the broker's promise of at least
    // 15 minutes must still hold at the moment of serving.
    if (served->credentials.secondsLeft(m_clock.now()) < CredentialBroker::minServeSeconds)
        return std::nullopt;
    return *served;
}

} // namespace imsa::app
