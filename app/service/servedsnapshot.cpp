#include "servedsnapshot.h"

#include "imsa/clock.h"
#include "imsa/credentialbroker.h"

namespace imsa::app {

std::optional<ServedProfile> SnapshotView::active() const
{
    const std::shared_ptr<const ServedSnapshot> snapshot = m_store.current();
    return find(*snapshot, snapshot->activeProfile);
}

std::optional<ServedProfile> SnapshotView::profile(const QString &name) const
{
    return find(*m_store.current(), name);
}

std::optional<ServedProfile> SnapshotView::find(const ServedSnapshot &snapshot,
                                                const QString &name) const
{
    const auto served = snapshot.profiles.constFind(name);
    if (served == snapshot.profiles.cend())
        return std::nullopt;
    // The snapshot may have aged since the broker produced it; the broker's promise of at least
    // 15 minutes must still hold at the moment of serving.
    if (served->credentials.secondsLeft(m_clock.now()) < CredentialBroker::minServeSeconds)
        return std::nullopt;
    return *served;
}

} // namespace imsa::app
