#pragma once

#include <functional>
#include <utility>

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include "imsa/profilestatus.h"

namespace imsa::detail {

/// CredentialBroker's signals, held back while its state changes: post() queues an emission
/// and flush() makes the queued ones once the broker is consistent again, so that slots see
/// the whole change and may call back into the broker. statusChanged is not posted by hand:
/// flush() compares every profile's status with the one it last announced and emits it once
/// per real change.
class SignalOutbox
{
public:
    using Signal = std::function<void()>;
    /// Every profile's status now, in profile order.
    using Statuses = std::function<QList<std::pair<QString, ProfileStatus>>()>;
    using StatusChanged = std::function<void(const QString &profile)>;

    SignalOutbox(Statuses statuses, StatusChanged statusChanged)
        : m_statuses(std::move(statuses))
        , m_statusChanged(std::move(statusChanged))
    { }

    void post(Signal signal) { m_queue.append(std::move(signal)); }

    /// Emits the posted signals in posting order, then statusChanged for each profile whose
    /// status differs from the one last announced (never announced counts as a default
    /// ProfileStatus) and for each profile that is gone; and so on for whatever the slots
    /// post or change meanwhile, until nothing is left. Called from inside a slot, it returns
    /// at once: the outer flush() carries on.
    void flush()
    {
        if (m_flushing)
            return;
        m_flushing = true;
        while (!m_queue.isEmpty() || queueStatusChanges())
            m_queue.takeFirst()();
        m_flushing = false;
    }

private:
    bool queueStatusChanges()
    {
        bool queued = false;
        QSet<QString> present;
        const QList<std::pair<QString, ProfileStatus>> statuses = m_statuses();
        for (const auto &[name, current] : statuses) {
            present.insert(name);
            const auto published = m_published.constFind(name);
            if (published == m_published.cend() ? current == ProfileStatus{}
                                                : *published == current)
                continue;
            m_published.insert(name, current);
            queueStatusChanged(name);
            queued = true;
        }
        for (auto it = m_published.begin(); it != m_published.end();) {
            if (present.contains(it.key())) {
                ++it;
                continue;
            }
            queueStatusChanged(it.key());
            it = m_published.erase(it);
            queued = true;
        }
        return queued;
    }

    void queueStatusChanged(const QString &name)
    {
        post([this, name] {
            m_statusChanged(name);
        });
    }

    Statuses m_statuses;
    StatusChanged m_statusChanged;
    QList<Signal> m_queue;
    QHash<QString, ProfileStatus> m_published; ///< last status announced per profile
    bool m_flushing = false;
};

} // namespace imsa::detail
