// The Identity Center stand-in over real HTTP: the device flow and its refusals, refresh
// rotation, the portal with its pagination and every error status, logout, the call log.
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include "standinssorig.h"

using namespace imsa;
using namespace imsa::test;
using namespace Qt::StringLiterals;

class tst_StandInSso : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();

    void deviceFlow();
    void signInRefusals_data();
    void signInRefusals();
    void approvalAfterPolls();
    void refreshTokensRotate();
    void portalErrors_data();
    void portalErrors();
    void pagination();
    void logoutEndsTheSession();
    void callCountsAndNoSecrets();

private:
    std::unique_ptr<StandInSsoRig> m_rig;
};

void tst_StandInSso::init()
{
    m_rig = std::make_unique<StandInSsoRig>();
    QVERIFY(m_rig->harness.sts.listen());
}

void tst_StandInSso::cleanup()
{
    m_rig.reset();
}

void tst_StandInSso::deviceFlow()
{
    const SsoAnswer registered = m_rig->send("POST", u"/client/register"_s,
                                             {{u"clientName"_s, u"imsa"_s},
                                              {u"clientType"_s, u"public"_s},
                                              {u"scopes"_s, QJsonArray{u"sso:account:access"_s}}});
    QCOMPARE(registered.status, 200);
    const QJsonObject client = registered.json;
    QVERIFY(!client.value(u"clientId").toString().isEmpty());
    QVERIFY(!client.value(u"clientSecret").toString().isEmpty());
    QCOMPARE(client.value(u"clientIdIssuedAt").toInteger(),
             m_rig->harness.clock.now().toSecsSinceEpoch());
    QCOMPARE(client.value(u"clientSecretExpiresAt").toInteger()
                     - client.value(u"clientIdIssuedAt").toInteger(),
             90 * 24 * 3600);

    const QJsonObject authorization = m_rig->startSignIn(client);
    const QString userCode = authorization.value(u"userCode").toString();
    QVERIFY2(QRegularExpression(u"^[A-Z]{4}-[A-Z]{4}$"_s).match(userCode).hasMatch(),
             qPrintable(userCode));
    const QString base = m_rig->harness.sts.url().toString();
    QCOMPARE(authorization.value(u"verificationUri").toString(), base + u"device"_s);
    QCOMPARE(authorization.value(u"verificationUriComplete").toString(),
             base + u"device?user_code="_s + userCode);
    QCOMPARE(authorization.value(u"expiresIn").toInt(), 600);
    QCOMPARE(authorization.value(u"interval").toInt(), 1);
    QCOMPARE(m_rig->sso.pendingUserCodes(), QStringList{userCode});

    SsoAnswer answer = m_rig->poll(client, authorization);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.errorType, u"AuthorizationPendingException"_s);
    QCOMPARE(answer.json.value(u"error").toString(), u"authorization_pending"_s);
    answer = m_rig->poll(client, authorization);
    QCOMPARE(answer.errorType, u"SlowDownException"_s);
    QCOMPARE(answer.json.value(u"error").toString(), u"slow_down"_s);
    m_rig->harness.clock.advance(1);
    QCOMPARE(m_rig->poll(client, authorization).errorType, u"AuthorizationPendingException"_s);

    // The browser: whatever opens verificationUriComplete approves.
    const QUrl page(authorization.value(u"verificationUriComplete").toString());
    QCOMPARE(m_rig->send("GET", page.path() + u'?' + page.query()).status, 200);
    QVERIFY(m_rig->sso.pendingUserCodes().isEmpty());
    m_rig->harness.clock.advance(1);
    answer = m_rig->poll(client, authorization);
    QCOMPARE(answer.status, 200);
    QCOMPARE(answer.json.value(u"tokenType").toString(), u"Bearer"_s);
    QCOMPARE(answer.json.value(u"expiresIn").toInt(), 8 * 3600);
    QVERIFY(!answer.json.value(u"accessToken").toString().isEmpty());
    QVERIFY(!answer.json.value(u"refreshToken").toString().isEmpty());

    m_rig->harness.clock.advance(1);
    answer = m_rig->poll(client, authorization);
    QCOMPARE(answer.errorType, u"InvalidGrantException"_s);
    QCOMPARE(answer.json.value(u"error").toString(), u"invalid_grant"_s);
    QCOMPARE(m_rig->sso.callCount(u"CreateToken"_s), 5);
}

void tst_StandInSso::signInRefusals_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorType");
    QTest::addColumn<QString>("error");

    QTest::addRow("the code expires after expiresIn")
            << u"expire"_s << 400 << u"ExpiredTokenException"_s << u"expired_token"_s;
    QTest::addRow("the user denies in the browser (control route)")
            << u"deny-route"_s << 400 << u"AccessDeniedException"_s << u"access_denied"_s;
    QTest::addRow("the user denies (C++)")
            << u"deny"_s << 400 << u"AccessDeniedException"_s << u"access_denied"_s;
    QTest::addRow("an unknown client")
            << u"unknown-client"_s << 401 << u"InvalidClientException"_s << u"invalid_client"_s;
    QTest::addRow("a wrong client secret")
            << u"wrong-secret"_s << 401 << u"InvalidClientException"_s << u"invalid_client"_s;
    QTest::addRow("a registration past its 90 days")
            << u"old-registration"_s << 401 << u"InvalidClientException"_s << u"invalid_client"_s;
    QTest::addRow("an unknown device code")
            << u"unknown-code"_s << 400 << u"InvalidGrantException"_s << u"invalid_grant"_s;
    QTest::addRow("an unsupported grant type")
            << u"grant-type"_s << 400 << u"UnsupportedGrantTypeException"_s
            << u"unsupported_grant_type"_s;
}

void tst_StandInSso::signInRefusals()
{
    QFETCH(QString, scenario);
    QFETCH(int, status);
    QFETCH(QString, errorType);
    QFETCH(QString, error);

    QJsonObject client = m_rig->registerClient();
    QJsonObject authorization = m_rig->startSignIn(client);
    const QString userCode = authorization.value(u"userCode").toString();
    if (scenario == u"expire")
        m_rig->harness.clock.advance(600);
    else if (scenario == u"deny-route")
        QCOMPARE(m_rig->send("POST", u"/_sso/deny"_s, {{u"userCode"_s, userCode}}).status, 204);
    else if (scenario == u"deny")
        QVERIFY(m_rig->sso.deny(userCode));
    else if (scenario == u"unknown-client")
        client.insert(u"clientId"_s, u"nobody"_s);
    else if (scenario == u"wrong-secret")
        client.insert(u"clientSecret"_s, u"wrong"_s);
    else if (scenario == u"old-registration")
        m_rig->harness.clock.advance(StandInSso::registrationSeconds);
    else if (scenario == u"unknown-code")
        authorization.insert(u"deviceCode"_s, u"nothing"_s);

    SsoAnswer answer;
    if (scenario == u"grant-type") {
        answer = m_rig->send("POST", u"/token"_s,
                             {{u"clientId"_s, client.value(u"clientId")},
                              {u"clientSecret"_s, client.value(u"clientSecret")},
                              {u"grantType"_s, u"authorization_code"_s}});
    } else {
        answer = m_rig->poll(client, authorization);
    }
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.errorType, errorType);
    QCOMPARE(answer.json.value(u"error").toString(), error);
    QVERIFY(!answer.json.value(u"error_description").toString().isEmpty());
    // Neither approving nor denying works once the sign-in is over.
    if (scenario == u"expire" || scenario.startsWith(u"deny"))
        QVERIFY(!m_rig->sso.approve(userCode));
}

void tst_StandInSso::approvalAfterPolls()
{
    m_rig->sso.setApproveAfterPolls(2);
    m_rig->sso.setPollInterval(5);
    const QJsonObject client = m_rig->registerClient();
    const QJsonObject authorization = m_rig->startSignIn(client);
    QCOMPARE(authorization.value(u"interval").toInt(), 5);
    QCOMPARE(m_rig->poll(client, authorization).errorType, u"AuthorizationPendingException"_s);
    m_rig->harness.clock.advance(4);
    QCOMPARE(m_rig->poll(client, authorization).errorType, u"SlowDownException"_s);
    m_rig->harness.clock.advance(5);
    QCOMPARE(m_rig->poll(client, authorization).errorType, u"AuthorizationPendingException"_s);
    m_rig->harness.clock.advance(5);
    QCOMPARE(m_rig->poll(client, authorization).status, 200);
}

void tst_StandInSso::refreshTokensRotate()
{
    m_rig->sso.setAccessTokenLifetime(900);
    const SsoSession first = m_rig->signIn();
    const auto refresh = [this, &first](const QString &refreshToken) {
        return m_rig->send("POST", u"/token"_s,
                           {{u"clientId"_s, first.clientId},
                            {u"clientSecret"_s, first.clientSecret},
                            {u"grantType"_s, u"refresh_token"_s},
                            {u"refreshToken"_s, refreshToken}});
    };
    const SsoAnswer renewed = refresh(first.refreshToken);
    QCOMPARE(renewed.status, 200);
    QCOMPARE(renewed.json.value(u"expiresIn").toInt(), 900);
    const QString secondRefresh = renewed.json.value(u"refreshToken").toString();
    QVERIFY(!secondRefresh.isEmpty());
    QVERIFY(secondRefresh != first.refreshToken);
    QVERIFY(renewed.json.value(u"accessToken").toString() != first.accessToken);

    const SsoAnswer reused = refresh(first.refreshToken);
    QCOMPARE(reused.status, 400);
    QCOMPARE(reused.errorType, u"InvalidGrantException"_s);
    QCOMPARE(reused.json.value(u"error").toString(), u"invalid_grant"_s);
    QCOMPARE(refresh(u"unknown"_s).errorType, u"InvalidGrantException"_s);
    QCOMPARE(refresh(secondRefresh).status, 200);

    // As AWS: a client registered without scopes (the legacy profile form) gets no refresh token.
    const QJsonObject legacy = m_rig->registerClient(false);
    const QJsonObject authorization = m_rig->startSignIn(legacy);
    QVERIFY(m_rig->sso.approve(authorization.value(u"userCode").toString()));
    const SsoAnswer token = m_rig->poll(legacy, authorization);
    QCOMPARE(token.status, 200);
    QVERIFY(!token.json.contains(u"refreshToken"));
}

void tst_StandInSso::portalErrors_data()
{
    QTest::addColumn<QString>("scenario");
    QTest::addColumn<QString>("pathAndQuery");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorType");

    const QString credentials = u"/federation/credentials?role_name=ReadOnlyAccess&account_id="_s;
    QTest::addRow("no bearer token") << u"no-token"_s << credentials + u"111111111111"_s << 401
                                     << u"UnauthorizedException"_s;
    QTest::addRow("an unknown bearer token")
            << u"unknown-token"_s << u"/assignment/accounts"_s << 401 << u"UnauthorizedException"_s;
    QTest::addRow("an expired access token")
            << u"expired"_s << u"/assignment/accounts"_s << 401 << u"UnauthorizedException"_s;
    QTest::addRow("a role the user does not have")
            << u""_s
            << u"/federation/credentials?role_name=AdministratorAccess&account_id="
               u"333333333333"_s
            << 403 << u"ForbiddenException"_s;
    QTest::addRow("credentials in an unknown account")
            << u""_s << credentials + u"999999999999"_s << 404 << u"ResourceNotFoundException"_s;
    QTest::addRow("roles of an unknown account")
            << u""_s << u"/assignment/roles?account_id=999999999999"_s << 404
            << u"ResourceNotFoundException"_s;
    QTest::addRow("credentials without a role name")
            << u""_s << u"/federation/credentials?account_id=111111111111"_s << 400
            << u"InvalidRequestException"_s;
    QTest::addRow("a page size over 100") << u""_s << u"/assignment/accounts?max_result=101"_s
                                          << 400 << u"InvalidRequestException"_s;
    QTest::addRow("a made-up next token") << u""_s << u"/assignment/accounts?next_token=xyz"_s
                                          << 400 << u"InvalidRequestException"_s;
    QTest::addRow("throttled") << u"too-many-requests"_s << u"/assignment/accounts"_s << 429
                               << u"TooManyRequestsException"_s;
    QTest::addRow("the service fails") << u"server-error"_s << credentials + u"111111111111"_s
                                       << 500 << u"InternalServerException"_s;
}

void tst_StandInSso::portalErrors()
{
    QFETCH(QString, scenario);
    QFETCH(QString, pathAndQuery);
    QFETCH(int, status);
    QFETCH(QString, errorType);

    QString token = m_rig->signIn().accessToken;
    if (scenario == u"no-token")
        token.clear();
    else if (scenario == u"unknown-token")
        token = u"not-a-token"_s;
    else if (scenario == u"expired")
        m_rig->harness.clock.advance(8 * 3600);
    else if (scenario.endsWith(u"error") || scenario.startsWith(u"too-many"))
        QCOMPARE(m_rig->send("POST", u"/_sso/fault"_s, {{u"kind"_s, scenario}, {u"count"_s, 1}})
                         .status,
                 204);

    const SsoAnswer answer = m_rig->send("GET", pathAndQuery, {}, token);
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.errorType, errorType);
    QVERIFY(!answer.json.value(u"message").toString().isEmpty());
    // Faults are one-shot: the same call works next.
    if (status >= 429)
        QCOMPARE(m_rig->send("GET", pathAndQuery, {}, token).status, 200);
}

void tst_StandInSso::pagination()
{
    m_rig->sso.setOrganisation(StandInSso::generatedOrganisation(300));
    const QString token = m_rig->signIn().accessToken;
    const auto collect = [this, &token](const QString &path, const QString &listName,
                                        const QString &pageSize, int *pages) {
        QStringList items;
        QString next;
        *pages = 0;
        do {
            QString query = path;
            if (!pageSize.isEmpty())
                query += (query.contains(u'?') ? u'&' : u'?') + u"max_result="_s + pageSize;
            if (!next.isEmpty())
                query += (query.contains(u'?') ? u'&' : u'?') + u"next_token="_s
                        + QString::fromLatin1(QUrl::toPercentEncoding(next));
            const SsoAnswer answer = m_rig->send("GET", query, {}, token);
            if (answer.status != 200)
                return QStringList{u"HTTP "_s + QString::number(answer.status)};
            ++*pages;
            for (const QJsonValue &item : answer.json.value(listName).toArray()) {
                const QJsonObject object = item.toObject();
                items.append(object.contains(u"roleName")
                                     ? object.value(u"roleName").toString()
                                     : object.value(u"accountName").toString());
            }
            next = answer.json.value(u"nextToken").toString();
        } while (!next.isEmpty() && *pages < 100);
        return items;
    };

    int pages = 0;
    QStringList accounts = collect(u"/assignment/accounts"_s, u"accountList"_s, u"100"_s, &pages);
    QCOMPARE(pages, 3);
    QCOMPARE(accounts.size(), 300);
    QCOMPARE(accounts.first(), u"account-000"_s);
    QCOMPARE(accounts.last(), u"account-299"_s);
    QCOMPARE(QSet<QString>(accounts.cbegin(), accounts.cend()).size(), 300);
    accounts = collect(u"/assignment/accounts"_s, u"accountList"_s, {}, &pages);
    QCOMPARE(pages, 300 / StandInSso::defaultPageSize);
    QCOMPARE(accounts.size(), 300);

    const QStringList roles =
            collect(u"/assignment/roles?account_id=100000000000"_s, u"roleList"_s, u"1"_s, &pages);
    QCOMPARE(roles, (QStringList{u"AdministratorAccess"_s, u"ReadOnlyAccess"_s}));
    QCOMPARE(pages, 2);
    const SsoAnswer oneRole =
            m_rig->send("GET", u"/assignment/roles?account_id=100000000001"_s, {}, token);
    QCOMPARE(oneRole.json.value(u"roleList").toArray(),
             (QJsonArray{QJsonObject{{u"roleName"_s, u"ReadOnlyAccess"_s},
                                     {u"accountId"_s, u"100000000001"_s}}}));
    QVERIFY(!oneRole.json.contains(u"nextToken"));
}

void tst_StandInSso::logoutEndsTheSession()
{
    const QString token = m_rig->signIn().accessToken;
    QCOMPARE(m_rig->send("GET", u"/assignment/accounts"_s, {}, token).status, 200);
    QCOMPARE(m_rig->send("POST", u"/logout"_s, {}, token).status, 200);
    const SsoAnswer after = m_rig->send("GET", u"/assignment/accounts"_s, {}, token);
    QCOMPARE(after.status, 401);
    QCOMPARE(after.errorType, u"UnauthorizedException"_s);
    QCOMPARE(m_rig->send("POST", u"/logout"_s, {}, token).status, 401);
    QCOMPARE(m_rig->sso.callCount(u"Logout"_s), 2);
}

void tst_StandInSso::callCountsAndNoSecrets()
{
    const SsoSession session = m_rig->signIn();
    const SsoAnswer role = m_rig->send(
            "GET", u"/federation/credentials?role_name=ReadOnlyAccess&account_id=222222222222"_s,
            {}, session.accessToken);
    QCOMPARE(role.status, 200);
    QCOMPARE(m_rig->send("GET", u"/assignment/accounts"_s, {}, session.accessToken).status, 200);
    QCOMPARE(m_rig->send("GET", u"/assignment/roles?account_id=111111111111"_s, {},
                         session.accessToken)
                     .status,
             200);
    QCOMPARE(m_rig->send("POST", u"/logout"_s, {}, session.accessToken).status, 200);

    QNetworkReply *reply = m_rig->harness.network.get(
            QNetworkRequest(m_rig->harness.sts.url().resolved(QUrl(u"/_calls"_s))));
    QSignalSpy finished(reply, &QNetworkReply::finished);
    QVERIFY(finished.wait(answerTimeoutMs));
    reply->deleteLater();
    const QByteArray body = reply->readAll();
    const QJsonObject counts = QJsonDocument::fromJson(body).object().value(u"counts").toObject();
    for (const char *operation :
         {"RegisterClient", "StartDeviceAuthorization", "CreateToken", "GetRoleCredentials",
          "ListAccounts", "ListAccountRoles", "Logout"})
        QVERIFY2(counts.value(QLatin1StringView(operation)).toInt() == 1, operation);
    QCOMPARE(QJsonDocument::fromJson(body).object().value(u"ssoCalls").toArray().size(), 7);

    const QJsonObject credentials = role.json.value(u"roleCredentials").toObject();
    for (const QString &secret : {session.clientSecret, session.accessToken, session.refreshToken,
                                  credentials.value(u"secretAccessKey").toString(),
                                  credentials.value(u"sessionToken").toString()})
        QVERIFY(!body.contains(secret.toLatin1()));
}

QTEST_GUILESS_MAIN(tst_StandInSso)
#include "tst_standinsso.moc"
