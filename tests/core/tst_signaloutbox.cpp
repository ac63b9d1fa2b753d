#include <utility>

#include <QTest>

#include "imsa/detail/signaloutbox.h"

using namespace imsa;
using namespace imsa::detail;
using namespace Qt::StringLiterals;

using Statuses = QList<std::pair<QString, ProfileStatus>>;

// The broker's held-back signals without the broker: posting order, slots that post or flush
// again, and statusChanged only for statuses that really changed.
class tst_SignalOutbox : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void nothingBeforeFlush();
    void postedSignalsComeInPostingOrder();
    void slotsPostIntoTheRunningFlush();
    void flushFromASlotReturnsAtOnce();
    void statusChanged_data();
    void statusChanged();
    void statusChangesComeAfterPostedSignals();
    void statusChangedBySlotsIsAnnouncedInTheSameFlush();
};

namespace {

ProfileStatus inState(ProfileState state)
{
    ProfileStatus status;
    status.state = state;
    return status;
}

/// An outbox whose statuses the test sets, recording every emission in `emitted`.
struct Rig
{
    /// A signal that records `name` when emitted.
    SignalOutbox::Signal signal(const QString &name)
    {
        return [this, name] {
            emitted << name;
        };
    }

    Statuses statuses;
    QStringList emitted;
    SignalOutbox outbox{[this] {
                            return statuses;
                        },
                        [this](const QString &profile) {
                            emitted << u"statusChanged "_s + profile;
                        }};
};

} // namespace

void tst_SignalOutbox::nothingBeforeFlush()
{
    Rig rig;
    rig.statuses = {{u"dev"_s, inState(ProfileState::Ready)}};
    rig.outbox.post(rig.signal(u"credentialsChanged dev"_s));
    QCOMPARE(rig.emitted, QStringList());
    rig.outbox.flush();
    QCOMPARE(rig.emitted, (QStringList{u"credentialsChanged dev"_s, u"statusChanged dev"_s}));
}

void tst_SignalOutbox::postedSignalsComeInPostingOrder()
{
    Rig rig;
    rig.outbox.post(rig.signal(u"A"_s));
    rig.outbox.post(rig.signal(u"B"_s));
    rig.outbox.post(rig.signal(u"A"_s));
    rig.outbox.flush();
    // Posted signals are not merged: each one posted is emitted.
    QCOMPARE(rig.emitted, (QStringList{u"A"_s, u"B"_s, u"A"_s}));
    rig.outbox.flush();
    QCOMPARE(rig.emitted.size(), 3);
}

void tst_SignalOutbox::slotsPostIntoTheRunningFlush()
{
    Rig rig;
    rig.outbox.post([&rig] {
        rig.emitted << u"A"_s;
        rig.outbox.post(rig.signal(u"C"_s));
    });
    rig.outbox.post(rig.signal(u"B"_s));
    rig.outbox.flush();
    QCOMPARE(rig.emitted, (QStringList{u"A"_s, u"B"_s, u"C"_s}));
}

void tst_SignalOutbox::flushFromASlotReturnsAtOnce()
{
    Rig rig;
    rig.outbox.post([&rig] {
        rig.emitted << u"A"_s;
        // A slot calling back into the broker ends in flush(): B must wait for A to return.
        rig.outbox.flush();
        rig.emitted << u"A returns"_s;
    });
    rig.outbox.post(rig.signal(u"B"_s));
    rig.outbox.flush();
    QCOMPARE(rig.emitted, (QStringList{u"A"_s, u"A returns"_s, u"B"_s}));
}

void tst_SignalOutbox::statusChanged_data()
{
    QTest::addColumn<Statuses>("announced");
    QTest::addColumn<Statuses>("now");
    QTest::addColumn<QStringList>("changed");

    const ProfileStatus inactive;
    const ProfileStatus ready = inState(ProfileState::Ready);
    ProfileStatus renewed = ready;
    renewed.credentialsExpiration = QDateTime(QDate(2026, 11, 25), QTime(10, 0), Qt::UTC);
    ProfileStatus failed = inState(ProfileState::Failed);
    failed.lastError = StsError{StsErrorCode::Throttled, u"Throttling"_s, u"Rate exceeded"_s, 400};
    ProfileStatus failedOtherwise = failed;
    failedOtherwise.lastError->code = StsErrorCode::ServerError;

    QTest::addRow("a new profile that is inactive is not announced")
            << Statuses{} << Statuses{{u"dev"_s, inactive}} << QStringList();
    QTest::addRow("a new profile with a state is announced")
            << Statuses{} << Statuses{{u"dev"_s, ready}} << QStringList{u"dev"_s};
    QTest::addRow("an unchanged status is not announced again")
            << Statuses{{u"dev"_s, ready}} << Statuses{{u"dev"_s, ready}} << QStringList();
    QTest::addRow("new credentials in the same state are a change")
            << Statuses{{u"dev"_s, ready}} << Statuses{{u"dev"_s, renewed}}
            << QStringList{u"dev"_s};
    QTest::addRow("another error is a change")
            << Statuses{{u"dev"_s, failed}} << Statuses{{u"dev"_s, failedOtherwise}}
            << QStringList{u"dev"_s};
    QTest::addRow("back to inactive is a change")
            << Statuses{{u"dev"_s, ready}} << Statuses{{u"dev"_s, inactive}}
            << QStringList{u"dev"_s};
    QTest::addRow("a removed profile that was announced is announced once more")
            << Statuses{{u"dev"_s, ready}, {u"prod"_s, ready}} << Statuses{{u"prod"_s, ready}}
            << QStringList{u"dev"_s};
    QTest::addRow("a removed profile never announced is not")
            << Statuses{{u"dev"_s, inactive}} << Statuses{} << QStringList();
    QTest::addRow("changes in profile order, removed profiles last")
            << Statuses{{u"gone"_s, ready}}
            << Statuses{{u"test"_s, ready}, {u"dev"_s, failed}, {u"prod"_s, inactive}}
            << QStringList{u"test"_s, u"dev"_s, u"gone"_s};
}

void tst_SignalOutbox::statusChanged()
{
    QFETCH(Statuses, announced);
    QFETCH(Statuses, now);
    QFETCH(QStringList, changed);

    Rig rig;
    rig.statuses = announced;
    rig.outbox.flush();
    rig.emitted.clear();

    rig.statuses = now;
    rig.outbox.flush();
    QStringList expected;
    for (const QString &name : std::as_const(changed))
        expected << u"statusChanged "_s + name;
    QCOMPARE(rig.emitted, expected);

    // Announced means remembered: the same statuses announce nothing the next time.
    rig.outbox.flush();
    QCOMPARE(rig.emitted, expected);
}

void tst_SignalOutbox::statusChangesComeAfterPostedSignals()
{
    Rig rig;
    rig.statuses = {{u"dev"_s, inState(ProfileState::Fetching)}};
    rig.outbox.post(rig.signal(u"mfaSatisfied dev"_s));
    rig.outbox.post(rig.signal(u"credentialsChanged dev"_s));
    rig.outbox.flush();
    QCOMPARE(rig.emitted,
             (QStringList{u"mfaSatisfied dev"_s, u"credentialsChanged dev"_s,
                          u"statusChanged dev"_s}));
}

void tst_SignalOutbox::statusChangedBySlotsIsAnnouncedInTheSameFlush()
{
    Rig rig;
    rig.statuses = {{u"dev"_s, inState(ProfileState::Fetching)}};
    // A slot of a posted signal changes the state: a slot of statusChanged sees the result.
    rig.outbox.post([&rig] {
        rig.emitted << u"refreshFailed dev"_s;
        rig.statuses = {{u"dev"_s, inState(ProfileState::Failed)}};
    });
    rig.outbox.flush();
    QCOMPARE(rig.emitted, (QStringList{u"refreshFailed dev"_s, u"statusChanged dev"_s}));

    // A slot of statusChanged that changes the state again (cancels a prompt, say) is announced
    // too, before flush() returns.
    rig.emitted.clear();
    SignalOutbox outbox(
            [&rig] {
                return rig.statuses;
            },
            [&rig](const QString &profile) {
                rig.emitted << u"statusChanged "_s + profile;
                if (rig.statuses.constFirst().second.state == ProfileState::NeedsMfa)
                    rig.statuses = {{u"dev"_s, ProfileStatus{}}};
            });
    rig.statuses = {{u"dev"_s, inState(ProfileState::NeedsMfa)}};
    outbox.flush();
    QCOMPARE(rig.emitted, (QStringList{u"statusChanged dev"_s, u"statusChanged dev"_s}));
    outbox.flush();
    QCOMPARE(rig.emitted.size(), 2);
}

QTEST_APPLESS_MAIN(tst_SignalOutbox)
#include "tst_signaloutbox.moc"
