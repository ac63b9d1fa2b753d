#pragma once

#include <atomic>
#include <memory>

#include <QHash>
#include <QString>

#include "imsa/imdshandler.h"

namespace imsa {
class Clock;
} // namespace imsa

namespace imsa::app {

/// Everything the metadata server may answer, at one moment: built on the main thread whenever
/// the broker's state changes and never modified afterwards, so that any number of serving
/// threads read it without a lock.
struct ServedSnapshot
{
    QString activeProfile; ///< served on the IMDS routes; empty when none is
    QHash<QString, ServedProfile> profiles; ///< by name, those with credentials to serve
};

/// The current snapshot, swapped atomically: a request reads one whole snapshot, the old one or
/// the new one, never parts of both.
class SnapshotStore
{
public:
    SnapshotStore()
        : m_current(std::make_shared<const ServedSnapshot>())
    { }

    std::shared_ptr<const ServedSnapshot> current() const
    {
        return m_current.load(std::memory_order_acquire);
    }

    void publish(std::shared_ptr<const ServedSnapshot> snapshot)
    {
        m_current.store(std::move(snapshot), std::memory_order_release);
    }

private:
    std::atomic<std::shared_ptr<const ServedSnapshot>> m_current;
};

/// The CredentialView of the serving threads: answers from the store's current snapshot. Safe
/// to call from any thread as long as `clock.now()` is (SystemClock's is).
class SnapshotView final : public CredentialView
{
public:
    SnapshotView(const SnapshotStore &store, const Clock &clock)
        : m_store(store)
        , m_clock(clock)
    { }

    std::optional<ServedProfile> active() const override;
    std::optional<ServedProfile> profile(const QString &name) const override;

private:
    std::optional<ServedProfile> find(const ServedSnapshot &snapshot, const QString &name) const;

    const SnapshotStore &m_store;
    const Clock &m_clock;
};

} // namespace imsa::app
