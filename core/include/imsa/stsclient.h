#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>

#include <QHash>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QObject>
#include <QRandomGenerator>
#include <QTimer>

#include "imsa/clock.h"
#include "imsa/detail/awsrequest.h"
#include "imsa/detail/stscall.h"
#include "imsa/detail/stsxml.h"
#include "imsa/logging.h"
#include "imsa/redact.h"
#include "imsa/sigv4.h"
#include "imsa/stsapi.h"
#include "imsa/stsendpoint.h"

namespace imsa {

/// How StsClient retries transient failures (throttling, 5xx, network, timeout, malformed
/// answers): exponential backoff with "full jitter", as AWS recommends in "Exponential Backoff
/// And Jitter" (AWS Architecture Blog, 2015).
struct StsRetryPolicy
{
    int maxAttempts = 3; ///< attempts in all, the first included
    std::chrono::milliseconds baseDelay{200};
    std::chrono::milliseconds maxDelay{5000};
    /// A factor in [0, 1] applied to each delay; a uniform random draw when empty.
    std::function<double()> jitter;

    /// The pause after failed attempt number `attempt` (1 for the first).
    std::chrono::milliseconds delayAfter(int attempt) const
    {
        const double factor = jitter ? std::clamp(jitter(), 0.0, 1.0)
                                     : QRandomGenerator::global()->generateDouble();
        const qint64 exponential = baseDelay.count() << std::clamp(attempt - 1, 0, 20);
        const qint64 capped = std::min(exponential, qint64(maxDelay.count()));
        return std::chrono::milliseconds(std::llround(factor * double(capped)));
    }
};

/// The STS Query API over QNetworkAccessManager: SigV4-signed POSTs, retries with backoff,
/// clock-skew correction from the server's Date header. Use it from the thread it lives in;
/// `network` and `clock` must outlive it. Calls still running when it is destroyed complete
/// with StsErrorCode::Other.
class StsClient : public QObject, public StsApi
{
    Q_OBJECT

public:
    static constexpr std::chrono::milliseconds defaultTimeout{10000};
    /// Differences between our clock and the server's Date below this are latency and
    /// rounding, not skew.
    static constexpr qint64 clockSkewToleranceSeconds = 5;

    StsClient(QNetworkAccessManager &network, Clock &clock, QObject *parent = nullptr)
        : QObject(parent)
        , m_network(network)
        , m_clock(clock)
    { }

    ~StsClient() override
    {
        const auto calls = m_calls;
        for (const auto &call : calls) {
            if (call->reply) {
                call->reply->disconnect(this);
                call->reply->abort();
                call->reply->deleteLater();
            }
            call->deliverError(StsError{StsErrorCode::Other,
                                        {},
                                        QStringLiteral("STS client shut down during the call"),
                                        0});
        }
    }

    /// Per-request transfer timeout (QNetworkRequest::setTransferTimeout): no progress for
    /// this long ends the attempt with StsErrorCode::Timeout.
    void setTimeout(std::chrono::milliseconds timeout) { m_timeout = timeout; }

    std::chrono::milliseconds timeout() const { return m_timeout; }

    void setRetryPolicy(StsRetryPolicy policy) { m_retryPolicy = std::move(policy); }

    const StsRetryPolicy &retryPolicy() const { return m_retryPolicy; }

    void setUserAgent(const QString &userAgent) { m_userAgent = userAgent; }

    QString userAgent() const { return m_userAgent; }

    /// Server time minus our clock, in seconds, as last seen in a Date header; 0 while the
    /// two agree within clockSkewToleranceSeconds. Requests are signed with now() + this.
    qint64 clockOffsetSeconds() const { return m_clockOffset; }

    /// Calls started and not yet completed (in flight or waiting to retry).
    qsizetype pendingCallCount() const { return m_calls.size(); }

    void getSessionToken(const GetSessionTokenParams &params, QObject *context,
                         std::function<void(StsResult<AwsCredentials>)> done) override
    {
        detail::QueryParameters parameters{
                {QStringLiteral("DurationSeconds"), QString::number(params.durationSeconds)}};
        appendMfa(parameters, params.mfaSerial, params.tokenCode);
        start<AwsCredentials>(QLatin1StringView("GetSessionToken"), parameters, params.baseKeys,
                              params.endpoint, params.mfaSerial, params.tokenCode, context,
                              std::move(done), &detail::parseGetSessionTokenResponse);
    }

    void assumeRole(const AssumeRoleParams &params, QObject *context,
                    std::function<void(StsResult<AssumedRole>)> done) override
    {
        detail::QueryParameters parameters{
                {QStringLiteral("RoleArn"), params.roleArn},
                {QStringLiteral("RoleSessionName"), params.roleSessionName},
                {QStringLiteral("DurationSeconds"), QString::number(params.durationSeconds)}};
        if (!params.externalId.isEmpty())
            parameters.append({QStringLiteral("ExternalId"), params.externalId});
        appendMfa(parameters, params.mfaSerial, params.tokenCode);
        start<AssumedRole>(QLatin1StringView("AssumeRole"), parameters, params.credentials,
                           params.endpoint, params.mfaSerial, params.tokenCode, context,
                           std::move(done), &detail::parseAssumeRoleResponse);
    }

    void getCallerIdentity(const AwsCredentials &credentials, const StsEndpoint &endpoint,
                           QObject *context,
                           std::function<void(StsResult<CallerIdentity>)> done) override
    {
        start<CallerIdentity>(QLatin1StringView("GetCallerIdentity"), {}, credentials, endpoint, {},
                              {}, context, std::move(done),
                              &detail::parseGetCallerIdentityResponse);
    }

private:
    using CallPointer = std::shared_ptr<detail::StsCall>;

    static void appendMfa(detail::QueryParameters &parameters, const QString &serial,
                          const QString &code)
    {
        if (!serial.isEmpty())
            parameters.append({QStringLiteral("SerialNumber"), serial});
        if (!code.isEmpty())
            parameters.append({QStringLiteral("TokenCode"), code});
    }

    template <typename T>
    static void post(const QPointer<QObject> &context,
                     const std::function<void(StsResult<T>)> &done, StsResult<T> result)
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
    void start(QLatin1StringView action, const detail::QueryParameters &parameters,
               const AwsCredentials &credentials, const StsEndpoint &endpoint,
               const QString &mfaSerial, const QString &tokenCode, QObject *context,
               std::function<void(StsResult<T>)> done, StsResult<T> (*parse)(const QByteArray &))
    {
        auto call = std::make_shared<detail::StsCall>();
        call->id = ++m_lastCallId;
        call->action = action;
        call->parameters = parameters;
        call->credentials = credentials;
        call->endpoint = endpoint;
        call->mfaSerial = mfaSerial;
        call->tokenCode = tokenCode;
        call->context = context ? context : this;
        const QPointer<QObject> target = call->context;
        call->deliverValue = [target, done,
                              parse](const QByteArray &body) -> std::optional<StsError> {
            StsResult<T> result = parse(body);
            if (!result.ok())
                return result.error();
            post(target, done, std::move(result));
            return std::nullopt;
        };
        call->deliverError = [target, done](const StsError &error) {
            post(target, done, StsResult<T>(error));
        };

        const QUrl &url = endpoint.url;
        const bool httpUrl = url.scheme() == QLatin1StringView("https")
                || url.scheme() == QLatin1StringView("http");
        if (!credentials.isComplete() || !httpUrl || url.host().isEmpty()) {
            call->deliverError(
                    StsError{StsErrorCode::InvalidRequest,
                             {},
                             credentials.isComplete()
                                     ? QStringLiteral("STS endpoint is not an http(s) URL: ")
                                             + url.toDisplayString()
                                     : QStringLiteral("no access key to sign the STS call with"),
                             0});
            return;
        }
        if (const QString problem = stsEndpointProblem(endpoint); !problem.isEmpty()) {
            call->deliverError(StsError{StsErrorCode::InvalidRequest, {}, problem, 0});
            return;
        }
        m_calls.insert(call->id, call);
        send(call);
    }

    void send(const CallPointer &call)
    {
        ++call->attempt;
        const QUrl &url = call->endpoint.url;
        QByteArray target = url.path(QUrl::FullyEncoded).toUtf8();
        if (target.isEmpty())
            target = "/";
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toUtf8();
        const QByteArray body = detail::buildQueryBody(call->action, call->parameters);
        const sigv4::Request request{
                "POST",
                target,
                {{"Host", detail::stsHostHeader(url)}, {"Content-Type", detail::stsContentType}},
                body};
        sigv4::Options options;
        options.region = call->endpoint.signingRegion;
        options.service = QStringLiteral("sts");
        options.time = m_clock.now().addSecs(m_clockOffset);
        const sigv4::Signature signature = sigv4::signHeaders(request, call->credentials, options);

        QNetworkRequest networkRequest(url);
        for (const auto &[name, value] : request.headers + signature.addedHeaders)
            networkRequest.setRawHeader(name, value);
        detail::prepareAwsRequest(networkRequest, m_timeout, m_userAgent);

        qCDebug(lcSts).noquote() << call->action << "attempt" << call->attempt << "to"
                                 << url.toDisplayString() << "with key"
                                 << redactKeyId(call->credentials.accessKeyId)
                                 << (call->carriesTokenCode() ? "and an MFA code" : "");
        QNetworkReply *reply = m_network.post(networkRequest, body);
        call->reply = reply;
        connect(reply, &QNetworkReply::downloadProgress, this,
                [call, reply](qint64 received, qint64) {
                    if (received > detail::maxStsDocumentBytes && !call->oversized) {
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
            qCDebug(lcSts).noquote() << call->action << "dropped: its caller is gone";
            m_calls.remove(id);
            return;
        }
        learnServerTime(*reply);
        std::optional<StsError> error = outcome(*call, *reply);
        if (!error) {
            qCInfo(lcSts).noquote() << call->action << "succeeded for key"
                                    << redactKeyId(call->credentials.accessKeyId) << "after"
                                    << call->attempt << "attempt(s)";
            m_calls.remove(id);
            return;
        }
        error->message = detail::scrubStsMessage(error->message, *call);
        if (const auto delay = retryDelay(*call, *error)) {
            qCInfo(lcSts).noquote()
                    << call->action << "attempt" << call->attempt
                    << "failed:" << detail::stsErrorCodeName(error->code) << error->awsCode
                    << "HTTP" << error->httpStatus << "- retrying in" << delay->count() << "ms";
            QTimer::singleShot(*delay, this, [this, id] {
                if (const CallPointer pending = m_calls.value(id); pending && pending->context)
                    send(pending);
                else
                    m_calls.remove(id);
            });
            return;
        }
        qCWarning(lcSts).noquote()
                << call->action << "failed for key" << redactKeyId(call->credentials.accessKeyId)
                << "after" << call->attempt
                << "attempt(s):" << detail::stsErrorCodeName(error->code) << error->awsCode
                << "HTTP" << error->httpStatus;
        m_calls.remove(id);
        call->deliverError(*error);
    }

    /// nullopt when the value was delivered, else what went wrong.
    std::optional<StsError> outcome(const detail::StsCall &call, QNetworkReply &reply) const
    {
        if (call.oversized)
            return detail::malformedStsResponse(
                    QStringLiteral("STS answer larger than any STS document"));
        const QVariant status = reply.attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (!status.isValid()) {
            // setTransferTimeout() ends a stalled reply with OperationCanceledError; we never
            // abort a reply whose result we still read.
            if (reply.error() == QNetworkReply::OperationCanceledError
                || reply.error() == QNetworkReply::TimeoutError)
                return StsError{StsErrorCode::Timeout,
                                {},
                                QStringLiteral("no answer from STS within ")
                                        + QString::number(m_timeout.count())
                                        + QStringLiteral(" ms"),
                                0};
            return StsError{StsErrorCode::Network, {}, reply.errorString(), 0};
        }
        const int httpStatus = status.toInt();
        const QByteArray body = reply.readAll();
        std::optional<StsError> error = httpStatus >= 200 && httpStatus < 300
                ? call.deliverValue(body)
                : detail::classifyStsFailure(httpStatus, body, call.mfaSerial);
        if (error)
            error->httpStatus = httpStatus;
        return error;
    }

    /// When to try again, or nullopt to give up.
    std::optional<std::chrono::milliseconds> retryDelay(detail::StsCall &call,
                                                        const StsError &error) const
    {
        // A request refused for its signature time never reached the action, so an MFA code it
        // carried was not checked and is not spent: one retry with the server's time is safe.
        if (error.code == StsErrorCode::ClockSkew && !call.skewRetried) {
            call.skewRetried = true;
            return std::chrono::milliseconds(0);
        }
        // Any other answer may come after the one-time code was accepted; sending it again fails
        // or, worse, burns the user's next code.
        if (call.carriesTokenCode())
            return std::nullopt;
        const int transientAttempts = call.attempt - (call.skewRetried ? 1 : 0);
        if (!error.isTransient() || transientAttempts >= m_retryPolicy.maxAttempts)
            return std::nullopt;
        return m_retryPolicy.delayAfter(transientAttempts);
    }

    /// Keeps our signing clock in step with the server's, whatever the answer was (a
    /// "Signature expired" error carries a Date header too).
    void learnServerTime(const QNetworkReply &reply)
    {
        const auto serverTime = detail::parseHttpDate(reply.rawHeader("Date"));
        if (!serverTime)
            return;
        const qint64 difference = m_clock.now().secsTo(*serverTime);
        const qint64 offset = std::abs(difference) > clockSkewToleranceSeconds ? difference : 0;
        if (offset == m_clockOffset)
            return;
        if (offset == 0)
            qCInfo(lcSts) << "STS clock agrees with ours again";
        else
            qCInfo(lcSts) << "STS clock is" << offset << "s off ours; signing with its time";
        m_clockOffset = offset;
    }

    QNetworkAccessManager &m_network;
    Clock &m_clock;
    std::chrono::milliseconds m_timeout = defaultTimeout;
    StsRetryPolicy m_retryPolicy;
    QString m_userAgent;
    qint64 m_clockOffset = 0;
    quint64 m_lastCallId = 0;
    QHash<quint64, CallPointer> m_calls;
};

} // namespace imsa
