#pragma once

#include <QProcessEnvironment>

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
    for (const auto *variable : {"AWS_ENDPOINT_URL_STS", "AWS_ENDPOINT_URL"}) {
        if (url.isEmpty())
            url = environment.value(QLatin1StringView(variable));
    }
    if (url.isEmpty() && !region.isEmpty()) {
        const QLatin1StringView domain(
                region.startsWith(QLatin1StringView("cn-")) ? "amazonaws.com.cn" : "amazonaws.com");
        url = QStringLiteral("https://sts.") + region + QLatin1Char('.') + domain;
    }
    if (url.isEmpty())
        url = QStringLiteral("https://sts.amazonaws.com");

    StsEndpoint endpoint{QUrl(url), profile.stsRegion};
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

} // namespace imsa
