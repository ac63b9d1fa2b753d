#pragma once

#include <functional>
#include <optional>

#include <QByteArray>
#include <QNetworkReply>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>

#include "imsa/detail/stsquery.h"
#include "imsa/stsapi.h"

// StsClient's bookkeeping for one call, and the small pure helpers it uses.
namespace imsa::detail {

/// One STS call across its attempts. Holds secrets; never logged as a whole.
struct StsCall
{
    quint64 id = 0;
    QLatin1StringView action;
    QueryParameters parameters;
    AwsCredentials credentials;
    StsEndpoint endpoint;
    QString mfaSerial;
    QString tokenCode; ///< only to keep it out of error messages
    int attempt = 0;
    bool skewRetried = false;
    bool oversized = false;
    QPointer<QObject> context;
    QPointer<QNetworkReply> reply;
    /// Parses a 2xx body and queues the value to the caller; returns the error instead when
    /// the body is not what STS sends (and then delivers nothing).
    std::function<std::optional<StsError>(const QByteArray &)> deliverValue;
    std::function<void(const StsError &)> deliverError;

    bool carriesTokenCode() const { return !tokenCode.isEmpty(); }
};

/// The Host header for `url`. StsClient sets it explicitly: it is signed, so what is sent
/// must be exactly what was signed.
inline QByteArray stsHostHeader(const QUrl &url)
{
    QByteArray host = url.host(QUrl::FullyEncoded).toUtf8();
    if (host.contains(':'))
        host = '[' + host + ']';
    const int defaultPort = url.scheme() == QLatin1StringView("https") ? 443 : 80;
    if (url.port() != -1 && url.port() != defaultPort)
        host += ':' + QByteArray::number(url.port());
    return host;
}

/// For logs: the enumerator's name.
inline QLatin1StringView stsErrorCodeName(StsErrorCode code)
{
    switch (code) {
    case StsErrorCode::WrongMfaCode:
        return QLatin1StringView("WrongMfaCode");
    case StsErrorCode::AccessDenied:
        return QLatin1StringView("AccessDenied");
    case StsErrorCode::InvalidKeys:
        return QLatin1StringView("InvalidKeys");
    case StsErrorCode::ExpiredToken:
        return QLatin1StringView("ExpiredToken");
    case StsErrorCode::SignatureMismatch:
        return QLatin1StringView("SignatureMismatch");
    case StsErrorCode::ClockSkew:
        return QLatin1StringView("ClockSkew");
    case StsErrorCode::InvalidRequest:
        return QLatin1StringView("InvalidRequest");
    case StsErrorCode::Throttled:
        return QLatin1StringView("Throttled");
    case StsErrorCode::ServerError:
        return QLatin1StringView("ServerError");
    case StsErrorCode::Network:
        return QLatin1StringView("Network");
    case StsErrorCode::Timeout:
        return QLatin1StringView("Timeout");
    case StsErrorCode::MalformedResponse:
        return QLatin1StringView("MalformedResponse");
    case StsErrorCode::SignInNeeded:
        return QLatin1StringView("SignInNeeded");
    case StsErrorCode::Other:
        break;
    }
    return QLatin1StringView("Other");
}

/// `message` without any secret of the call in it. AWS validation messages may quote
/// parameter values; the one-time code is replaced only as a whole word, so an account id
/// that happens to contain its digits stays readable.
inline QString scrubStsMessage(QString message, const StsCall &call)
{
    for (const QString &secret :
         {call.credentials.secretAccessKey, call.credentials.sessionToken}) {
        if (!secret.isEmpty())
            message.replace(secret, QStringLiteral("***"));
    }
    if (call.carriesTokenCode()) {
        const QRegularExpression code(QStringLiteral("\\b")
                                      + QRegularExpression::escape(call.tokenCode)
                                      + QStringLiteral("\\b"));
        message.replace(code, QStringLiteral("***"));
    }
    return message;
}

} // namespace imsa::detail
