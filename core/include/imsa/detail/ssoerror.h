#pragma once

#include <optional>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

#include "imsa/ssoapi.h"

// From an sso-oidc or sso error answer to an SsoError.
namespace imsa::detail {

/// The error code of an answer the way botocore's RestJSONParser finds it: the
/// x-amzn-ErrorType header up to any ':', else the body's code/Code, else its __type after any
/// '#'. sso-oidc's OAuth-style body ({"error": "authorization_pending", "error_description":
/// ...}) is the last resort, for a server that sends no header.
inline QString ssoAwsErrorCode(const QByteArray &errorTypeHeader, const QJsonObject &body)
{
    if (!errorTypeHeader.isEmpty())
        return QString::fromUtf8(errorTypeHeader.split(':').constFirst()).trimmed();
    for (const char *member : {"code", "Code", "__type", "error"}) {
        const QString code = body.value(QLatin1StringView(member)).toString();
        if (!code.isEmpty())
            return code.mid(code.lastIndexOf(QLatin1Char('#')) + 1);
    }
    return {};
}

/// The code for an AWS error name (sso-oidc's exception shape or its OAuth `error` value,
/// sso's exception shape), or nullopt for a name we do not know.
inline std::optional<SsoErrorCode> ssoErrorCodeFor(const QString &awsCode)
{
    static const QList<std::pair<QStringList, SsoErrorCode>> table = {
            {{QStringLiteral("AuthorizationPendingException"),
              QStringLiteral("authorization_pending")},
             SsoErrorCode::AuthorizationPending},
            {{QStringLiteral("SlowDownException"), QStringLiteral("slow_down")},
             SsoErrorCode::SlowDown},
            {{QStringLiteral("ExpiredTokenException"), QStringLiteral("expired_token")},
             SsoErrorCode::ExpiredToken},
            {{QStringLiteral("AccessDeniedException"), QStringLiteral("access_denied")},
             SsoErrorCode::AccessDenied},
            // Both mean this registration may not do what it asked: register again.
            {{QStringLiteral("InvalidClientException"), QStringLiteral("invalid_client"),
              QStringLiteral("UnauthorizedClientException"), QStringLiteral("unauthorized_client")},
             SsoErrorCode::InvalidClient},
            {{QStringLiteral("InvalidGrantException"), QStringLiteral("invalid_grant")},
             SsoErrorCode::InvalidGrant},
            {{QStringLiteral("UnauthorizedException")}, SsoErrorCode::Unauthorized},
            {{QStringLiteral("ForbiddenException")}, SsoErrorCode::Forbidden},
            {{QStringLiteral("ResourceNotFoundException")}, SsoErrorCode::NotFound},
            {{QStringLiteral("TooManyRequestsException")}, SsoErrorCode::Throttled},
            {{QStringLiteral("InvalidRequestException"), QStringLiteral("invalid_request"),
              QStringLiteral("InvalidScopeException"), QStringLiteral("invalid_scope"),
              QStringLiteral("InvalidClientMetadataException"),
              QStringLiteral("UnsupportedGrantTypeException"),
              QStringLiteral("unsupported_grant_type")},
             SsoErrorCode::InvalidRequest},
            {{QStringLiteral("InternalServerException"), QStringLiteral("server_error")},
             SsoErrorCode::ServerError},
    };
    for (const auto &[names, code] : table) {
        if (names.contains(awsCode))
            return code;
    }
    return std::nullopt;
}

/// The code for an HTTP status when the answer names no error we know.
inline SsoErrorCode ssoErrorCodeForStatus(int httpStatus)
{
    switch (httpStatus) {
    case 400:
        return SsoErrorCode::InvalidRequest;
    case 401:
        return SsoErrorCode::Unauthorized;
    case 403:
        return SsoErrorCode::Forbidden;
    case 404:
        return SsoErrorCode::NotFound;
    case 429:
        return SsoErrorCode::Throttled;
    default:
        return httpStatus >= 500 ? SsoErrorCode::ServerError : SsoErrorCode::Other;
    }
}

/// A non-2xx answer as an SsoError. The message is the service's (message, Message or
/// error_description); the caller scrubs the call's secrets from it.
inline SsoError classifySsoFailure(int httpStatus, const QByteArray &errorTypeHeader,
                                   const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    SsoError error;
    error.httpStatus = httpStatus;
    error.awsCode = ssoAwsErrorCode(errorTypeHeader, object);
    // A 5xx is the server's trouble whatever it calls it, and worth a retry.
    error.code = httpStatus >= 500
            ? SsoErrorCode::ServerError
            : ssoErrorCodeFor(error.awsCode).value_or(ssoErrorCodeForStatus(httpStatus));
    for (const char *member : {"message", "Message", "error_description"}) {
        error.message = object.value(QLatin1StringView(member)).toString();
        if (!error.message.isEmpty())
            break;
    }
    if (error.message.isEmpty())
        error.message = QStringLiteral("HTTP %1%2")
                                .arg(httpStatus)
                                .arg(error.awsCode.isEmpty() ? QString()
                                                             : QStringLiteral(" ") + error.awsCode);
    return error;
}

/// For logs: the enumerator's name.
inline QLatin1StringView ssoErrorCodeName(SsoErrorCode code)
{
    switch (code) {
    case SsoErrorCode::AuthorizationPending:
        return QLatin1StringView("AuthorizationPending");
    case SsoErrorCode::SlowDown:
        return QLatin1StringView("SlowDown");
    case SsoErrorCode::ExpiredToken:
        return QLatin1StringView("ExpiredToken");
    case SsoErrorCode::AccessDenied:
        return QLatin1StringView("AccessDenied");
    case SsoErrorCode::InvalidClient:
        return QLatin1StringView("InvalidClient");
    case SsoErrorCode::InvalidGrant:
        return QLatin1StringView("InvalidGrant");
    case SsoErrorCode::Unauthorized:
        return QLatin1StringView("Unauthorized");
    case SsoErrorCode::Forbidden:
        return QLatin1StringView("Forbidden");
    case SsoErrorCode::NotFound:
        return QLatin1StringView("NotFound");
    case SsoErrorCode::InvalidRequest:
        return QLatin1StringView("InvalidRequest");
    case SsoErrorCode::Throttled:
        return QLatin1StringView("Throttled");
    case SsoErrorCode::ServerError:
        return QLatin1StringView("ServerError");
    case SsoErrorCode::Network:
        return QLatin1StringView("Network");
    case SsoErrorCode::Timeout:
        return QLatin1StringView("Timeout");
    case SsoErrorCode::MalformedResponse:
        return QLatin1StringView("MalformedResponse");
    case SsoErrorCode::Other:
        break;
    }
    return QLatin1StringView("Other");
}

} // namespace imsa::detail
