#pragma once

#include <QProcessEnvironment>

#include "imsa/detail/profilevalidation.h"
#include "imsa/profile.h"
#include "imsa/stsapi.h"

namespace imsa {

/// The region that signs calls to the global endpoint https://sts.amazonaws.com.
inline constexpr QLatin1StringView globalStsRegion{"us-east-1"};

/// Where a profile's STS calls go, in the order the AWS CLI uses: the profile's sts_endpoint,
/// then AWS_ENDPOINT_URL_STS, then AWS_ENDPOINT_URL, else the regional endpoint of sts_region
/// or region, else the global endpoint. The signing region is sts_region, else us-east-1 for
/// the global host, else the region named in a regional AWS host, else the profile's region,
/// else us-east-1.
inline StsEndpoint resolveStsEndpoint(const Profile &profile,
                                      const QProcessEnvironment &environment)
{
    const QString region = profile.stsRegion.isEmpty() ? profile.region : profile.stsRegion;
    QString url = profile.stsEndpoint;
    QString source;
    if (!url.isEmpty())
        source = QStringLiteral("profile '%1', key 'sts_endpoint'").arg(profile.name);
    for (const auto *variable : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
        if (url.isEmpty()) {
            url = environment.value(QLatin1StringView(variable));
            source = QLatin1StringView(variable);
        }
    }
    if (url.isEmpty()) {
        source.clear();
        if (!region.isEmpty()) {
            const QLatin1StringView domain(region.startsWith(QLatin1StringView("cn-"))
                                                   ? "amazonaws.com.cn"
                                                   : "amazonaws.com");
            url = QStringLiteral("https://sts.") + region + QLatin1Char('.') + domain;
        } else {
            url = QStringLiteral("https://sts.amazonaws.com");
        }
    }

    StsEndpoint endpoint{QUrl(url), profile.stsRegion, source};
    if (endpoint.signingRegion.isEmpty()) {
        const QStringList labels = endpoint.url.host().split(QLatin1Char('.'));
        if (endpoint.url.host() == QLatin1StringView("sts.amazonaws.com"))
            endpoint.signingRegion = globalStsRegion;
        else if (labels.size() >= 4 && labels.first() == QLatin1StringView("sts")
                 && labels.at(2) == QLatin1StringView("amazonaws"))
            endpoint.signingRegion = labels.at(1);
    }
    if (endpoint.signingRegion.isEmpty())
        endpoint.signingRegion =
                profile.region.isEmpty() ? QString(globalStsRegion) : profile.region;
    return endpoint;
}

/// Why STS calls must not go to `endpoint`, naming where its URL came from
/// ("AWS_ENDPOINT_URL_STS=http://10.0.0.5/: plain http is allowed only to ..."); empty if fine.
/// A profile's sts_endpoint is already refused when the file is read, with its file:line:col.
inline QString stsEndpointProblem(const StsEndpoint &endpoint)
{
    const QString problem = detail::plainHttpProblem(endpoint.url);
    if (problem.isEmpty())
        return {};
    const QString url = endpoint.url.toDisplayString(QUrl::RemoveUserInfo);
    if (endpoint.source.startsWith(QLatin1StringView("profile ")))
        return endpoint.source + QStringLiteral(": ") + problem;
    return (endpoint.source.isEmpty() ? url : endpoint.source + QLatin1Char('=') + url)
            + QStringLiteral(": ") + problem;
}

/// Whether `url` is one of AWS's own STS endpoints (https on *.amazonaws.com or
/// *.amazonaws.com.cn); anything else is worth showing in `imsa status` and `imsa doctor`.
inline bool isAwsStsEndpoint(const QUrl &url)
{
    const QString host = url.host();
    return url.scheme() == QLatin1StringView("https")
            && (host.endsWith(QLatin1StringView(".amazonaws.com"))
                || host.endsWith(QLatin1StringView(".amazonaws.com.cn")));
}

} // namespace imsa
