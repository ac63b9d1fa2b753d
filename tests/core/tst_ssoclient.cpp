#include <QElapsedTimer>
#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

#include "ssoclientrig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

// SsoClient's requests and the answers it reads, call by call, in botocore's shapes.
class tst_SsoClient : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void registerClient();
    void startDeviceAuthorization();
    void createTokenFromDeviceCode();
    void refreshToken();
    void getRoleCredentials();
    void paginationTokensPassThrough();
    void logout();

private:
    std::unique_ptr<SsoClientRig> m_rig;
};

void tst_SsoClient::init()
{
    m_rig = std::make_unique<SsoClientRig>();
    QVERIFY(m_rig->listen());
}

void tst_SsoClient::cleanup()
{
    m_rig.reset();
}

void tst_SsoClient::registerClient()
{
    m_rig->answer({ssoJson(200,
                           {{u"clientId"_s, u"client-id-123"_s},
                            {u"clientSecret"_s, ssoClientSecret},
                            {u"clientIdIssuedAt"_s, 1764694800},
                            {u"clientSecretExpiresAt"_s, 1772470800}})});
    SsoOutcome<SsoClientRegistration> outcome;
    m_rig->client->registerClient(m_rig->url(), u"imsa"_s, {u"sso:account:access"_s}, this,
                                  outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    QCOMPARE(outcome.result->value(),
             (SsoClientRegistration{u"client-id-123"_s, ssoClientSecret,
                                    QDateTime::fromSecsSinceEpoch(1772470800, Qt::UTC)}));

    QCOMPARE(m_rig->requests.size(), 1);
    const StandInRequest &request = m_rig->requests.constFirst();
    QCOMPARE(request.method, "POST");
    QCOMPARE(request.target, "/client/register");
    QCOMPARE(request.header("Content-Type"), "application/json");
    QVERIFY(request.header("x-amz-sso_bearer_token").isEmpty());
    QCOMPARE(ssoBodyOf(request),
             (QJsonObject{{u"clientName"_s, u"imsa"_s},
                          {u"clientType"_s, u"public"_s},
                          {u"scopes"_s, QJsonArray{u"sso:account:access"_s}}}));

    // The legacy form registers without scopes, and the member is left out (not empty).
    SsoOutcome<SsoClientRegistration> legacy;
    m_rig->client->registerClient(m_rig->url(), u"imsa"_s, {}, this, legacy.callback());
    QVERIFY(legacy.wait());
    QCOMPARE(ssoBodyOf(m_rig->requests.constLast()),
             (QJsonObject{{u"clientName"_s, u"imsa"_s}, {u"clientType"_s, u"public"_s}}));
}

void tst_SsoClient::startDeviceAuthorization()
{
    m_rig->answer(
            {ssoJson(200,
                     {{u"deviceCode"_s, ssoDeviceCode},
                      {u"userCode"_s, u"ABCD-EFGH"_s},
                      {u"verificationUri"_s, u"https://device.sso.eu-west-1.amazonaws.com/"_s},
                      {u"verificationUriComplete"_s,
                       u"https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"_s},
                      {u"expiresIn"_s, 600},
                      {u"interval"_s, 1}}),
             ssoJson(200,
                     {{u"deviceCode"_s, ssoDeviceCode},
                      {u"userCode"_s, u"ABCD-EFGH"_s},
                      {u"verificationUri"_s, u"https://d/"_s},
                      {u"verificationUriComplete"_s, u"https://d/?c"_s},
                      {u"expiresIn"_s, 600}})});
    SsoOutcome<DeviceAuthorization> outcome;
    const QString startUrl = u"https://my-sso-portal.awsapps.com/start"_s;
    m_rig->client->startDeviceAuthorization(m_rig->url(), ssoRegistration(), startUrl, this,
                                            outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    const DeviceAuthorization &authorization = outcome.result->value();
    QCOMPARE(authorization.deviceCode, ssoDeviceCode);
    QCOMPARE(authorization.userCode, u"ABCD-EFGH"_s);
    QCOMPARE(authorization.verificationUri, u"https://device.sso.eu-west-1.amazonaws.com/"_s);
    QCOMPARE(authorization.verificationUriComplete,
             u"https://device.sso.eu-west-1.amazonaws.com/?user_code=ABCD-EFGH"_s);
    QCOMPARE(authorization.expiresInSeconds, 600);
    QCOMPARE(authorization.intervalSeconds, 1);
    const StandInRequest &request = m_rig->requests.constFirst();
    QCOMPARE(request.method, "POST");
    QCOMPARE(request.target, "/device_authorization");
    QCOMPARE(request.header("Content-Type"), "application/json");
    QCOMPARE(ssoBodyOf(request),
             (QJsonObject{{u"clientId"_s, u"client-id-123"_s},
                          {u"clientSecret"_s, ssoClientSecret},
                          {u"startUrl"_s, startUrl}}));

    // Without `interval`, RFC 8628's default of 5 seconds.
    SsoOutcome<DeviceAuthorization> noInterval;
    m_rig->client->startDeviceAuthorization(m_rig->url(), ssoRegistration(), startUrl, this,
                                            noInterval.callback());
    QVERIFY(noInterval.wait());
    QCOMPARE(noInterval.result->value().intervalSeconds, 5);
}

void tst_SsoClient::createTokenFromDeviceCode()
{
    m_rig->answer({ssoJson(200,
                           {{u"accessToken"_s, ssoAccessToken},
                            {u"tokenType"_s, u"Bearer"_s},
                            {u"expiresIn"_s, 28800},
                            {u"refreshToken"_s, ssoRefreshToken},
                            {u"idToken"_s, u"id"_s}})});
    SsoOutcome<SsoToken> outcome;
    m_rig->client->createTokenFromDeviceCode(m_rig->url(), ssoRegistration(), ssoDeviceCode, this,
                                             outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    QCOMPARE(outcome.result->value(),
             (SsoToken{ssoAccessToken, ssoRefreshToken, m_rig->clock.now().addSecs(28800)}));
    const StandInRequest &request = m_rig->requests.constFirst();
    QCOMPARE(request.method, "POST");
    QCOMPARE(request.target, "/token");
    QCOMPARE(request.header("Content-Type"), "application/json");
    QCOMPARE(ssoBodyOf(request),
             (QJsonObject{{u"clientId"_s, u"client-id-123"_s},
                          {u"clientSecret"_s, ssoClientSecret},
                          {u"grantType"_s, u"urn:ietf:params:oauth:grant-type:device_code"_s},
                          {u"deviceCode"_s, ssoDeviceCode}}));
}

void tst_SsoClient::refreshToken()
{
    // The legacy-style answer without a refresh token, under an endpoint with a path.
    m_rig->answer({ssoJson(200, {{u"accessToken"_s, ssoAccessToken}, {u"expiresIn"_s, 3600}})});
    SsoOutcome<SsoToken> outcome;
    m_rig->client->refreshToken(m_rig->url().resolved(QUrl(u"/prefix/"_s)), ssoRegistration(),
                                ssoRefreshToken, this, outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    QCOMPARE(outcome.result->value(),
             (SsoToken{ssoAccessToken, {}, m_rig->clock.now().addSecs(3600)}));
    QCOMPARE(m_rig->requests.constFirst().target, "/prefix/token");
    QCOMPARE(ssoBodyOf(m_rig->requests.constFirst()),
             (QJsonObject{{u"clientId"_s, u"client-id-123"_s},
                          {u"clientSecret"_s, ssoClientSecret},
                          {u"grantType"_s, u"refresh_token"_s},
                          {u"refreshToken"_s, ssoRefreshToken}}));
}

void tst_SsoClient::getRoleCredentials()
{
    m_rig->answer({ssoJson(200,
                           {{u"roleCredentials"_s,
                             QJsonObject{{u"accessKeyId"_s, u"ASIAEXAMPLE000000001"_s},
                                         {u"secretAccessKey"_s, u"role-secret"_s},
                                         {u"sessionToken"_s, u"role-session"_s},
                                         {u"expiration"_s, 1764702000123.0}}}})});
    SsoOutcome<AwsCredentials> outcome;
    // A role name needing every kind of escape: space, '+', '/', '&', '=', non-ASCII.
    const QString roleName = u"Admin Role+x/y&z=1é"_s;
    m_rig->client->getRoleCredentials(m_rig->url(), ssoAccessToken, u"123456789012"_s, roleName,
                                      this, outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    QCOMPARE(outcome.result->value(),
             (AwsCredentials{u"ASIAEXAMPLE000000001"_s, u"role-secret"_s, u"role-session"_s,
                             QDateTime::fromMSecsSinceEpoch(1764702000123, Qt::UTC)}));
    const StandInRequest &request = m_rig->requests.constFirst();
    QCOMPARE(request.method, "GET");
    QCOMPARE(request.path(), "/federation/credentials");
    QCOMPARE(request.query(),
             "role_name=Admin%20Role%2Bx%2Fy%26z%3D1%C3%A9&account_id=123456789012");
    QCOMPARE(QUrlQuery(QString::fromLatin1(request.query()))
                     .queryItemValue(u"role_name"_s, QUrl::FullyDecoded),
             roleName);
    QCOMPARE(request.header("x-amz-sso_bearer_token"), ssoAccessToken.toUtf8());
    QVERIFY(request.body.isEmpty());
}

void tst_SsoClient::paginationTokensPassThrough()
{
    const QString nextToken = u"AAMA-EFRSURBHg+/tok=="_s;
    m_rig->answer({ssoJson(200,
                           {{u"accountList"_s,
                             QJsonArray{QJsonObject{{u"accountId"_s, u"123456789012"_s},
                                                    {u"accountName"_s, u"Production"_s},
                                                    {u"emailAddress"_s, u"prod@example.com"_s}}}},
                            {u"nextToken"_s, nextToken}}),
                   ssoJson(200, {{u"accountList"_s, QJsonArray{}}, {u"nextToken"_s, QJsonValue()}}),
                   ssoJson(200,
                           {{u"roleList"_s,
                             QJsonArray{QJsonObject{{u"roleName"_s, u"AdministratorAccess"_s},
                                                    {u"accountId"_s, u"123456789012"_s}},
                                        QJsonObject{{u"roleName"_s, u"ReadOnly"_s},
                                                    {u"accountId"_s, u"123456789012"_s}}}},
                            {u"nextToken"_s, nextToken}}),
                   ssoJson(200, {{u"roleList"_s, QJsonArray{}}})});

    SsoOutcome<SsoPage<SsoAccount>> first;
    m_rig->client->listAccounts(m_rig->url(), ssoAccessToken, {}, this, first.callback());
    QVERIFY(first.wait());
    QVERIFY(first.result->ok());
    QCOMPARE(first.result->value().items.size(), 1);
    const SsoAccount &account = first.result->value().items.constFirst();
    QCOMPARE(account.accountId, u"123456789012"_s);
    QCOMPARE(account.accountName, u"Production"_s);
    QCOMPARE(account.emailAddress, u"prod@example.com"_s);
    QCOMPARE(first.result->value().nextToken, nextToken);
    SsoOutcome<SsoPage<SsoAccount>> last;
    m_rig->client->listAccounts(m_rig->url(), ssoAccessToken, nextToken, this, last.callback());
    QVERIFY(last.wait());
    QVERIFY(last.result->ok());
    QVERIFY(last.result->value().items.isEmpty());
    QVERIFY(last.result->value().nextToken.isEmpty());

    SsoOutcome<SsoPage<QString>> roles;
    m_rig->client->listAccountRoles(m_rig->url(), ssoAccessToken, u"123456789012"_s, {}, this,
                                    roles.callback());
    QVERIFY(roles.wait());
    QCOMPARE(roles.result->value().items,
             (QList<QString>{u"AdministratorAccess"_s, u"ReadOnly"_s}));
    QCOMPARE(roles.result->value().nextToken, nextToken);
    SsoOutcome<SsoPage<QString>> lastRoles;
    m_rig->client->listAccountRoles(m_rig->url(), ssoAccessToken, u"123456789012"_s, nextToken,
                                    this, lastRoles.callback());
    QVERIFY(lastRoles.wait());
    QVERIFY(lastRoles.result->value().nextToken.isEmpty());

    QCOMPARE(m_rig->requests.size(), 4);
    QCOMPARE(m_rig->requests.at(0).target, "/assignment/accounts?max_result=100");
    QCOMPARE(m_rig->requests.at(1).target,
             "/assignment/accounts?next_token=AAMA-EFRSURBHg%2B%2Ftok%3D%3D&max_result=100");
    QCOMPARE(m_rig->requests.at(2).target,
             "/assignment/roles?account_id=123456789012&max_result=100");
    QCOMPARE(m_rig->requests.at(3).target,
             "/assignment/roles?account_id=123456789012&next_token=AAMA-EFRSURBHg%2B%2Ftok%3D%3D"
             "&max_result=100");
    for (const StandInRequest &request : std::as_const(m_rig->requests)) {
        QCOMPARE(request.method, "GET");
        QCOMPARE(request.header("x-amz-sso_bearer_token"), ssoAccessToken.toUtf8());
    }
}

void tst_SsoClient::logout()
{
    m_rig->answer({StandInResponse{200, {}, {}}});
    SsoOutcome<Done> outcome;
    m_rig->client->logout(m_rig->url(), ssoAccessToken, this, outcome.callback());
    QVERIFY(outcome.wait());
    QVERIFY(outcome.result->ok());
    const StandInRequest &request = m_rig->requests.constFirst();
    QCOMPARE(request.method, "POST");
    QCOMPARE(request.target, "/logout");
    QCOMPARE(request.header("x-amz-sso_bearer_token"), ssoAccessToken.toUtf8());
}

QTEST_GUILESS_MAIN(tst_SsoClient)

#include "tst_ssoclient.moc"
