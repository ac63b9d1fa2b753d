#pragma once

#include <QDateTime>
#include <QObject>

namespace imsa {

/// Source of the current time. Injected everywhere time matters so that tests can run
/// hours of broker time in milliseconds (KeePassXC's Clock/MockClock pattern).
class Clock : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    /// Current time in UTC.
    virtual QDateTime now() const = 0;

Q_SIGNALS:
    /// Time moved by more than the normal passage (a test advancing it, a resume from
    /// suspend): anyone who scheduled work against now() should look again.
    void jumped();
};

class SystemClock final : public Clock
{
public:
    using Clock::Clock;

    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};

} // namespace imsa
