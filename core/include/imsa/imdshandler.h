#pragma once

#include <optional>
#include <utility>

#include <QByteArray>
#include <QDateTime>
#include <QHostAddress>
#include <QString>

#include "imsa/credentials.h"
#include "imsa/detail/credentialsbodycache.h"
#include "imsa/detail/imdsjson.h"
#include "imsa/hostcheck.h"
#include "imsa/httpmessage.h"
#include "imsa/imdstokens.h"
#include "imsa/logging.h"
#include "imsa/redact.h"

namespace imsa {

// Request limits. The server glue bounds the raw request line and header block too; these
// repeat the bounds on the parsed request as defence in depth (httplib's
// CPPHTTPLIB_*_MAX_LENGTH, qBittorrent's Http::Server).
inline constexpr qsizetype imdsMaxTargetBytes = 2048; ///< longer: 414
inline constexpr qsizetype imdsMaxHeaderCount = 64; ///< more: 431
/// Header bytes count each name and value plus 4 (": " and CRLF); more: 431.
inline constexpr qsizetype imdsMaxHeaderBytes = 16 * 1024;

/// What is being served: a snapshot from the broker, in memory.
struct ServedProfile
{
    QString profile;
    QString roleName; ///< Profile::roleName()
    QString roleArn;
    QString accountId;
    QString region;
    AwsCredentials credentials; ///< temporary credentials, already checked to have >= 15 min left
    QDateTime lastUpdated;
};

/// The broker's state as the handler sees it. Implemented by the app; never blocks, because
/// IMDS clients time out after a second or two and must never wait for a human (MFA).
class CredentialView
{
public:
    virtual ~CredentialView() = default;
    /// The profile served on the IMDS routes; nullopt when none is active or it has no
    /// credentials at the moment.
    virtual std::optional<ServedProfile> active() const = 0;
    /// A profile by name, for the container route; nullopt when unknown or unavailable.
    virtual std::optional<ServedProfile> profile(const QString &name) const = 0;
};

/// Who may take credentials, asked by the handler right before it hands out a profile's
/// credentials on behalf of one request. Implemented by the app, which knows the caller of the
/// request (its process, from the connection) and records the answer in the access log.
class CredentialAccess
{
public:
    virtual ~CredentialAccess() = default;
    /// Whether the caller may have `profile`'s credentials on `route` ("imds", "container").
    /// False: the handler answers as if the profile had no credentials (404), so an SDK moves
    /// on at once instead of retrying.
    virtual bool admit(const QString &profile, QLatin1StringView route) = 0;
};

struct ImdsConfig
{
    QHostAddress listenAddress; ///< e.g. 169.254.169.254 or 127.0.0.1
    quint16 listenPort = 80;
    bool imdsv2Only = false;
    /// Checks the Authorization of the container route; nullopt disables the route.
    std::optional<ContainerTokenSigner> containerTokens;
};

/// The instance-metadata service as a pure function of (request, broker state, now): no
/// sockets, no timers, no token table (tokens are MACs, imdstokens.h). Caller and Host are
/// checked before any routing (aws-vault's withSecurityChecks); the routes are those of
/// docs/imds-and-sts.md.
class ImdsHandler
{
public:
    ImdsHandler(ImdsConfig config, ImdsTokenSigner tokens, const CredentialView &view)
        : m_config(std::move(config))
        , m_tokens(std::move(tokens))
        , m_view(view)
    { }

    /// The answer to `request` at time `now`; `access`, when given, decides who gets
    /// credentials. Never throws.
    HttpResponse handle(const HttpRequest &request, const QDateTime &now,
                        CredentialAccess *access = nullptr)
    {
        try {
            return dispatch(request, now, access);
        } catch (...) {
            // CredentialView is app code: whatever it throws must not reach the event loop.
            qCWarning(lcImds) << "request failed with an exception";
            return error(500);
        }
    }

private:
    enum class RouteKind {
        Token,
        RoleName,
        Credentials,
        RoleNameExtended,
        CredentialsExtended,
        AvailabilityZone,
        Region,
        IdentityDocument,
        Container
    };

    struct Route
    {
        RouteKind kind;
        /// Role or profile name: the rest of the path, percent-decoded exactly once here (the
        /// app encodes a profile name as one segment, so `%2561dmin` names `%61dmin`).
        QString name;
    };

    /// The path of a request target without its query and without one trailing slash: real
    /// IMDS answers `placement/availability-zone/` (botocore's form) like the bare path.
    static QByteArray routingPath(const QByteArray &target)
    {
        const qsizetype query = target.indexOf('?');
        QByteArray path = query < 0 ? target : target.first(query);
        if (path.endsWith('/'))
            path.chop(1);
        return path;
    }

    static std::optional<Route> match(const QByteArray &path)
    {
        static constexpr struct
        {
            const char *path;
            RouteKind kind;
        } exact[] = {
                {"/latest/api/token", RouteKind::Token},
                {"/latest/meta-data/iam/security-credentials", RouteKind::RoleName},
                {"/latest/meta-data/iam/security-credentials-extended",
                 RouteKind::RoleNameExtended},
                {"/latest/meta-data/placement/availability-zone", RouteKind::AvailabilityZone},
                {"/latest/meta-data/placement/region", RouteKind::Region},
                {"/latest/dynamic/instance-identity/document", RouteKind::IdentityDocument},
                {"/v1/credentials", RouteKind::Container}, // no profile name: no token grants it
        };

        static constexpr struct
        {
            const char *prefix;
            RouteKind kind;
        } named[] = {
                {"/latest/meta-data/iam/security-credentials/", RouteKind::Credentials},
                {"/latest/meta-data/iam/security-credentials-extended/",
                 RouteKind::CredentialsExtended},
                {"/v1/credentials/", RouteKind::Container},
        };

        for (const auto &route : exact) {
            if (path == route.path)
                return Route{route.kind, {}};
        }
        for (const auto &route : named) {
            const QByteArrayView prefix(route.prefix);
            if (path.startsWith(prefix)) {
                const QByteArray name = QByteArray::fromPercentEncoding(path.sliced(prefix.size()));
                return Route{route.kind, QString::fromUtf8(name)};
            }
        }
        return std::nullopt;
    }

    HttpResponse dispatch(const HttpRequest &request, const QDateTime &now,
                          CredentialAccess *access)
    {
        if (request.target.size() > imdsMaxTargetBytes)
            return error(414);
        qsizetype headerBytes = 0;
        for (const auto &[name, value] : request.headers)
            headerBytes += name.size() + value.size() + 4;
        if (request.headers.size() > imdsMaxHeaderCount || headerBytes > imdsMaxHeaderBytes)
            return error(431);

        const QByteArray path = routingPath(request.target);
        if (!isAllowedPeer(request.peer, m_config.listenAddress)) {
            qCWarning(lcImds) << "refused a request from" << request.peer.toString() << "for"
                              << path << "(not a local address)";
            return error(403);
        }
        if (request.headerCount("Host") != 1
            || !isAllowedHost(request.header("Host"), m_config.listenAddress)) {
            qCWarning(lcImds) << "refused a request from" << request.peer.toString() << "for"
                              << path << "(Host header is not this server)";
            return error(403);
        }

        const std::optional<Route> route = match(path);
        if (route && route->kind == RouteKind::Container)
            return container(request, route->name, now, access);
        if (route && route->kind == RouteKind::Token)
            return issueToken(request, now);
        if (request.method == "GET") {
            if (request.hasHeader("X-aws-ec2-metadata-token")) {
                if (!m_tokens.isValid(request.header("X-aws-ec2-metadata-token"), now)) {
                    qCDebug(lcImds) << "unknown or expired IMDS token for" << path;
                    return error(401);
                }
            } else if (m_config.imdsv2Only) {
                qCDebug(lcImds) << "IMDSv1 request refused in v2-only mode for" << path;
                return error(401);
            }
        }
        if (!route)
            return error(404);
        if (request.method != "GET")
            return methodNotAllowed("GET");
        return metadata(*route, now, access);
    }

    HttpResponse issueToken(const HttpRequest &request, const QDateTime &now)
    {
        if (request.method != "PUT")
            return methodNotAllowed("PUT");
        // EC2 refuses token requests that went through a proxy, so that an open reverse proxy
        // or an SSRF-able web app on this machine cannot obtain a session (AWS Security Blog,
        // "Add defense in depth against open firewalls, reverse proxies, and SSRF
        // vulnerabilities with enhancements to the EC2 Instance Metadata Service", 2019).
        if (request.hasHeader("X-Forwarded-For")) {
            qCWarning(lcImds) << "refused an IMDS token request carrying X-Forwarded-For from"
                              << request.peer.toString();
            return error(403);
        }
        const std::optional<int> ttl =
                parseTtl(request.header("X-aws-ec2-metadata-token-ttl-seconds"));
        if (!ttl)
            return error(400);
        HttpResponse response = text(200, m_tokens.issue(*ttl, now));
        // The Go SDKs read the TTL back from the response and fail without it.
        response.headers.emplaceBack("X-aws-ec2-metadata-token-ttl-seconds",
                                     QByteArray::number(*ttl));
        response.headers.emplaceBack("Cache-Control", "no-store");
        qCDebug(lcImds) << "issued an IMDS token for" << *ttl << "s";
        return response;
    }

    /// An integer 1..21600 written as plain digits; nullopt for anything else.
    static std::optional<int> parseTtl(QByteArrayView value)
    {
        value = value.trimmed();
        if (value.isEmpty() || value.size() > 5)
            return std::nullopt;
        int seconds = 0;
        for (const char digit : value) {
            if (digit < '0' || digit > '9')
                return std::nullopt;
            seconds = seconds * 10 + (digit - '0');
        }
        if (seconds < 1 || seconds > ImdsTokenSigner::maxTtlSeconds)
            return std::nullopt;
        return seconds;
    }

    HttpResponse metadata(const Route &route, const QDateTime &now, CredentialAccess *access)
    {
        switch (route.kind) {
        case RouteKind::RoleName:
        case RouteKind::RoleNameExtended: {
            const std::optional<ServedProfile> served = servable(m_view.active(), now);
            if (!served || served->roleName.isEmpty())
                return error(404);
            return noStore(text(200, served->roleName.toUtf8()));
        }
        case RouteKind::Credentials:
        case RouteKind::CredentialsExtended: {
            const std::optional<ServedProfile> served = servable(m_view.active(), now);
            if (!served || served->roleName.isEmpty() || route.name != served->roleName)
                return error(404);
            if (access && !access->admit(served->profile, QLatin1StringView("imds")))
                return error(404);
            const auto format = route.kind == RouteKind::CredentialsExtended
                    ? detail::CredentialsBodyCache::Format::ImdsExtended
                    : detail::CredentialsBodyCache::Format::Imds;
            logServed(*served, "IMDS");
            return noStore(json(m_bodies.body(format, served->credentials,
                                              lastUpdated(*served, now), served->accountId)));
        }
        case RouteKind::AvailabilityZone:
        case RouteKind::Region:
        case RouteKind::IdentityDocument:
            return placement(route.kind, now);
        case RouteKind::Token:
        case RouteKind::Container:
            break;
        }
        return error(404);
    }

    /// The region routes need an active profile with a region, not live credentials: the
    /// region is a fact about the profile, and SDKs ask for it before any credentials.
    HttpResponse placement(RouteKind kind, const QDateTime &now)
    {
        const std::optional<ServedProfile> active = m_view.active();
        if (!active || active->region.isEmpty())
            return error(404);
        if (kind == RouteKind::AvailabilityZone)
            return text(200, QString(active->region + u'a').toUtf8());
        if (kind == RouteKind::Region)
            return text(200, active->region.toUtf8());
        return json(detail::instanceIdentityDocument(active->profile, active->accountId,
                                                     active->region, lastUpdated(*active, now)));
    }

    HttpResponse container(const HttpRequest &request, const QString &profile, const QDateTime &now,
                           CredentialAccess *access)
    {
        if (!m_config.containerTokens)
            return error(404);
        // A token opens the one profile `imsa env` issued it for (issue #12: one token for
        // every profile let a shell set up for readonly read admin).
        if (!m_config.containerTokens->grants(request.header("Authorization"), profile)) {
            qCWarning(lcImds) << "refused a container credentials request from"
                              << request.peer.toString() << "for profile" << profile
                              << "(wrong or missing Authorization)";
            return error(401);
        }
        if (request.method != "GET")
            return methodNotAllowed("GET");
        const std::optional<ServedProfile> served = servable(m_view.profile(profile), now);
        if (!served)
            return error(404);
        if (access && !access->admit(served->profile, QLatin1StringView("container")))
            return error(404);
        logServed(*served, "container");
        return noStore(json(m_bodies.body(detail::CredentialsBodyCache::Format::Container,
                                          served->credentials, lastUpdated(*served, now),
                                          served->accountId)));
    }

    /// `profile` if its credentials may be handed out at `now`: complete, temporary and not
    /// yet expired. Stale credentials are never served; a client then gets 404 and moves on.
    static std::optional<ServedProfile> servable(std::optional<ServedProfile> profile,
                                                 const QDateTime &now)
    {
        if (!profile)
            return std::nullopt;
        const AwsCredentials &credentials = profile->credentials;
        if (!credentials.isComplete() || !credentials.isTemporary()
            || credentials.sessionToken.isEmpty() || credentials.expiration <= now) {
            qCDebug(lcImds) << "credentials of profile" << profile->profile
                            << "are not servable (missing, long-lived or expired)";
            return std::nullopt;
        }
        return profile;
    }

    static QDateTime lastUpdated(const ServedProfile &served, const QDateTime &now)
    {
        return served.lastUpdated.isValid() ? served.lastUpdated : now;
    }

    static void logServed(const ServedProfile &served, const char *route)
    {
        qCDebug(lcImds).noquote() << "serving" << route << "credentials of profile"
                                  << served.profile << "key"
                                  << redactKeyId(served.credentials.accessKeyId);
    }

    static HttpResponse respond(int status, QByteArray contentType, QByteArray body)
    {
        HttpResponse response;
        response.status = status;
        response.headers = {{"Content-Type", std::move(contentType)}, {"Server", "EC2ws"}};
        response.body = std::move(body);
        return response;
    }

    static HttpResponse text(int status, QByteArray body)
    {
        return respond(status, "text/plain", std::move(body));
    }

    static HttpResponse json(QByteArray body)
    {
        return respond(200, "application/json", std::move(body));
    }

    static HttpResponse noStore(HttpResponse response)
    {
        response.headers.emplaceBack("Cache-Control", "no-store");
        return response;
    }

    /// A refusal whose body is only the reason phrase: no detail for the caller.
    static HttpResponse error(int status)
    {
        switch (status) {
        case 400:
            return text(status, "Bad Request");
        case 401:
            return text(status, "Unauthorized");
        case 403:
            return text(status, "Forbidden");
        case 404:
            return text(status, "Not Found");
        case 405:
            return text(status, "Method Not Allowed");
        case 414:
            return text(status, "URI Too Long");
        case 431:
            return text(status, "Request Header Fields Too Large");
        default:
            return text(500, "Internal Server Error");
        }
    }

    static HttpResponse methodNotAllowed(const QByteArray &allowed)
    {
        HttpResponse response = error(405);
        response.headers.emplaceBack("Allow", allowed);
        return response;
    }

    ImdsConfig m_config;
    ImdsTokenMemo m_tokens;
    const CredentialView &m_view;
    detail::CredentialsBodyCache m_bodies;
};

} // namespace imsa
