#pragma once

#include <QHash>
#include <QObject>

#include "imsa/imdshandler.h"

namespace imsa {
class Clock;
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

/// What the metadata server may serve, kept as ready-made snapshots that change only when the
/// broker says so. The request path does one hash lookup and one expiry check: no STS, no key
/// store, no copy of the profile list.
class BrokerView final : public QObject, public CredentialView
{
    Q_OBJECT

public:
    BrokerView(CredentialBroker &broker, Clock &clock, QObject *parent = nullptr);

    std::optional<ServedProfile> active() const override;
    std::optional<ServedProfile> profile(const QString &name) const override;

private:
    void refresh(const QString &profile);
    void refreshAll();

    CredentialBroker &m_broker;
    Clock &m_clock;
    QHash<QString, ServedProfile> m_served;
};

} // namespace imsa::app
