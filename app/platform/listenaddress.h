#pragma once

#include <QHostAddress>

#include "imsa/result.h"

namespace imsa::app {

/// Where the metadata server listens, as given to --listen.
struct ListenAddress
{
    QHostAddress address;
    quint16 port = 0;

    /// 169.254.169.254:80, which needs imsa-helper because binding it needs privileges.
    bool isInstanceMetadataAddress() const;
    /// "http://169.254.169.254/" or "http://127.0.0.1:9254/" (AWS CLI 2.9 needs the slash).
    QString url() const;

    /// Parses "ADDR:PORT", "[IPV6]:PORT" or "ADDR" (port 80).
    static Result<ListenAddress, Failure> parse(const QString &text);
};

inline constexpr QLatin1StringView instanceMetadataAddress{"169.254.169.254"};
inline constexpr quint16 instanceMetadataPort = 80;

} // namespace imsa::app
