// SystemClock's jumped(): a resume from suspend or a wall clock step, told apart from the
// passage of time by comparing the wall clock with the monotonic clock. The readings are
// injected: a two-hour suspend takes no time here.
#include <QSignalSpy>
#include <QTest>

#include "imsa/clock.h"

using imsa::SystemClock;
using imsa::detail::ClockJumpDetector;
using imsa::detail::ClockReadings;
using namespace std::chrono_literals;

namespace {

constexpr qint64 hourMs = 60 * 60 * 1000;
constexpr qint64 wallStart = 1'795'000'000'000; // November 2026, in ms since the epoch

} // namespace

class tst_Clock : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detector_data();
    void detector();
    void systemClockEmitsJumpedOnceAfterSuspend();
    void systemClockStaysQuietWhileTimePasses();

private:
    /// A SystemClock on `readings`, checking every millisecond; `reads` counts the checks.
    static std::unique_ptr<SystemClock> clockOn(const ClockReadings &readings, int &reads)
    {
        return std::make_unique<SystemClock>(
                [&readings, &reads] {
                    ++reads;
                    return readings;
                },
                1ms);
    }
};

void tst_Clock::detector_data()
{
    QTest::addColumn<qint64>("monotonicStep");
    QTest::addColumn<qint64>("wallStep");
    QTest::addColumn<bool>("jumped");
    QTest::addRow("both clocks advance alike") << qint64(15'000) << qint64(15'000) << false;
    QTest::addRow("NTP slewing of a few ms is no jump")
            << qint64(15'000) << qint64(15'008) << false;
    QTest::addRow("4 s apart stays within the tolerance")
            << qint64(15'000) << qint64(19'000) << false;
    QTest::addRow("a two-hour suspend is a jump")
            << qint64(15'000) << qint64(2 * hourMs + 15'000) << true;
    QTest::addRow("the wall clock set back an hour is a jump")
            << qint64(15'000) << qint64(15'000 - hourMs) << true;
    QTest::addRow("the wall clock set 6 s ahead is a jump")
            << qint64(15'000) << qint64(21'000) << true;
}

void tst_Clock::detector()
{
    QFETCH(qint64, monotonicStep);
    QFETCH(qint64, wallStep);
    QFETCH(bool, jumped);
    ClockJumpDetector detector;
    QVERIFY(!detector.jumped({1000, wallStart})); // the first reading is only the reference
    QCOMPARE(detector.jumped({1000 + monotonicStep, wallStart + wallStep}), jumped);
    // The next reading compares with this one, not with the first.
    QVERIFY(!detector.jumped({1000 + 2 * monotonicStep, wallStart + wallStep + monotonicStep}));
}

void tst_Clock::systemClockEmitsJumpedOnceAfterSuspend()
{
    ClockReadings readings{1000, wallStart};
    int reads = 0;
    const auto clock = clockOn(readings, reads);
    QSignalSpy jumped(clock.get(), &SystemClock::jumped);

    // Suspended for two hours: the monotonic clock stood still, the wall clock went on.
    readings = {1010, wallStart + 2 * hourMs + 10};
    QTRY_COMPARE(jumped.count(), 1);
    const int readsAtJump = reads;
    QTRY_VERIFY(reads >= readsAtJump + 5);
    QCOMPARE(jumped.count(), 1);
}

void tst_Clock::systemClockStaysQuietWhileTimePasses()
{
    ClockReadings readings{1000, wallStart};
    int reads = 0;
    const auto clock = clockOn(readings, reads);
    QSignalSpy jumped(clock.get(), &SystemClock::jumped);
    for (int step = 1; step <= 5; ++step) {
        const int before = reads;
        readings = {1000 + step * 15'000, wallStart + step * 15'000 + step};
        QTRY_VERIFY(reads > before);
    }
    QCOMPARE(jumped.count(), 0);
}

QTEST_GUILESS_MAIN(tst_Clock)
#include "tst_clock.moc"
