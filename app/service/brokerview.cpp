#include "brokerview.h"

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"

namespace imsa::app {

BrokerView::BrokerView(CredentialBroker &broker, Clock &clock, SnapshotStore &store,
                       QObject *parent)
    : QObject(parent)
    , m_broker(broker)
    , m_clock(clock)
    , m_store(store)
{
    connect(&broker, &CredentialBroker::credentialsChanged, this, &BrokerView::refresh);
    connect(&broker, &CredentialBroker::statusChanged, this, &BrokerView::refresh);
    connect(&broker, &CredentialBroker::activeProfileChanged, this, &BrokerView::publish);
    refreshAll();
}

void BrokerView::refreshAll()
{
    m_served.clear();
    for (const Profile &profile : m_broker.profiles())
        refresh(profile.name);
    publish();
}

void BrokerView::refresh(const QString &name)
{
    const std::optional<AwsCredentials> credentials = m_broker.credentials(name);
    if (!credentials) {
        if (m_served.remove(name) > 0)
            publish();
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
        if (m_served.remove(name) > 0)
            publish();
        return;
    }
    m_served.insert(name,
                    ServedProfile{name, profile->roleName(), profile->roleArn, profile->accountId(),
                                  profile->region, *credentials, m_clock.now()});
    publish();
}

void BrokerView::publish()
{
    // The hash is shared with the snapshot (implicitly, with an atomic count) and copied here
    // only at the next change: a snapshot costs one allocation.
    m_store.publish(std::make_shared<const ServedSnapshot>(
            ServedSnapshot{m_broker.activeProfile(), m_served}));
}

} // namespace imsa::app
