#pragma once

#include <chrono>

#include <QNetworkRequest>
#include <QString>

namespace imsa::detail {

/// What every call imsa makes to AWS (STS, sso-oidc, the portal) sets on its request. Redirects
/// are not followed: one would replay signed credentials, a bearer token or a client secret to
/// another host, and AWS's APIs never redirect. Nothing is cached and no cookie is kept, since
/// answers carry credentials.
inline void prepareAwsRequest(QNetworkRequest &request, std::chrono::milliseconds timeout,
                              const QString &userAgent)
{
    if (!userAgent.isEmpty())
        request.setHeader(QNetworkRequest::UserAgentHeader, userAgent);
    request.setTransferTimeout(int(timeout.count()));
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    request.setAttribute(QNetworkRequest::CookieLoadControlAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CookieSaveControlAttribute, QNetworkRequest::Manual);
}

} // namespace imsa::detail
