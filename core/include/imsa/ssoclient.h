#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/detail/awsrequest.h"
#include "imsa/detail/ssocall.h"
#include "imsa/detail/ssoerror.h"
#include "imsa/detail/ssojson.h"
#include "imsa/logging.h"
#include "imsa/ssoapi.h"
#include "imsa/stsclient.h"

namespace imsa {

/// The IAM Identity Center APIs over QNetworkAccessManager: sso-oidc (unsigned restJson POSTs)
/// and the sso portal (restJson with the access token in x-amz-sso_bearer_token), with the
/// same retries, timeout and delivery rules as StsClient. Use it from the thread it lives in;
/// `network` and `clock` must outlive it. Calls still running when it is destroyed complete
/// with SsoErrorCode::Other.
class SsoClient : public QObject, public SsoApi
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds defaultTimeout{10000};

    SsoClient(QNetworkAccessManager &network, Clock &clock, QObject *parent = nullptr)
        : QObject(parent)
        , m_network(network)
        , m_clock(clock)
    { }

    ~SsoClient() override
    {
        const auto calls = m_calls;
        for (const auto &call : calls) {
            if (call->reply) {
                call->reply->disconnect(this);
                call->reply->abort();
                call->reply->deleteLater();
            }
            call->deliverError(SsoError{SsoErrorCode::Other,
                                        {},
                                        QStringLiteral("IAM Identity Center client shut down "
                                                       "during the call"),
                                        0});
        }
    }

    /// Per-request transfer timeout: no progress for this long ends the attempt with
    /// SsoErrorCode::Timeout.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    std::chrono::milliseconds timeout() const { return m_timeout; }

    /// The same policy as STS calls: throttling, 5xx, network trouble and malformed answers.
    void setRetryPolicy(StsRetryPolicy policy) { m_retryPolicy = std::move(policy); }

    const StsRetryPolicy &retryPolicy() const { return m_retryPolicy; }

    void setUserAgent(const QString &userAgent) { m_userAgent = userAgent; }

    /// Calls started and not yet completed (in flight or waiting to retry).
    qsizetype pendingCallCount() const { return m_calls.size(); }

    void registerClient(const QUrl &oidc, const QString &clientName, const QStringList &scopes,
                        QObject *context,
                        std::function<void(SsoResult<SsoClientRegistration>)> done) override
    {
        QJsonObject body{{QStringLiteral("clientName"), clientName},
                         {QStringLiteral("clientType"), QStringLiteral("public")}};
        if (!scopes.isEmpty())
            body.insert(QStringLiteral("scopes"), QJsonArray::fromStringList(scopes));
        auto call = oidcCall(QLatin1StringView("RegisterClient"), oidc,
                             QLatin1StringView("/client/register"), body, {});
        start<SsoClientRegistration>(call, context, std::move(done), &detail::parseRegisterClient);
    }

    void startDeviceAuthorization(const QUrl &oidc, const SsoClientRegistration &registration,
                                  const QString &startUrl, QObject *context,
                                  std::function<void(SsoResult<DeviceAuthorization>)> done) override
    {
        const QJsonObject body{{QStringLiteral("clientId"), registration.clientId},
                               {QStringLiteral("clientSecret"), registration.clientSecret},
                               {QStringLiteral("startUrl"), startUrl}};
        auto call = oidcCall(QLatin1StringView("StartDeviceAuthorization"), oidc,
                             QLatin1StringView("/device_authorization"), body,
                             {registration.clientSecret});
        start<DeviceAuthorization>(call, context, std::move(done),
                                   &detail::parseStartDeviceAuthorization);
    }

    void createTokenFromDeviceCode(const QUrl &oidc, const SsoClientRegistration &registration,
                                   const QString &deviceCode, QObject *context,
                                   std::function<void(SsoResult<SsoToken>)> done) override
    {
        const QJsonObject body{{QStringLiteral("clientId"), registration.clientId},
                               {QStringLiteral("clientSecret"), registration.clientSecret},
                               {QStringLiteral("grantType"), detail::deviceCodeGrant},
                               {QStringLiteral("deviceCode"), deviceCode}};
        auto call = oidcCall(QLatin1StringView("CreateToken"), oidc, QLatin1StringView("/token"),
                             body, {registration.clientSecret, deviceCode});
        call->retryable = false;
        startToken(call, context, std::move(done));
    }

    void refreshToken(const QUrl &oidc, const SsoClientRegistration &registration,
                      const QString &refreshToken, QObject *context,
                      std::function<void(SsoResult<SsoToken>)> done) override
    {
        const QJsonObject body{{QStringLiteral("clientId"), registration.clientId},
                               {QStringLiteral("clientSecret"), registration.clientSecret},
                               {QStringLiteral("grantType"), detail::refreshTokenGrant},
                               {QStringLiteral("refreshToken"), refreshToken}};
        auto call = oidcCall(QLatin1StringView("CreateToken"), oidc, QLatin1StringView("/token"),
                             body, {registration.clientSecret, refreshToken});
        startToken(call, context, std::move(done));
    }

    void getRoleCredentials(const QUrl &portal, const QString &accessToken,
                            const QString &accountId, const QString &roleName, QObject *context,
                            std::function<void(SsoResult<AwsCredentials>)> done) override
    {
        auto call = portalCall(QLatin1StringView("GetRoleCredentials"), "GET", portal,
                               QLatin1StringView("/federation/credentials"),
                               {{QLatin1StringView("role_name"), roleName},
                                {QLatin1StringView("account_id"), accountId}},
                               accessToken);
        start<AwsCredentials>(call, context, std::move(done), &detail::parseGetRoleCredentials);
    }

    void listAccounts(const QUrl &portal, const QString &accessToken, const QString &nextToken,
                      QObject *context,
                      std::function<void(SsoResult<SsoPage<SsoAccount>>)> done) override
    {
        auto call = portalCall(QLatin1StringView("ListAccounts"), "GET", portal,
                               QLatin1StringView("/assignment/accounts"),
                               {{QLatin1StringView("next_token"), nextToken},
                                {QLatin1StringView("max_result"), QString::number(pageSize)}},
                               accessToken);
        start<SsoPage<SsoAccount>>(call, context, std::move(done), &detail::parseListAccounts);
    }

    void listAccountRoles(const QUrl &portal, const QString &accessToken, const QString &accountId,
                          const QString &nextToken, QObject *context,
                          std::function<void(SsoResult<SsoPage<QString>>)> done) override
    {
        auto call = portalCall(QLatin1StringView("ListAccountRoles"), "GET", portal,
                               QLatin1StringView("/assignment/roles"),
                               {{QLatin1StringView("account_id"), accountId},
                                {QLatin1StringView("next_token"), nextToken},
                                {QLatin1StringView("max_result"), QString::number(pageSize)}},
                               accessToken);
        start<SsoPage<QString>>(call, context, std::move(done), &detail::parseListAccountRoles);
    }

    void logout(const QUrl &portal, const QString &accessToken, QObject *context,
                std::function<void(SsoResult<Done>)> done) override
    {
        auto call = portalCall(QLatin1StringView("Logout"), "POST", portal,
                               QLatin1StringView("/logout"), {}, accessToken);
        start<Done>(call, context, std::move(done), [](const QByteArray &) -> SsoResult<Done> {
            return Done{};
        });
    }

private:
    using CallPointer = std::shared_ptr<detail::SsoCall>;

    /// Items per page asked of ListAccounts/ListAccountRoles; the service's maximum is 100.
    static constexpr int pageSize = 100;

    static CallPointer oidcCall(QLatin1StringView operation, const QUrl &oidc,
                                QLatin1StringView path, const QJsonObject &body,
                                const QStringList &secrets)
    {
        auto call = std::make_shared<detail::SsoCall>();
        call->operation = operation;
        call->method = "POST";
        call->url = detail::ssoOperationUrl(oidc, path, {});
        call->body = detail::ssoJsonBody(body);
        call->secrets = secrets;
        return call;
    }

    static CallPointer portalCall(QLatin1StringView operation, const QByteArray &method,
                                  const QUrl &portal, QLatin1StringView path,
                                  const detail::SsoQuery &query, const QString &accessToken)
    {
        auto call = std::make_shared<detail::SsoCall>();
        call->operation = operation;
        call->method = method;
        call->url = detail::ssoOperationUrl(portal, path, query);
        call->usesBearer = true;
        call->bearerToken = accessToken.toUtf8();
        call->secrets = {accessToken};
        return call;
    }

    void startToken(const CallPointer &call, QObject *context,
                    std::function<void(SsoResult<SsoToken>)> done)
    {
        start<SsoToken>(call, context, std::move(done), [this](const QByteArray &body) {
            return detail::parseCreateToken(body, m_clock.now());
        });
    }

    template <typename T>
    static void post(const QPointer<QObject> &context,
                     const std::function<void(SsoResult<T>)> &done, SsoResult<T> result)
    {
        // Queued even when already in the right thread: callers never see a callback from
        // inside their own call. Qt drops the event if the context dies first.
        if (context)
            QMetaObject::invokeMethod(
                    context.data(),
                    [done, result = std::move(result)] {
                        done(result);
                    },
                    Qt::QueuedConnection);
    }

    template <typename T>
    void start(const CallPointer &call, QObject *context, std::function<void(SsoResult<T>)> done,
               std::function<SsoResult<T>(const QByteArray &)> parse)
    {
        call->id = ++m_lastCallId;
        call->context = context ? context : this;
        const QPointer<QObject> target = call->context;
        call->deliverValue = [target, done,
                              parse](const QByteArray &body) -> std::optional<SsoError> {
            SsoResult<T> result = parse(body);
            if (!result.ok())
                return result.error();
            post(target, done, std::move(result));
            return std::nullopt;
        };
        call->deliverError = [target, done](const SsoError &error) {
            post(target, done, SsoResult<T>(error));
        };
        const QString problem =
                detail::ssoRequestProblem(call->url, call->bearerToken, call->usesBearer);
        if (!problem.isEmpty()) {
            call->deliverError(SsoError{SsoErrorCode::InvalidRequest, {}, problem, 0});
            return;
        }
        m_calls.insert(call->id, call);
        send(call);
    }

    void send(const CallPointer &call)
    {
        ++call->attempt;
        QNetworkRequest request(call->url);
        if (call->usesBearer)
            request.setRawHeader("x-amz-sso_bearer_token", call->bearerToken);
        if (call->method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
        detail::prepareAwsRequest(request, m_timeout, m_userAgent);

        qCDebug(lcSso).noquote() << call->operation << "attempt" << call->attempt << "to"
                                 << call->url.host();
        QNetworkReply *reply = call->method == "GET" ? m_network.get(request)
                                                     : m_network.post(request, call->body);
        call->reply = reply;
        connect(reply, &QNetworkReply::downloadProgress, this,
                [call, reply](qint64 received, qint64) {
                    if (received > detail::maxSsoDocumentBytes && !call->oversized) {
                        call->oversized = true;
                        reply->abort();
                    }
                });
        connect(reply, &QNetworkReply::finished, this, [this, id = call->id, reply] {
            handleFinished(id, reply);
        });
    }

    void handleFinished(quint64 id, QNetworkReply *reply)
    {
        reply->deleteLater();
        const CallPointer call = m_calls.value(id);
        if (!call || call->reply != reply)
            return;
        call->reply = nullptr;
        if (!call->context) {
            qCDebug(lcSso).noquote() << call->operation << "dropped: its caller is gone";
            m_calls.remove(id);
            return;
        }
        std::optional<SsoError> error = outcome(*call, *reply);
        if (!error) {
            qCDebug(lcSso).noquote()
                    << call->operation << "succeeded after" << call->attempt << "attempt(s)";
            m_calls.remove(id);
            return;
        }
        error->message = detail::scrubSsoMessage(error->message, *call);
        if (const auto delay = retryDelay(*call, *error)) {
            qCInfo(lcSso).noquote()
                    << call->operation << "attempt" << call->attempt
                    << "failed:" << detail::ssoErrorCodeName(error->code) << error->awsCode
                    << "HTTP" << error->httpStatus << "- retrying in" << delay->count() << "ms";
            QTimer::singleShot(*delay, this, [this, id] {
                if (const CallPointer pending = m_calls.value(id); pending && pending->context)
                    send(pending);
                else
                    m_calls.remove(id);
            });
            return;
        }
        // Pending and slow_down are the normal rhythm of a sign-in, not worth a warning.
        if (error->code == SsoErrorCode::AuthorizationPending
            || error->code == SsoErrorCode::SlowDown)
            qCDebug(lcSso).noquote()
                    << call->operation << "answered" << detail::ssoErrorCodeName(error->code);
        else
            qCWarning(lcSso).noquote() << call->operation << "failed after" << call->attempt
                                       << "attempt(s):" << detail::ssoErrorCodeName(error->code)
                                       << error->awsCode << "HTTP" << error->httpStatus;
        m_calls.remove(id);
        call->deliverError(*error);
    }

    /// nullopt when the value was delivered, else what went wrong.
    std::optional<SsoError> outcome(const detail::SsoCall &call, QNetworkReply &reply) const
    {
        if (call.oversized)
            return detail::malformedSsoResponse(call.operation
                                                + QStringLiteral(" answer is far too large"));
        const QVariant status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            // setTransferTimeout() ends a stalled reply with OperationCanceledError; we never
            // abort a reply whose result we still read.
            if (reply.error() == QNetworkReply::OperationCanceledError
                || reply.error() == QNetworkReply::TimeoutError)
                return SsoError{SsoErrorCode::Timeout,
                                {},
                                QStringLiteral("no answer from IAM Identity Center within %1 ms")
                                        .arg(m_timeout.count()),
                                0};
            return SsoError{SsoErrorCode::Network, {}, reply.errorString(), 0};
        }
        const int httpStatus = status.toInt();
        const QByteArray body = reply.readAll();
        std::optional<SsoError> error = httpStatus >= 200 && httpStatus < 300
                ? call.deliverValue(body)
                : detail::classifySsoFailure(httpStatus, reply.rawHeader("x-amzn-ErrorType"), body);
        if (error)
            error->httpStatus = httpStatus;
        return error;
    }

    /// When to try again, or nullopt to give up.
    std::optional<std::chrono::milliseconds> retryDelay(const detail::SsoCall &call,
                                                        const SsoError &error) const
    {
        if (!call.retryable || !error.isTransient() || call.attempt >= m_retryPolicy.maxAttempts)
            return std::nullopt;
        return m_retryPolicy.delayAfter(call.attempt);
    }

    QNetworkAccessManager &m_network;
    Clock &m_clock;
    std::chrono::milliseconds m_timeout = defaultTimeout;
    StsRetryPolicy m_retryPolicy;
    QString m_userAgent;
    quint64 m_lastCallId = 0;
    QHash<quint64, CallPointer> m_calls;
};

} // namespace imsa
