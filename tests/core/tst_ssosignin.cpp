#include <QCryptographicHash>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "../fakes/fakeclock.h"
#include "../fakes/fakessoapi.h"
#include "imsa/ssosignin.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// The device-authorization sign-in: registration, polling by RFC 8628's rules, the token cache.
class tst_SsoSignIn : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void approvedCodeIsCachedForTheAwsCli();
    void slowDownAddsFiveSeconds();
    void endsOnRefusal_data();
    void endsOnRefusal();
    void giveUpWhenTheCodeExpires();
    void transientFailuresKeepPolling();
    void cachedRegistrationIsReused();
    void scopes_data();
    void scopes();
    void cancelStopsPolling();
};

namespace {

const QUrl oidc(u"http://127.0.0.1:9/oidc"_s);

SsoSettings sessionSettings()
{
    SsoSettings sso;
    sso.sessionName = u"my-sso"_s;
    sso.startUrl = u"https://example.awsapps.com/start"_s;
    sso.region = u"eu-west-1"_s;
    return sso;
}

SsoError oauthError(SsoErrorCode code, const QString &awsCode)
{
    return SsoError{code, awsCode, {}, 400};
}

class Rig
{
public:
    explicit Rig(const SsoSettings &signInSettings = sessionSettings())
        : settings(signInSettings)
        , signIn(std::make_unique<SsoSignIn>(api, clock, dir.path(), oidcEnvironment(), settings))
    {
        api.registerAnswer =
                SsoClientRegistration{u"client-1"_s, u"client-secret-1"_s, clock.now().addDays(90)};
        api.authorizationAnswer = DeviceAuthorization{
                u"device-1"_s,
                u"ABCD-EFGH"_s,
                u"https://device.sso.eu-west-1.amazonaws.com/"_s,
                u"https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"_s,
                600,
                1};
        // Time passes only on the fake clock: a ten-minute wait takes no real time.
        signIn->setPollDelay([this](int seconds) {
            delays.append(seconds);
            clock.advance(seconds);
            return std::chrono::milliseconds(0);
        });
    }

    static QProcessEnvironment oidcEnvironment()
    {
        QProcessEnvironment environment;
        environment.insert(u"AWS_ENDPOINT_URL_SSO_OIDC"_s, oidc.toString());
        return environment;
    }

    SsoToken token() const
    {
        return SsoToken{u"access-1"_s, u"refresh-1"_s, clock.now().addSecs(8 * 3600)};
    }

    QString cacheFile() const
    {
        const QByteArray hash = QCryptographicHash::hash(settings.tokenCacheKey().toUtf8(),
                                                         QCryptographicHash::Sha1)
                                        .toHex();
        return dir.filePath(QString::fromLatin1(hash) + u".json"_s);
    }

    QJsonObject readCache() const
    {
        QFile file(cacheFile());
        return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                              : QJsonObject();
    }

    /// Starts and waits until the sign-in has ended (bounded).
    [[nodiscard]] bool run()
    {
        signIn->start();
        return QTest::qWaitFor(
                [this] {
                    return succeeded.size() + failed.size() > 0;
                },
                3000);
    }

    SsoSettings settings;
    QTemporaryDir dir;
    FakeClock clock;
    FakeSsoApi api;
    std::unique_ptr<SsoSignIn> signIn;
    QList<int> delays;
    QSignalSpy codeReady{signIn.get(), &SsoSignIn::codeReady};
    QSignalSpy succeeded{signIn.get(), &SsoSignIn::succeeded};
    QSignalSpy failed{signIn.get(), &SsoSignIn::failed};
};

} // namespace

void tst_SsoSignIn::approvedCodeIsCachedForTheAwsCli()
{
    Rig rig;
    const SsoError pending =
            oauthError(SsoErrorCode::AuthorizationPending, u"authorization_pending"_s);
    const SsoToken token = rig.token();
    rig.api.deviceTokenAnswers = {pending, pending, token};
    QVERIFY(rig.run());

    QCOMPARE(rig.codeReady.size(), 1);
    QCOMPARE(rig.codeReady.constFirst().constFirst().value<DeviceAuthorization>().userCode,
             u"ABCD-EFGH"_s);
    QCOMPARE(rig.succeeded.size(), 1);
    QCOMPARE(rig.api.count(u"CreateToken"_s), 3);
    QCOMPARE(rig.delays, (QList<int>{1, 1, 1}));
    const FakeSsoCall poll = rig.api.calls().constLast();
    QCOMPARE(poll.token, u"device-1"_s);
    QCOMPARE(poll.clientId, u"client-1"_s);
    QCOMPARE(poll.endpoint, oidc);

    const QJsonObject cache = rig.readCache();
    QCOMPARE(cache.value(u"startUrl"_s).toString(), rig.settings.startUrl);
    QCOMPARE(cache.value(u"region"_s).toString(), u"eu-west-1"_s);
    QCOMPARE(cache.value(u"accessToken"_s).toString(), u"access-1"_s);
    QCOMPARE(cache.value(u"refreshToken"_s).toString(), u"refresh-1"_s);
    QCOMPARE(cache.value(u"clientId"_s).toString(), u"client-1"_s);
    QCOMPARE(cache.value(u"clientSecret"_s).toString(), u"client-secret-1"_s);
    QVERIFY(cache.contains(u"registrationExpiresAt"_s));
    QCOMPARE(QDateTime::fromString(cache.value(u"expiresAt"_s).toString(), Qt::ISODate),
             token.expiresAt);
}

void tst_SsoSignIn::slowDownAddsFiveSeconds()
{
    Rig rig;
    rig.api.deviceTokenAnswers = {
            oauthError(SsoErrorCode::SlowDown, u"slow_down"_s),
            oauthError(SsoErrorCode::AuthorizationPending, u"authorization_pending"_s),
            rig.token()};
    QVERIFY(rig.run());
    QCOMPARE(rig.succeeded.size(), 1);
    QCOMPARE(rig.delays,
             (QList<int>{1, 1 + SsoSignIn::slowDownSeconds, 1 + SsoSignIn::slowDownSeconds}));
}

void tst_SsoSignIn::endsOnRefusal_data()
{
    QTest::addColumn<SsoError>("refusal");
    QTest::addRow("code expired") << oauthError(SsoErrorCode::ExpiredToken, u"expired_token"_s);
    QTest::addRow("user denied") << oauthError(SsoErrorCode::AccessDenied, u"access_denied"_s);
    QTest::addRow("registration gone")
            << oauthError(SsoErrorCode::InvalidClient, u"invalid_client"_s);
}

void tst_SsoSignIn::endsOnRefusal()
{
    QFETCH(SsoError, refusal);
    Rig rig;
    rig.api.deviceTokenAnswers = {refusal};
    QVERIFY(rig.run());
    QCOMPARE(rig.failed.size(), 1);
    QCOMPARE(rig.failed.constFirst().constFirst().value<SsoError>().code, refusal.code);
    QCOMPARE(rig.api.count(u"CreateToken"_s), 1);
    QVERIFY(!QFile::exists(rig.cacheFile()));
}

void tst_SsoSignIn::giveUpWhenTheCodeExpires()
{
    Rig rig;
    DeviceAuthorization shortLived = rig.api.authorizationAnswer->value();
    shortLived.expiresInSeconds = 10;
    rig.api.authorizationAnswer = shortLived;
    rig.api.deviceTokenAnswers = {
            oauthError(SsoErrorCode::AuthorizationPending, u"authorization_pending"_s)};
    QVERIFY(rig.run());
    QCOMPARE(rig.failed.size(), 1);
    QCOMPARE(rig.failed.constFirst().constFirst().value<SsoError>().code,
             SsoErrorCode::ExpiredToken);
    // Polled once a second until the tenth second, then no more.
    QCOMPARE(rig.api.count(u"CreateToken"_s), 9);
}

void tst_SsoSignIn::transientFailuresKeepPolling()
{
    Rig rig;
    rig.api.deviceTokenAnswers = {SsoError{SsoErrorCode::ServerError, {}, u"busy"_s, 500},
                                  SsoError{SsoErrorCode::Network, {}, u"reset"_s, 0}, rig.token()};
    QVERIFY(rig.run());
    QCOMPARE(rig.succeeded.size(), 1);
    QCOMPARE(rig.api.count(u"CreateToken"_s), 3);
}

void tst_SsoSignIn::cachedRegistrationIsReused()
{
    Rig first;
    first.api.deviceTokenAnswers = {first.token()};
    QVERIFY(first.run());

    Rig second;
    QFile::remove(second.cacheFile());
    QVERIFY(QFile::copy(first.cacheFile(), second.cacheFile()));
    second.api.registerAnswer.reset();
    second.api.deviceTokenAnswers = {second.token()};
    QVERIFY(second.run());
    QCOMPARE(second.succeeded.size(), 1);
    QCOMPARE(second.api.count(u"RegisterClient"_s), 0);
    QCOMPARE(second.api.calls().constFirst().clientId, u"client-1"_s);
}

void tst_SsoSignIn::scopes_data()
{
    QTest::addColumn<SsoSettings>("settings");
    QTest::addColumn<QStringList>("scopes");
    QTest::addRow("sso-session: account access by default")
            << sessionSettings() << QStringList{u"sso:account:access"_s};
    SsoSettings configured = sessionSettings();
    configured.registrationScopes = {u"sso:account:access"_s, u"codewhisperer:completions"_s};
    QTest::addRow("sso-session: as configured") << configured << configured.registrationScopes;
    SsoSettings legacy = sessionSettings();
    legacy.sessionName.clear();
    QTest::addRow("legacy profile: none, like the AWS CLI") << legacy << QStringList();
}

void tst_SsoSignIn::scopes()
{
    QFETCH(SsoSettings, settings);
    QFETCH(QStringList, scopes);
    Rig rig(settings);
    rig.api.deviceTokenAnswers = {rig.token()};
    QVERIFY(rig.run());
    QCOMPARE(rig.api.calls().constFirst().operation, u"RegisterClient"_s);
    QCOMPARE(rig.api.calls().constFirst().scopes, scopes);
    QVERIFY(QFile::exists(rig.cacheFile()));
}

void tst_SsoSignIn::cancelStopsPolling()
{
    Rig rig;
    rig.signIn->setPollDelay([](int) {
        return std::chrono::milliseconds(50);
    });
    rig.api.deviceTokenAnswers = {
            oauthError(SsoErrorCode::AuthorizationPending, u"authorization_pending"_s)};
    rig.signIn->start();
    QTRY_COMPARE_WITH_TIMEOUT(rig.codeReady.size(), 1, 2000);
    rig.signIn->cancel();
    QCOMPARE(rig.failed.size(), 1);
    const int polls = rig.api.count(u"CreateToken"_s);
    QTest::qWait(200);
    QCOMPARE(rig.api.count(u"CreateToken"_s), polls);
    QCOMPARE(rig.succeeded.size(), 0);
}

QTEST_GUILESS_MAIN(tst_SsoSignIn)
#include "tst_ssosignin.moc"
