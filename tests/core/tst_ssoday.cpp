// A day of IAM Identity Center, measured: how many calls imsa makes to sso-oidc and the portal
// for one SSO profile over 24 hours of simulated time, after one sign-in. imsa's real pieces
// (SsoClient over HTTP, SsoSignIn, the AWS CLI token cache, SsoRoleCredentials, the
// CredentialBroker) against the Identity Center stand-in on the STS stand-in's port, all on one
// FakeClock. The expected counts are derived from the lifetimes the stand-in hands out and the
// margins in imsa's headers; the counts are printed for the product owner.
#include <algorithm>
#include <chrono>
#include <limits>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "fakes/fakests.h"
#include "fakes/memorykeystore.h"
#include "imsa/credentialbroker.h"
#include "imsa/ssoclient.h"
#include "imsa/ssorolecredentials.h"
#include "imsa/ssosignin.h"
#include "imsa/ssotokencache.h"
#include "standinssorig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_SsoDay : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void aDayOnOneSignIn();
};

namespace {

using namespace std::chrono_literals;

// What the stand-in is set to hand out, as IAM Identity Center does by default: access tokens
// of one hour (the refresh token carries the session), and role credentials of one hour (a
// permission set's default session duration, PT1H). The stand-in has no knob for the length of
// the session itself: its refresh tokens work until used, so this is a session configured to
// last at least a day. With AWS's default of 8 hours a day would need a sign-in every 8 hours.
constexpr int accessTokenSeconds = 3600;
constexpr int roleCredentialsSeconds = 3600;

constexpr qint64 daySeconds = 24 * 3600;
// A running app looks at the clock at least this often (QTimer stops while the machine sleeps).
constexpr int stepSeconds = CredentialBroker::maxTimerMsecs / 1000;
// The user reads the code and approves it in the browser this long after imsa shows it.
constexpr int approveAfterSeconds = 20;

const QString profileName = u"dev-admin"_s;

SsoSettings ssoSettings()
{
    SsoSettings sso;
    sso.sessionName = u"day"_s; // an sso-session: registered with scopes, so refresh tokens
    sso.startUrl = u"https://example.awsapps.com/start"_s;
    sso.region = u"us-east-1"_s;
    sso.accountId = u"111111111111"_s;
    sso.roleName = u"AdministratorAccess"_s;
    return sso;
}

Profile ssoProfile()
{
    Profile profile;
    profile.name = profileName;
    profile.keyProfile = profileName;
    profile.region = u"us-east-1"_s;
    profile.sso = ssoSettings();
    return profile;
}

int ceilDiv(qint64 numerator, qint64 denominator)
{
    return int((numerator + denominator - 1) / denominator);
}

/// The broker's SSO source: the real SsoRoleCredentials behind it, with the asks not answered
/// yet counted, so that the test waits for exactly those instead of for a while.
class WatchedSsoSource final : public SsoCredentialSource
{
public:
    explicit WatchedSsoSource(SsoCredentialSource &source)
        : m_source(source)
    { }

    void roleCredentials(const SsoSettings &settings, QObject *context,
                         std::function<void(StsResult<AwsCredentials>)> done) override
    {
        ++m_asks;
        ++m_unanswered;
        m_source.roleCredentials(settings, context,
                                 [this, done = std::move(done)](StsResult<AwsCredentials> result) {
                                     --m_unanswered;
                                     if (!result)
                                         m_failures.append(result.error().message);
                                     done(std::move(result));
                                     if (m_unanswered == 0 && m_waiting)
                                         m_waiting->quit();
                                 });
    }

    /// Runs the event loop until every ask has been answered; false after answerTimeoutMs.
    [[nodiscard]] bool settle()
    {
        if (m_unanswered > 0) {
            QEventLoop loop;
            m_waiting = &loop;
            QTimer::singleShot(answerTimeoutMs, &loop, &QEventLoop::quit);
            loop.exec();
            m_waiting = nullptr;
        }
        return m_unanswered == 0;
    }

    int asks() const { return m_asks; }

    const QStringList &failures() const { return m_failures; }

private:
    SsoCredentialSource &m_source;
    int m_asks = 0;
    int m_unanswered = 0;
    QStringList m_failures;
    QEventLoop *m_waiting = nullptr;
};

QString hhmm(qint64 seconds)
{
    return u"%1:%2"_s.arg(seconds / 3600, 2, 10, QLatin1Char('0'))
            .arg(seconds % 3600 / 60, 2, 10, QLatin1Char('0'));
}

QString row(const QString &operation, int calls, const QString &expected)
{
    return u"  %1 %2  %3\n"_s.arg(operation, -40).arg(calls, 5).arg(expected, 8);
}

QString within(int expected)
{
    return QString::number(expected) + u" ± 1"_s;
}

bool near(int actual, int expected)
{
    return actual >= expected - 1 && actual <= expected + 1;
}

} // namespace

void tst_SsoDay::initTestCase()
{
    // imsa's lifecycle lines (a hundred over the day) would bury the table; warnings stay on and
    // fail the test.
    QLoggingCategory::setFilterRules(u"imsa.*.debug=false\nimsa.*.info=false"_s);
}

void tst_SsoDay::cleanupTestCase()
{
    QLoggingCategory::setFilterRules(QString());
}

void tst_SsoDay::aDayOnOneSignIn()
{
    // No errors: every failed call, refresh or renewal is logged as a warning.
    QTest::failOnWarning(QRegularExpression(u".*"_s));
    QElapsedTimer realTime;
    realTime.start();

    StandInSsoRig rig;
    QVERIFY(rig.harness.sts.listen());
    FakeClock &clock = rig.harness.clock;
    rig.sso.setStartUrl(ssoSettings().startUrl);
    rig.sso.setAccessTokenLifetime(accessTokenSeconds);
    rig.sso.setRoleCredentialsLifetime(roleCredentialsSeconds);

    QProcessEnvironment environment; // nothing inherited: both SSO services on the stand-in
    environment.insert(u"AWS_ENDPOINT_URL"_s, rig.harness.sts.url().toString());
    QTemporaryDir tokenCache;
    QVERIFY(tokenCache.isValid());
    SsoClient sso(rig.harness.network, clock);

    // The sign-in: the code is approved on the stand-in approveAfterSeconds after imsa shows it,
    // while imsa polls at the interval the stand-in announced, on the fake clock.
    SsoSignIn signIn(sso, clock, tokenCache.path(), environment, ssoSettings());
    QDateTime codeShownAt;
    DeviceAuthorization authorization;
    connect(&signIn, &SsoSignIn::codeReady, this, [&](const DeviceAuthorization &shown) {
        codeShownAt = clock.now();
        authorization = shown;
    });
    signIn.setPollDelay([&](int seconds) {
        clock.advance(seconds);
        if (codeShownAt.isValid() && codeShownAt.secsTo(clock.now()) >= approveAfterSeconds)
            rig.sso.approve(authorization.userCode);
        return 0ms;
    });
    QSignalSpy succeeded(&signIn, &SsoSignIn::succeeded);
    QSignalSpy failed(&signIn, &SsoSignIn::failed);
    signIn.start();
    QVERIFY(QTest::qWaitFor(
            [&] {
                return succeeded.size() + failed.size() > 0;
            },
            answerTimeoutMs * 4));
    QCOMPARE(failed.size(), 0);
    const int deviceCodePolls = rig.sso.callCount(u"CreateToken"_s);
    const QDateTime dayStart = clock.now();
    const qint64 tokenSeconds =
            dayStart.secsTo(succeeded.constFirst().constFirst().toDateTime()); // as handed out

    // The broker serves the profile from here on, renewing on its own; STS is never needed.
    FakeSts sts(clock);
    MemoryKeyStore keyStore;
    SsoRoleCredentials roleCredentials(sso, clock, tokenCache.path(), environment);
    WatchedSsoSource source(roleCredentials);
    CredentialBroker broker(sts, keyStore, clock);
    broker.setEnvironment(environment);
    broker.setSsoSource(&source);
    QSignalSpy refreshFailed(&broker, &CredentialBroker::refreshFailed);
    broker.setProfiles({ssoProfile()});
    QVERIFY(broker.setActiveProfile(profileName));
    QVERIFY(source.settle());
    const auto first = broker.credentials(profileName);
    QVERIFY(first);
    const qint64 roleSeconds = dayStart.secsTo(first->expiration); // as handed out

    // Counted rather than QVERIFY'd at once, so that the table is printed whatever happens.
    qint64 leastSecondsLeft = std::numeric_limits<qint64>::max();
    int stepsNothingServed = 0;
    int stepsExpiredServed = 0;
    int stepsTokenEnded = 0;
    QStringList problems;
    for (qint64 elapsed = stepSeconds; elapsed <= daySeconds; elapsed += stepSeconds) {
        clock.advance(stepSeconds);
        QVERIFY2(source.settle(), qPrintable(u"no answer at "_s + hhmm(elapsed)));
        const int asks = source.asks();
        const auto served = broker.credentials(profileName);
        // Serving is from memory: an IMDS request never waits for Identity Center.
        if (source.asks() != asks)
            problems.append(u"serving started a call at "_s + hhmm(elapsed));
        if (!served) {
            ++stepsNothingServed;
            problems.append(u"nothing served at "_s + hhmm(elapsed));
        } else if (served->expiration <= clock.now()) {
            ++stepsExpiredServed;
            problems.append(u"expired credentials served at "_s + hhmm(elapsed));
        } else {
            leastSecondsLeft = std::min(leastSecondsLeft, clock.now().secsTo(served->expiration));
        }
        // What the AWS CLI, sharing the token cache, finds there.
        const auto cached = readSsoCachedToken(tokenCache.path(), ssoSettings().tokenCacheKey());
        if (!cached || !cached.value())
            problems.append(u"no token in the cache at "_s + hhmm(elapsed));
        else if (cached.value()->expiresAt <= clock.now())
            ++stepsTokenEnded;
    }

    // Expected, from the lifetimes handed out and imsa's margins. Role credentials are renewed
    // CredentialBroker::refreshAtSeconds before their end, so every renewalPeriod, after the
    // first fetch at the start of the day. SsoRoleCredentials keeps no timer of its own: it
    // refreshes the access token when role credentials are fetched and the token has
    // refreshWindowSeconds or less left (or has ended), so at the first renewal at least
    // (token lifetime - window) after the token was issued.
    const qint64 renewalPeriod = roleSeconds - CredentialBroker::refreshAtSeconds;
    QVERIFY(renewalPeriod > 0);
    QVERIFY(tokenSeconds > SsoRoleCredentials::refreshWindowSeconds);
    const int renewalsPerToken =
            ceilDiv(tokenSeconds - SsoRoleCredentials::refreshWindowSeconds, renewalPeriod);
    const int expectedRoleCalls = 1 + int(daySeconds / renewalPeriod);
    const int expectedRefreshes = int(daySeconds / (renewalsPerToken * renewalPeriod));
    const int expectedPolls = ceilDiv(approveAfterSeconds, authorization.intervalSeconds);

    const int registrations = rig.sso.callCount(u"RegisterClient"_s);
    const int authorizations = rig.sso.callCount(u"StartDeviceAuthorization"_s);
    const int refreshes = rig.sso.callCount(u"CreateToken"_s) - deviceCodePolls;
    const int roleCalls = rig.sso.callCount(u"GetRoleCredentials"_s);
    const int listings = rig.sso.callCount(u"ListAccounts"_s)
            + rig.sso.callCount(u"ListAccountRoles"_s) + rig.sso.callCount(u"Logout"_s);
    const int total = int(rig.sso.calls().size());
    const auto pending = std::count_if(
            rig.sso.calls().cbegin(), rig.sso.calls().cend(), [](const StandInSsoCall &call) {
                return call.errorCode == u"AuthorizationPendingException"_s;
            });
    const auto errors = std::count_if(
            rig.sso.calls().cbegin(), rig.sso.calls().cend(), [](const StandInSsoCall &call) {
                return !call.errorCode.isEmpty()
                        && call.errorCode != u"AuthorizationPendingException"_s;
            });

    QString table = u"IAM Identity Center calls by imsa in 24 h of simulated time: one sign-in, "
                    u"one active SSO profile, the clock moved in %1 s steps\n"_s.arg(stepSeconds);
    table += u"  %1 %2  %3\n"_s.arg(u"operation"_s, -40).arg(u"calls"_s, 5).arg(u"expected"_s, 8);
    table += row(u"RegisterClient"_s, registrations, u"1"_s);
    table += row(u"StartDeviceAuthorization"_s, authorizations, u"1"_s);
    table += row(u"CreateToken, device code (sign-in)"_s, deviceCodePolls,
                 QString::number(expectedPolls));
    table += row(u"CreateToken, refresh token"_s, refreshes, within(expectedRefreshes));
    table += row(u"GetRoleCredentials"_s, roleCalls, within(expectedRoleCalls));
    table += row(u"ListAccounts, ListAccountRoles, Logout"_s, listings, u"0"_s);
    table += row(u"total"_s, total,
                 QString::number(2 + expectedPolls + expectedRefreshes + expectedRoleCalls)
                         + u" ± 2"_s);
    table += u"  errors: %1; STS calls: %2\n"_s.arg(errors).arg(sts.calls().size());
    table += u"from: access token %1 s, refreshed with %2 s or less left, and only when role "
             u"credentials are fetched; role credentials %3 s, renewed with %4 s left (every "
             u"%5 s); poll interval %6 s, code approved after %7 s\n"_s.arg(tokenSeconds)
                     .arg(SsoRoleCredentials::refreshWindowSeconds)
                     .arg(roleSeconds)
                     .arg(CredentialBroker::refreshAtSeconds)
                     .arg(renewalPeriod)
                     .arg(authorization.intervalSeconds)
                     .arg(approveAfterSeconds);
    table += u"assumes a session that lasts the day: the stand-in's refresh tokens do not "
             u"expire\n"_s;
    table += u"%1 of %2 steps served credentials (at least %3 s left), %4 served expired ones; "
             u"the AWS CLI's cached access token was past its end at %5 steps; %6 ms of real "
             u"time"_s.arg(daySeconds / stepSeconds - stepsNothingServed - stepsExpiredServed)
                     .arg(daySeconds / stepSeconds)
                     .arg(leastSecondsLeft)
                     .arg(stepsExpiredServed)
                     .arg(stepsTokenEnded)
                     .arg(realTime.elapsed());
    qInfo().noquote() << table;

    QVERIFY2(problems.isEmpty(), qPrintable(problems.mid(0, 5).join(u"; "_s)));
    QCOMPARE(stepsNothingServed, 0);
    QCOMPARE(stepsExpiredServed, 0);
    QCOMPARE(registrations, 1);
    QCOMPARE(authorizations, 1);
    QCOMPARE(deviceCodePolls, expectedPolls);
    QCOMPARE(pending, qsizetype(deviceCodePolls - 1));
    QVERIFY2(near(refreshes, expectedRefreshes),
             qPrintable(u"%1 refreshes, expected %2 ± 1"_s.arg(refreshes).arg(expectedRefreshes)));
    QVERIFY2(near(roleCalls, expectedRoleCalls),
             qPrintable(u"%1 GetRoleCredentials, expected %2 ± 1"_s.arg(roleCalls).arg(
                     expectedRoleCalls)));
    // Every fetch of role credentials was the broker's, none was retried.
    QCOMPARE(source.asks(), roleCalls);
    QCOMPARE(listings, 0);
    QCOMPARE(errors, qsizetype(0));
    QVERIFY2(source.failures().isEmpty(), qPrintable(source.failures().join(u"; "_s)));
    QCOMPARE(refreshFailed.size(), 0);
    QVERIFY(sts.calls().isEmpty());
    QVERIFY(!broker.status(profileName).lastError);
    QCOMPARE(broker.status(profileName).state, ProfileState::Ready);
}

QTEST_GUILESS_MAIN(tst_SsoDay)
#include "tst_ssoday.moc"
