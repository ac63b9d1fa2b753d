#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include "../fakes/fakeclock.h"
#include "../fakes/fakessoapi.h"
#include "imsa/ssorolecredentials.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// SsoRoleCredentials: the token from the AWS CLI's cache, its refresh, and the portal call.
class tst_SsoRoleCredentials : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void validTokenGetsRoleCredentials();
    void noSignInNeedsOne();
    void endedTokenWithoutRefreshNeedsSignIn();
    void dueTokenIsRefreshedAndWrittenBack();
    void concurrentAsksShareOneRefresh();
    void failedRefreshKeepsTheTokenInHand();
    void failedRefreshOfAnEndedTokenNeedsSignIn();
    void portalErrorsInBrokerTerms_data();
    void portalErrorsInBrokerTerms();
    void unreadableCacheIsNamed();
};

namespace {

const QString sessionName = u"my-sso"_s;
const QUrl portal(u"http://127.0.0.1:9/portal"_s);
const QUrl oidc(u"http://127.0.0.1:9/oidc"_s);

SsoSettings settings()
{
    SsoSettings sso;
    sso.sessionName = sessionName;
    sso.startUrl = u"https://example.awsapps.com/start"_s;
    sso.region = u"eu-west-1"_s;
    sso.accountId = u"111122223333"_s;
    sso.roleName = u"Developer"_s;
    return sso;
}

class Rig
{
public:
    Rig()
    {
        QProcessEnvironment environment;
        environment.insert(u"AWS_ENDPOINT_URL_SSO"_s, portal.toString());
        environment.insert(u"AWS_ENDPOINT_URL_SSO_OIDC"_s, oidc.toString());
        source = std::make_unique<SsoRoleCredentials>(api, clock, dir.path(), environment);
        api.roleCredentialsAnswer = AwsCredentials{u"ASIAROLE"_s, u"role-secret"_s, u"role-token"_s,
                                                   clock.now().addSecs(3600)};
    }

    QString cacheFile() const
    {
        const QByteArray hash =
                QCryptographicHash::hash(sessionName.toUtf8(), QCryptographicHash::Sha1).toHex();
        return dir.filePath(QString::fromLatin1(hash) + u".json"_s);
    }

    /// A cache file as `aws sso login` writes it, the token ending `secondsLeft` from now.
    void writeCache(qint64 secondsLeft, bool withRefresh = true)
    {
        QJsonObject token{{u"startUrl"_s, settings().startUrl},
                          {u"region"_s, settings().region},
                          {u"accessToken"_s, u"access-1"_s},
                          {u"expiresAt"_s, isoZ(clock.now().addSecs(secondsLeft))},
                          {u"unknownField"_s, u"kept"_s}};
        if (withRefresh) {
            token.insert(u"refreshToken"_s, u"refresh-1"_s);
            token.insert(u"clientId"_s, u"client-1"_s);
            token.insert(u"clientSecret"_s, u"client-secret-1"_s);
            token.insert(u"registrationExpiresAt"_s, isoZ(clock.now().addDays(80)));
        }
        QFile file(cacheFile());
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QJsonDocument(token).toJson());
    }

    QJsonObject readCache() const
    {
        QFile file(cacheFile());
        return file.open(QIODevice::ReadOnly) ? QJsonDocument::fromJson(file.readAll()).object()
                                              : QJsonObject();
    }

    /// Asks for role credentials and waits for the answer (bounded).
    std::optional<StsResult<AwsCredentials>> ask()
    {
        std::optional<StsResult<AwsCredentials>> answer;
        source->roleCredentials(settings(), &context, [&answer](StsResult<AwsCredentials> result) {
            answer = std::move(result);
        });
        if (!QTest::qWaitFor(
                    [&answer] {
                        return answer.has_value();
                    },
                    2000))
            return std::nullopt;
        return answer;
    }

    static QString isoZ(const QDateTime &time)
    {
        return time.toUTC().toString(u"yyyy-MM-ddTHH:mm:ssZ"_s);
    }

    QTemporaryDir dir;
    FakeClock clock;
    FakeSsoApi api;
    QObject context;
    std::unique_ptr<SsoRoleCredentials> source;
};

} // namespace

void tst_SsoRoleCredentials::validTokenGetsRoleCredentials()
{
    Rig rig;
    rig.writeCache(8 * 3600);
    const auto answer = rig.ask();
    QVERIFY(answer);
    QVERIFY(answer->ok());
    QCOMPARE(answer->value().accessKeyId, u"ASIAROLE"_s);
    QCOMPARE(rig.api.calls().size(), 1);
    const FakeSsoCall call = rig.api.calls().constFirst();
    QCOMPARE(call.operation, u"GetRoleCredentials"_s);
    QCOMPARE(call.endpoint, portal);
    QCOMPARE(call.token, u"access-1"_s);
    QCOMPARE(call.accountId, u"111122223333"_s);
    QCOMPARE(call.roleName, u"Developer"_s);
}

void tst_SsoRoleCredentials::noSignInNeedsOne()
{
    Rig rig;
    const auto answer = rig.ask();
    QVERIFY(answer);
    QVERIFY(!answer->ok());
    QCOMPARE(answer->error().code, StsErrorCode::SignInNeeded);
    QVERIFY(rig.api.calls().isEmpty());
}

void tst_SsoRoleCredentials::endedTokenWithoutRefreshNeedsSignIn()
{
    Rig rig;
    rig.writeCache(-1, false);
    const auto answer = rig.ask();
    QVERIFY(answer);
    QCOMPARE(answer->error().code, StsErrorCode::SignInNeeded);
    QVERIFY(rig.api.calls().isEmpty());
}

void tst_SsoRoleCredentials::dueTokenIsRefreshedAndWrittenBack()
{
    Rig rig;
    rig.writeCache(SsoRoleCredentials::refreshWindowSeconds - 1);
    rig.api.refreshAnswer = SsoToken{u"access-2"_s, u"refresh-2"_s, rig.clock.now().addSecs(28800)};
    const auto answer = rig.ask();
    QVERIFY(answer);
    QVERIFY(answer->ok());
    QCOMPARE(rig.api.count(u"RefreshToken"_s), 1);
    QCOMPARE(rig.api.calls().constFirst().token, u"refresh-1"_s);
    QCOMPARE(rig.api.calls().constFirst().endpoint, oidc);
    QCOMPARE(rig.api.calls().constLast().token, u"access-2"_s);

    const QJsonObject cache = rig.readCache();
    QCOMPARE(cache.value(u"accessToken"_s).toString(), u"access-2"_s);
    QCOMPARE(cache.value(u"refreshToken"_s).toString(), u"refresh-2"_s);
    QCOMPARE(cache.value(u"clientId"_s).toString(), u"client-1"_s);
    QCOMPARE(cache.value(u"unknownField"_s).toString(), u"kept"_s);
    QCOMPARE(QFile::permissions(rig.cacheFile()) & 0x0077, QFileDevice::Permissions());
}

void tst_SsoRoleCredentials::concurrentAsksShareOneRefresh()
{
    Rig rig;
    rig.writeCache(60);
    rig.api.refreshAnswer = SsoToken{u"access-2"_s, u"refresh-2"_s, rig.clock.now().addSecs(28800)};
    rig.api.setHolding(true);
    int answered = 0;
    for (int i = 0; i < 3; ++i)
        rig.source->roleCredentials(settings(), &rig.context,
                                    [&answered](const StsResult<AwsCredentials> &result) {
                                        answered += result.ok() ? 1 : 0;
                                    });
    QTest::qWait(10);
    QCOMPARE(rig.api.count(u"RefreshToken"_s), 1);
    rig.api.setHolding(false);
    rig.api.release();
    QTRY_COMPARE_WITH_TIMEOUT(answered, 3, 2000);
    QCOMPARE(rig.api.count(u"RefreshToken"_s), 1);
    QCOMPARE(rig.api.count(u"GetRoleCredentials"_s), 3);
}

void tst_SsoRoleCredentials::failedRefreshKeepsTheTokenInHand()
{
    Rig rig;
    rig.writeCache(5 * 60);
    rig.api.refreshAnswer = SsoError{SsoErrorCode::InvalidGrant, u"invalid_grant"_s, {}, 400};
    const auto answer = rig.ask();
    QVERIFY(answer);
    QVERIFY(answer->ok());
    QCOMPARE(rig.api.calls().constLast().token, u"access-1"_s);
    QCOMPARE(rig.readCache().value(u"accessToken"_s).toString(), u"access-1"_s);
}

void tst_SsoRoleCredentials::failedRefreshOfAnEndedTokenNeedsSignIn()
{
    Rig rig;
    rig.writeCache(-60);
    rig.api.refreshAnswer = SsoError{SsoErrorCode::InvalidGrant, u"invalid_grant"_s, {}, 400};
    const auto answer = rig.ask();
    QVERIFY(answer);
    QCOMPARE(answer->error().code, StsErrorCode::SignInNeeded);
    QCOMPARE(rig.api.count(u"GetRoleCredentials"_s), 0);
}

void tst_SsoRoleCredentials::portalErrorsInBrokerTerms_data()
{
    QTest::addColumn<SsoErrorCode>("portalCode");
    QTest::addColumn<StsErrorCode>("brokerCode");
    QTest::addRow("401: sign in again") << SsoErrorCode::Unauthorized << StsErrorCode::SignInNeeded;
    QTest::addRow("403: no such role for you")
            << SsoErrorCode::Forbidden << StsErrorCode::AccessDenied;
    QTest::addRow("404: no such account") << SsoErrorCode::NotFound << StsErrorCode::AccessDenied;
    QTest::addRow("429: retried") << SsoErrorCode::Throttled << StsErrorCode::Throttled;
    QTest::addRow("500: retried") << SsoErrorCode::ServerError << StsErrorCode::ServerError;
    QTest::addRow("no network: retried") << SsoErrorCode::Network << StsErrorCode::Network;
}

void tst_SsoRoleCredentials::portalErrorsInBrokerTerms()
{
    QFETCH(SsoErrorCode, portalCode);
    QFETCH(StsErrorCode, brokerCode);
    Rig rig;
    rig.writeCache(8 * 3600);
    rig.api.roleCredentialsAnswer =
            SsoError{portalCode, u"SomeException"_s, u"portal says no"_s, 0};
    const auto answer = rig.ask();
    QVERIFY(answer);
    QCOMPARE(answer->error().code, brokerCode);
    QCOMPARE(answer->error().message, u"portal says no"_s);
}

void tst_SsoRoleCredentials::unreadableCacheIsNamed()
{
    Rig rig;
    QFile file(rig.cacheFile());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{not json");
    file.close();
    const auto answer = rig.ask();
    QVERIFY(answer);
    QVERIFY(!answer->ok());
    QVERIFY2(answer->error().message.contains(rig.cacheFile()),
             qPrintable(answer->error().message));
    QVERIFY(rig.api.calls().isEmpty());
}

QTEST_GUILESS_MAIN(tst_SsoRoleCredentials)
#include "tst_ssorolecredentials.moc"
