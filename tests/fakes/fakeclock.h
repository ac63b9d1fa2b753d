#pragma once

#include "imsa/clock.h"

namespace imsa::test {

/// A clock that only moves when told to. advance() emits jumped() so that schedulers
/// re-evaluate at once: "12 hours" of broker time run in milliseconds.
class FakeClock final : public Clock
{
public:
    explicit FakeClock(QDateTime start = QDateTime(QDate(2026, 11, 25), QTime(9, 0), Qt::UTC))
        : m_now(std::move(start))
    { }

    QDateTime now() const override { return m_now; }

    void advance(qint64 seconds)
    {
        m_now = m_now.addSecs(seconds);
        Q_EMIT jumped();
    }

    void set(const QDateTime &time)
    {
        m_now = time;
        Q_EMIT jumped();
    }

private:
    QDateTime m_now;
};

} // namespace imsa::test
