#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QPointer>
#include <QStringList>
#include <QUrl>

#include "imsa/detail/profilevalidation.h"
#include "imsa/ssoapi.h"

// SsoClient's bookkeeping for one call, and the small pure helpers it uses.
namespace imsa::detail {

/// One sso-oidc or sso call across its attempts. Holds secrets; never logged as a whole.
struct SsoCall
{
    quint64 id = 0;
    QLatin1StringView operation;
    QByteArray method; ///< "GET" or "POST"
    QUrl url;
    QByteArray body; ///< JSON for sso-oidc calls; empty for the portal's
    bool usesBearer = false; ///< a portal call: sends x-amz-sso_bearer_token
    QByteArray bearerToken;
    QStringList secrets; ///< every secret the call carries, to keep out of messages
    /// RFC 8628 section 3.5: the device-code poll must wait `interval` between tries, so a
    /// failed poll is not retried here; the caller's next poll is the retry.
    bool retryable = true;
    int attempt = 0;
    bool oversized = false;
    QPointer<QObject> context;
    QPointer<QNetworkReply> reply;
    /// Parses a 2xx body and queues the value to the caller; returns the error instead when
    /// the body is not what the service sends (and then delivers nothing).
    std::function<std::optional<SsoError>(const QByteArray &)> deliverValue;
    std::function<void(const SsoError &)> deliverError;
};

using SsoQuery = QList<std::pair<QLatin1StringView, QString>>;

/// `endpoint` with the operation's path appended to any path it has, and the query
/// parameters that have a value. Values are percent-encoded except for RFC 3986's unreserved
/// characters, as botocore's percent_encode does: a '+' or a space in a role name arrives as
/// itself, not as each other.
inline QUrl ssoOperationUrl(const QUrl &endpoint, QLatin1StringView path, const SsoQuery &query)
{
    QUrl url = endpoint;
    QString base = endpoint.path();
    while (base.endsWith(QLatin1Char('/')))
        base.chop(1);
    url.setPath(base + path);
    QByteArray encoded;
    for (const auto &[name, value] : query) {
        if (value.isEmpty())
            continue;
        if (!encoded.isEmpty())
            encoded += '&';
        encoded += QByteArray(name.data(), name.size()) + '=' + QUrl::toPercentEncoding(value);
    }
    url.setQuery(encoded.isEmpty() ? QString() : QString::fromLatin1(encoded), QUrl::StrictMode);
    url.setFragment(QString());
    return url;
}

/// What is wrong with a call before it is sent, or an empty string. Never quotes a secret.
inline QString ssoRequestProblem(const QUrl &endpoint, const QByteArray &bearerToken,
                                 bool needsBearer)
{
    const bool httpUrl = endpoint.scheme() == QLatin1StringView("https")
            || endpoint.scheme() == QLatin1StringView("http");
    if (!endpoint.isValid() || !httpUrl || endpoint.host().isEmpty())
        return QStringLiteral("IAM Identity Center endpoint is not an http(s) URL: ")
                + endpoint.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    // Answers carry bearer tokens and role credentials.
    if (const QString problem = plainHttpProblem(endpoint); !problem.isEmpty())
        return endpoint.toDisplayString(QUrl::RemoveUserInfo | QUrl::RemovePath | QUrl::RemoveQuery)
                + QStringLiteral(": ") + problem;
    if (needsBearer) {
        // A header value: visible ASCII only, or Qt would send a broken request.
        if (bearerToken.isEmpty())
            return QStringLiteral("no access token: sign in first");
        for (const char c : bearerToken) {
            if (c < '!' || c > '~')
                return QStringLiteral("the access token holds characters no header may carry");
        }
    }
    return {};
}

/// `message` without any secret of the call in it: services may quote what they were sent.
inline QString scrubSsoMessage(QString message, const SsoCall &call)
{
    for (const QString &secret : call.secrets) {
        if (!secret.isEmpty())
            message.replace(secret, QStringLiteral("***"));
    }
    return message;
}

} // namespace imsa::detail
