#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <utility>

#include <QDateTime>
#include <QObject>
#include <QTimer>

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
    /// suspend, the wall clock set): anyone who scheduled work against now() should look again.
    void jumped();
};

namespace detail {

/// Two clocks read at the same moment: the monotonic one (QTimer's) stops while the machine
/// is suspended and is never set; the wall clock goes on during a suspend and jumps when set.
struct ClockReadings
{
    qint64 monotonicMs = 0;
    qint64 wallMs = 0;
};

inline ClockReadings readSystemClocks()
{
    using namespace std::chrono;
    return {duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count(),
            duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count()};
}

/// Tells a suspend/resume or a wall clock step from the passage of time: between two readings
/// both clocks advance alike, give or take NTP's slewing (at most 0.5 ms per second).
class ClockJumpDetector
{
public:
    static constexpr qint64 toleranceMs = 5'000;

    /// True when the wall clock moved more than the tolerance apart from the monotonic clock
    /// since the previous reading; the first reading only sets the reference.
    bool jumped(const ClockReadings &now)
    {
        const std::optional<ClockReadings> previous = std::exchange(m_previous, now);
        if (!previous)
            return false;
        const qint64 drift =
                (now.wallMs - previous->wallMs) - (now.monotonicMs - previous->monotonicMs);
        return drift > toleranceMs || drift < -toleranceMs;
    }

private:
    std::optional<ClockReadings> m_previous;
};

} // namespace detail

/// The system's wall clock. Compares it with the monotonic clock every checkInterval and
/// emits jumped() when they came apart, so that a laptop resumed after hours refreshes its
/// credentials within seconds instead of at the next (monotonic, so late) timer.
class SystemClock final : public Clock
{
public:
    static constexpr std::chrono::milliseconds checkInterval{15'000};
    using ReadClocks = std::function<detail::ClockReadings()>;

    explicit SystemClock(QObject *parent = nullptr)
        : SystemClock(detail::readSystemClocks, checkInterval, parent)
    { }

    /// For tests: readings from `read` instead of the system, taken every `interval`.
    SystemClock(ReadClocks read, std::chrono::milliseconds interval, QObject *parent = nullptr)
        : Clock(parent)
        , m_read(std::move(read))
    {
        m_detector.jumped(m_read());
        m_check.setInterval(interval);
        // A coarse timer may fire 5 % late: harmless here, and it lets the system batch wakeups.
        m_check.setTimerType(Qt::CoarseTimer);
        connect(&m_check, &QTimer::timeout, this, [this] {
            if (m_detector.jumped(m_read()))
                Q_EMIT jumped();
        });
        m_check.start();
    }

    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }

private:
    ReadClocks m_read;
    detail::ClockJumpDetector m_detector;
    QTimer m_check;
};

} // namespace imsa
