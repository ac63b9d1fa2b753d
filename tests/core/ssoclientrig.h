#pragma once

#include <functional>
#include <memory>
#include <optional>

#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QTimer>

#include "fakes/fakeclock.h"
#include "fakes/standinhttp.h"
#include "imsa/ssoclient.h"

// Shared by the SsoClient tests: a real client against a scripted HTTP server on 127.0.0.1
// that records every request and answers with botocore's shapes.
namespace imsa::test {

/// Generous bound for one answer: a whole test normally runs in well under a second.
inline constexpr int ssoAnswerTimeoutMs = 5000;

inline const QString ssoAccessToken = QStringLiteral("aoaAAAAAGSecretAccessToken0123456789");
inline const QString ssoRefreshToken = QStringLiteral("aorAAAAAGSecretRefreshToken9876543210");
inline const QString ssoClientSecret =
        QStringLiteral("eyJraWQiOiJrZXktMTU2Njk2ODA4OCIsImFsZyI6IkhTMzg0In0SECRET");
inline const QString ssoDeviceCode = QStringLiteral("fjE6v1SecretDeviceCode-abcdefghijkl");

inline SsoClientRegistration ssoRegistration()
{
    return {QStringLiteral("client-id-123"), ssoClientSecret, {}};
}

/// Collects the one result of an SsoApi call.
template <typename T>
struct SsoOutcome
{
    std::optional<SsoResult<T>> result;
    int deliveries = 0;
    QEventLoop *waiting = nullptr;

    std::function<void(SsoResult<T>)> callback()
    {
        return [this](SsoResult<T> value) {
            ++deliveries;
            result.emplace(std::move(value));
            if (waiting)
                waiting->quit();
        };
    }

    /// Runs the event loop until the result arrives; false after ssoAnswerTimeoutMs.
    bool wait()
    {
        if (!result) {
            QEventLoop loop;
            waiting = &loop;
            QTimer::singleShot(ssoAnswerTimeoutMs, &loop, &QEventLoop::quit);
            loop.exec();
            waiting = nullptr;
        }
        return result.has_value();
    }

    const SsoError &error() const { return result->error(); }
};

inline StandInResponse ssoJson(int status, const QJsonObject &body,
                               const QByteArray &errorType = {})
{
    StandInResponse response{status, {{"Content-Type", "application/json"}}, {}};
    if (!errorType.isEmpty())
        response.headers.append({"x-amzn-ErrorType", errorType});
    response.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    return response;
}

inline QJsonObject ssoBodyOf(const StandInRequest &request)
{
    return QJsonDocument::fromJson(request.body).object();
}

struct SsoClientRig
{
    QList<StandInRequest> requests;
    /// Answered in turn, the last one from then on; nullopt never answers.
    QList<std::optional<StandInResponse>> responses{ssoJson(200, {})};
    /// Replaces the scripted answers when set.
    StandInHttpServer::Handler respond;
    FakeClock clock;
    StandInHttpServer server{[this](const StandInRequest &request) {
        requests.append(request);
        if (respond)
            return respond(request);
        return responses.size() > 1 ? responses.takeFirst() : responses.constFirst();
    }};
    QNetworkAccessManager network;
    std::unique_ptr<SsoClient> client;

    SsoClientRig()
    {
        using namespace std::chrono_literals;
        // Only loopback traffic, whatever proxy the environment names.
        network.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        client = std::make_unique<SsoClient>(network, clock);
        // Quick, deterministic retries: the jitter factor pinned to 0, so no pause at all.
        client->setRetryPolicy(StsRetryPolicy{3, 1ms, 1ms, [] {
                                                  return 0.0;
                                              }});
    }

    bool listen() { return server.listen(QHostAddress::LocalHost, 0); }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(server.port())); }

    void answer(QList<std::optional<StandInResponse>> scripted) { responses = std::move(scripted); }
};

} // namespace imsa::test
