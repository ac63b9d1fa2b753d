#pragma once

#include <QHash>
#include <QObject>

#include "servedsnapshot.h"

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

/// Keeps what the metadata server may serve as ready-made snapshots that change only when the
/// broker says so, and publishes each new one to a SnapshotStore. The request path then does
/// one atomic load, one hash lookup and one expiry check: no STS, no key store, no broker call.
/// Lives on the broker's (main) thread.
class BrokerView final : public QObject
{
    Q_OBJECT

public:
    BrokerView(CredentialBroker &broker, Clock &clock, SnapshotStore &store,
               QObject *parent = nullptr);

private:
    void refresh(const QString &profile);
    void refreshAll();
    void publish();

    CredentialBroker &m_broker;
    Clock &m_clock;
    SnapshotStore &m_store;
    QHash<QString, ServedProfile> m_served;
};

} // namespace imsa::app
