#pragma once

#include <optional>

#include <QByteArray>
#include <QByteArrayView>
#include <QDateTime>
#include <QHostAddress>
#include <QList>

#include "imsa/httpmessage.h"
#include "imsa/imdshandler.h"
#include "imsa/imdstokens.h"

// Fuzz input for the IMDS handler: one flags byte, then lines: the method, the request target,
// and `Name: value` headers. The flags pick the peer, the listen address, IMDSv2-only mode,
// the container token and whether live credentials exist.
namespace imsa::fuzz {

namespace detail {

inline constexpr QByteArrayView secretKey = "fuzzSecretAccessKey0123456789";

/// A broker that serves `dev` (role `fuzz-role`) when `live` is set, expired credentials else.
class FixedView : public CredentialView
{
public:
    FixedView(const QDateTime &now, bool live)
    {
        ServedProfile served;
        served.profile = QStringLiteral("dev");
        served.roleName = QStringLiteral("fuzz-role");
        served.roleArn = QStringLiteral("arn:aws:iam::123456789012:role/fuzz-role");
        served.accountId = QStringLiteral("123456789012");
        served.region = QStringLiteral("eu-west-1");
        served.credentials = {QStringLiteral("ASIAFUZZFUZZFUZZFUZZ"),
                              QString::fromLatin1(secretKey), QStringLiteral("fuzzSessionToken"),
                              now.addSecs(live ? 3600 : -1)};
        m_served = served;
    }

    std::optional<ServedProfile> active() const override { return m_served; }

    std::optional<ServedProfile> profile(const QString &name) const override
    {
        return name == m_served.profile ? std::optional(m_served) : std::nullopt;
    }

private:
    ServedProfile m_served;
};

inline QHostAddress fuzzPeer(unsigned char flags)
{
    static const char *const peers[] = {"127.0.0.1", "::1",         "::ffff:127.0.0.1",
                                        "127.0.0.2", "192.168.1.5", "169.254.169.254",
                                        "10.0.0.1",  "fe80::1"};
    return QHostAddress(QString::fromLatin1(peers[flags & 7]));
}

/// Loopback, or 169.254.169.254 talking to itself when listening there (hostcheck.h).
inline bool isLocalPeer(unsigned char flags)
{
    return (flags & 7) <= 3 || ((flags & 7) == 5 && (flags & 0x20) != 0);
}

inline HttpRequest fuzzRequest(QByteArrayView text, unsigned char flags)
{
    HttpRequest request;
    request.peer = fuzzPeer(flags);
    const QList<QByteArray> lines = text.toByteArray().split('\n');
    for (qsizetype i = 0; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        if (i == 0) {
            request.method = line;
        } else if (i == 1) {
            request.target = line;
        } else {
            const qsizetype colon = line.indexOf(':');
            if (colon < 0)
                continue;
            request.headers.emplaceBack(line.first(colon), line.sliced(colon + 1).trimmed());
        }
    }
    return request;
}

} // namespace detail

/// Handles one fuzzed request; false when the answer breaks an invariant of the handler.
inline bool fuzzImdsHandler(QByteArrayView data)
{
    if (data.isEmpty())
        return true;
    const auto flags = static_cast<unsigned char>(data.front());
    const QDateTime now(QDate(2024, 1, 1), QTime(12, 0), Qt::UTC);
    ImdsConfig config;
    config.listenAddress = QHostAddress((flags & 0x20) != 0 ? QStringLiteral("169.254.169.254")
                                                            : QStringLiteral("127.0.0.1"));
    config.listenPort = (flags & 0x20) != 0 ? 80 : 9911;
    config.imdsv2Only = (flags & 0x08) != 0;
    // Fixed keys, so that seeds can carry valid tokens: get-with-token has the IMDSv2 token
    // issued at `now` for 600 s, container and container-percent the container token of dev.
    if ((flags & 0x10) != 0)
        config.containerTokens = ContainerTokenSigner(QByteArray(32, 'C'));
    const detail::FixedView view(now, (flags & 0x40) == 0);
    ImdsHandler handler(config, ImdsTokenSigner(QByteArray(32, 'K')), view);

    const HttpResponse response = handler.handle(detail::fuzzRequest(data.sliced(1), flags), now);
    static const QList<int> known{200, 400, 401, 403, 404, 405, 414, 431};
    if (!known.contains(response.status) || response.header("Content-Type").isEmpty())
        return false;
    const bool carriesSecret = response.body.contains(detail::secretKey);
    if (carriesSecret && (response.status != 200 || (flags & 0x40) != 0))
        return false;
    // A remote peer gets nothing but refusals, whatever it sends.
    return detail::isLocalPeer(flags) || response.status == 403 || response.status == 414
            || response.status == 431;
}

} // namespace imsa::fuzz
