#pragma once

#include <QProcessEnvironment>
#include <QUrl>

#include "imsa/detail/profilevalidation.h"
#include "imsa/result.h"

namespace imsa {

/// Where IAM Identity Center calls go: `oidc` for the sso-oidc service (sign-in), `portal` for
/// the sso service (role credentials, accounts). The sources name the environment variable each
/// URL came from, empty for AWS's own endpoint.
struct SsoEndpoints
{
    QUrl oidc;
    QUrl portal;
    QString oidcSource;
    QString portalSource;
};

namespace detail {

/// The URL of one service: the first variable set among `variables`, else `awsDefault`.
inline Result<std::pair<QUrl, QString>, Failure>
resolveSsoService(const QProcessEnvironment &env, std::initializer_list<const char *> variables,
                  const QString &awsDefault)
{
    for (const char *name : variables) {
        const QLatin1StringView variable(name);
        const QString text = env.value(variable).trimmed();
        if (text.isEmpty())
            continue;
        const QUrl url(text, QUrl::StrictMode);
        const bool httpUrl = url.scheme() == QLatin1StringView("https")
                || url.scheme() == QLatin1StringView("http");
        if (!url.isValid() || !httpUrl || url.host().isEmpty())
            return Failure{variable
                           + QStringLiteral(": must be an http:// or https:// URL "
                                            "with a host")};
        if (const QString problem = plainHttpProblem(url); !problem.isEmpty())
            return Failure{variable + QLatin1Char('=') + url.toDisplayString(QUrl::RemoveUserInfo)
                           + QStringLiteral(": ") + problem};
        return std::pair{url, QString(variable)};
    }
    return std::pair{QUrl(awsDefault), QString()};
}

} // namespace detail

/// The endpoints for an sso_region, in the order the AWS SDKs take them (service-specific
/// endpoint variable, then AWS_ENDPOINT_URL, then AWS's regional host). Plain http only to
/// loopback: the answers carry bearer tokens and role credentials.
inline Result<SsoEndpoints, Failure> resolveSsoEndpoints(const QString &ssoRegion,
                                                         const QProcessEnvironment &env)
{
    if (const QString problem = detail::checkRegion(ssoRegion); !problem.isEmpty())
        return Failure{QStringLiteral("sso_region '%1': %2").arg(ssoRegion, problem)};
    const QLatin1StringView domain(
            ssoRegion.startsWith(QLatin1StringView("cn-")) ? "amazonaws.com.cn" : "amazonaws.com");
    const auto oidc = detail::resolveSsoService(
            env, {"AWS_ENDPOINT_URL_SSO_OIDC", "AWS_ENDPOINT_URL"},
            QStringLiteral("https://oidc.") + ssoRegion + QLatin1Char('.') + domain);
    if (!oidc)
        return oidc.error();
    const auto portal = detail::resolveSsoService(env, {"AWS_ENDPOINT_URL_SSO", "AWS_ENDPOINT_URL"},
                                                  QStringLiteral("https://portal.sso.") + ssoRegion
                                                          + QLatin1Char('.') + domain);
    if (!portal)
        return portal.error();
    return SsoEndpoints{oidc->first, portal->first, oidc->second, portal->second};
}

} // namespace imsa
