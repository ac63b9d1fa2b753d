#pragma once

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QSignalSpy>

#include "fakes/standinsso.h"
#include "stsclientharness.h"

// Shared by the Identity Center stand-in tests: the SSO stand-in served on the STS stand-in's
// port, as the end-to-end tests run it, both on one FakeClock, and a raw HTTP client for it.
namespace imsa::test {

using namespace Qt::StringLiterals;

inline constexpr auto deviceGrant = "urn:ietf:params:oauth:grant-type:device_code";

struct SsoAnswer
{
    int status = 0;
    QString errorType; ///< x-amzn-ErrorType
    QJsonObject json;
};

struct SsoSession
{
    QString clientId;
    QString clientSecret;
    QString accessToken;
    QString refreshToken;
};

struct StandInSsoRig
{
    StsClientHarness harness;
    StandInSso sso;

    StandInSsoRig()
    {
        sso.setTimeSource([this] {
            return harness.clock.now();
        });
        harness.sts.serveSso(&sso);
    }

    SsoAnswer send(const QByteArray &method, const QString &pathAndQuery,
                   const QJsonObject &body = {}, const QString &bearer = {})
    {
        QNetworkRequest request(harness.sts.url().resolved(QUrl(pathAndQuery)));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
        if (!bearer.isEmpty())
            request.setRawHeader("x-amz-sso_bearer_token", bearer.toLatin1());
        QNetworkReply *reply = harness.network.sendCustomRequest(
                request, method,
                method == "GET" ? QByteArray()
                                : QJsonDocument(body).toJson(QJsonDocument::Compact));
        QSignalSpy finished(reply, &QNetworkReply::finished);
        finished.wait(answerTimeoutMs);
        reply->deleteLater();
        return SsoAnswer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                         QString::fromLatin1(reply->rawHeader("x-amzn-ErrorType")),
                         QJsonDocument::fromJson(reply->readAll()).object()};
    }

    QJsonObject registerClient(bool withScopes = true)
    {
        QJsonObject input{{u"clientName"_s, u"tst_standinsso"_s}, {u"clientType"_s, u"public"_s}};
        if (withScopes)
            input.insert(u"scopes"_s, QJsonArray{u"sso:account:access"_s});
        return send("POST", u"/client/register"_s, input).json;
    }

    QJsonObject startSignIn(const QJsonObject &client)
    {
        return send("POST", u"/device_authorization"_s,
                    {{u"clientId"_s, client.value(u"clientId")},
                     {u"clientSecret"_s, client.value(u"clientSecret")},
                     {u"startUrl"_s, u"https://example.awsapps.com/start"_s}})
                .json;
    }

    SsoAnswer poll(const QJsonObject &client, const QJsonObject &signIn)
    {
        return send("POST", u"/token"_s,
                    {{u"clientId"_s, client.value(u"clientId")},
                     {u"clientSecret"_s, client.value(u"clientSecret")},
                     {u"grantType"_s, QLatin1StringView(deviceGrant)},
                     {u"deviceCode"_s, signIn.value(u"deviceCode")}});
    }

    SsoSession signIn()
    {
        const QJsonObject client = registerClient();
        const QJsonObject authorization = startSignIn(client);
        sso.approve(authorization.value(u"userCode").toString());
        const QJsonObject token = poll(client, authorization).json;
        return SsoSession{
                client.value(u"clientId").toString(), client.value(u"clientSecret").toString(),
                token.value(u"accessToken").toString(), token.value(u"refreshToken").toString()};
    }
};

} // namespace imsa::test
