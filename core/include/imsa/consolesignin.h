#pragma once

#include <algorithm>
#include <optional>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRegularExpression>
#include <QString>
#include <QUrl>

#include "imsa/credentials.h"
#include "imsa/detail/profilevalidation.h"
#include "imsa/profile.h"
#include "imsa/result.h"

// Console sign-in through AWS's federation endpoint, without I/O: the URLs of the two steps and
// the reading of the first one's answer. The app makes the GET (app/service/consolesignin.cpp).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_enable-console-custom-url.html
namespace imsa {

/// The partitions whose sign-in and console hosts imsa knows (the second field of an ARN).
enum class AwsPartition {
    Aws, ///< arn:aws:
    China, ///< arn:aws-cn:
    GovCloud ///< arn:aws-us-gov:
};

struct ConsoleHosts
{
    QLatin1StringView signin;
    QLatin1StringView console;
};

inline ConsoleHosts consoleHosts(AwsPartition partition)
{
    switch (partition) {
    case AwsPartition::China:
        return {QLatin1StringView("signin.amazonaws.cn"),
                QLatin1StringView("console.amazonaws.cn")};
    case AwsPartition::GovCloud:
        return {QLatin1StringView("signin.amazonaws-us-gov.com"),
                QLatin1StringView("console.amazonaws-us-gov.com")};
    case AwsPartition::Aws:
        break;
    }
    return {QLatin1StringView("signin.aws.amazon.com"),
            QLatin1StringView("console.aws.amazon.com")};
}

/// The partition of an ARN, nullopt for one imsa has no hosts for.
inline std::optional<AwsPartition> partitionOfArn(const QString &arn)
{
    if (!arn.startsWith(QLatin1StringView("arn:")))
        return std::nullopt;
    const QString partition = arn.section(QLatin1Char(':'), 1, 1);
    if (partition == QLatin1StringView("aws"))
        return AwsPartition::Aws;
    if (partition == QLatin1StringView("aws-cn"))
        return AwsPartition::China;
    if (partition == QLatin1StringView("aws-us-gov"))
        return AwsPartition::GovCloud;
    return std::nullopt;
}

/// How the credentials handed to getSigninToken were obtained: AWS limits SessionDuration by it.
enum class CredentialOrigin {
    AssumeRole, ///< AssumeRole signed with an IAM user's long-term keys
    ChainedAssumeRole, ///< AssumeRole signed with session credentials (an MFA session)
    FederationToken ///< GetFederationToken (imsa does not request these; kept for the rule)
};

/// SessionDuration bounds of getSigninToken, and the one-hour cap on role chaining.
inline constexpr int consoleMinSeconds = 900;
inline constexpr int consoleMaxSeconds = 43200;
inline constexpr int chainedConsoleMaxSeconds = 3600;

/// The SessionDuration to send for a console session of `wantedSeconds`, or nullopt to send
/// none: AWS refuses the parameter with GetFederationToken credentials, and refuses more than an
/// hour with role-chained ones, so those are capped rather than refused.
inline std::optional<int> consoleSessionDuration(CredentialOrigin origin, int wantedSeconds)
{
    if (origin == CredentialOrigin::FederationToken)
        return std::nullopt;
    const int maximum = origin == CredentialOrigin::ChainedAssumeRole ? chainedConsoleMaxSeconds
                                                                      : consoleMaxSeconds;
    return std::clamp(wantedSeconds, consoleMinSeconds, maximum);
}

/// What `imsa console` was asked for; all optional.
struct ConsoleOptions
{
    QString service; ///< e.g. "s3": that service's console home
    QString destination; ///< a full console URL on the partition's console host
    QString region; ///< overrides the profile's region
};

/// Overrides https://signin.<partition host>/federation (tests, private partitions).
inline constexpr QLatin1StringView signinUrlVariable{"IMSA_SIGNIN_URL"};
/// Issuer of the login URL: AWS shows it when the console session ends.
inline constexpr QLatin1StringView consoleIssuer{"imsa"};

/// A profile's console sign-in, ready for the getSigninToken call.
struct ConsoleSignin
{
    QUrl federation; ///< the federation endpoint, without a query
    QUrl destination; ///< where the console opens
    std::optional<int> sessionDurationSeconds;
};

namespace detail {

/// RFC 3986 percent-encoding of everything but the unreserved characters: '+', '/' and '='
/// of a session token must not reach the endpoint as a space or a separator.
inline QByteArray formEncoded(const QString &value)
{
    return QUrl::toPercentEncoding(value);
}

inline bool isConsoleHost(const QString &host, QLatin1StringView consoleHost)
{
    // eu-west-1.console.aws.amazon.com is the regional form of the same console.
    return host == consoleHost
            || (host.endsWith(QLatin1Char('.') + consoleHost)
                && !host.chopped(consoleHost.size() + 1).contains(QLatin1Char('.')));
}

} // namespace detail

/// Where the console opens: `destination` (only https on the partition's console host), else the
/// home of `service`, else the console home, in `region` when one is known.
inline Result<QUrl, Failure> consoleDestination(AwsPartition partition, const QString &region,
                                                const ConsoleOptions &options)
{
    const QLatin1StringView host = consoleHosts(partition).console;
    if (!options.destination.isEmpty()) {
        const QUrl url(options.destination, QUrl::StrictMode);
        if (!url.isValid() || url.scheme() != QLatin1StringView("https")
            || !detail::isConsoleHost(url.host(), host) || !url.userInfo().isEmpty()
            || url.port() != -1)
            return Failure{QStringLiteral("--destination must be an https:// URL on %1 (the "
                                          "console of this profile's partition)")
                                   .arg(host)};
        return url;
    }
    if (!region.isEmpty()) {
        const QString problem = detail::checkRegion(region);
        if (!problem.isEmpty())
            return Failure{QStringLiteral("region '%1': %2").arg(region, problem)};
    }
    QString path = QStringLiteral("/console/home");
    if (!options.service.isEmpty()) {
        static const QRegularExpression serviceName(QStringLiteral("^[a-z0-9][a-z0-9-]{0,62}$"));
        if (!serviceName.match(options.service).hasMatch())
            return Failure{QStringLiteral("--service takes the service's name in console URLs, "
                                          "like s3, ec2 or cloudwatch")};
        path = QLatin1Char('/') + options.service + QStringLiteral("/home");
    }
    QUrl url;
    url.setScheme(QStringLiteral("https"));
    url.setHost(host);
    url.setPath(path);
    if (!region.isEmpty())
        url.setQuery(QStringLiteral("region=") + region);
    return url;
}

/// Everything about a profile's sign-in that can be decided before asking AWS. Refuses profiles
/// without a role: the federation endpoint does not take GetSessionToken credentials (what an
/// MFA-only profile serves) or long-term keys.
inline Result<ConsoleSignin, Failure> planConsoleSignin(const Profile &profile,
                                                        const ConsoleOptions &options,
                                                        const QProcessEnvironment &environment)
{
    if (!profile.hasRole())
        return Failure{
                QStringLiteral("profile '%1' has no role: AWS opens the console only with role "
                               "credentials, not with the MFA session or keys of an IAM user. "
                               "Add a role_arn to profile '%1' (or make a profile that extends "
                               "it with one) and open that profile's console")
                        .arg(profile.name)};
    const std::optional<AwsPartition> partition = partitionOfArn(profile.roleArn);
    if (!partition)
        return Failure{QStringLiteral("profile '%1': the partition of role %2 is not one imsa "
                                      "knows the console of (aws, aws-cn, aws-us-gov); set %3")
                               .arg(profile.name, profile.roleArn, signinUrlVariable)};

    ConsoleSignin signin;
    const QString override = environment.value(signinUrlVariable);
    if (!override.isEmpty()) {
        // The rule of AWS_ENDPOINT_URL_STS: the token request carries the credentials.
        const QString problem = detail::checkStsEndpoint(override);
        if (!problem.isEmpty())
            return Failure{QStringLiteral("%1=%2: %3")
                                   .arg(signinUrlVariable,
                                        QUrl(override).toDisplayString(QUrl::RemoveUserInfo),
                                        problem)};
        signin.federation = QUrl(override, QUrl::StrictMode).adjusted(QUrl::RemoveQuery);
    } else {
        signin.federation.setScheme(QStringLiteral("https"));
        signin.federation.setHost(consoleHosts(*partition).signin);
        signin.federation.setPath(QStringLiteral("/federation"));
    }

    const QString region = options.region.isEmpty() ? profile.region : options.region;
    auto destination = consoleDestination(*partition, region, options);
    if (!destination)
        return destination.error();
    signin.destination = destination.value();
    // imsa signs AssumeRole with an MFA session when the profile has an MFA device.
    const CredentialOrigin origin =
            profile.needsMfa() ? CredentialOrigin::ChainedAssumeRole : CredentialOrigin::AssumeRole;
    signin.sessionDurationSeconds = consoleSessionDuration(origin, profile.roleDurationSeconds);
    return signin;
}

/// Action=getSigninToken with the credentials as the Session JSON.
inline QUrl signinTokenUrl(const ConsoleSignin &signin, const AwsCredentials &credentials)
{
    const QJsonObject session{{QStringLiteral("sessionId"), credentials.accessKeyId},
                              {QStringLiteral("sessionKey"), credentials.secretAccessKey},
                              {QStringLiteral("sessionToken"), credentials.sessionToken}};
    QByteArray query = "Action=getSigninToken";
    if (signin.sessionDurationSeconds)
        query += "&SessionDuration=" + QByteArray::number(*signin.sessionDurationSeconds);
    query += "&Session="
            + detail::formEncoded(
                     QString::fromUtf8(QJsonDocument(session).toJson(QJsonDocument::Compact)));
    return QUrl::fromEncoded(signin.federation.toEncoded() + '?' + query, QUrl::StrictMode);
}

/// The SigninToken of getSigninToken's answer. Errors never quote the body.
inline Result<QString, Failure> parseSigninTokenAnswer(int httpStatus, const QByteArray &body)
{
    if (httpStatus != 200)
        return Failure{
                QStringLiteral("the AWS sign-in endpoint refused the credentials (HTTP %1); it "
                               "takes only role credentials that have not expired")
                        .arg(httpStatus)};
    constexpr qsizetype maxBody = 64 * 1024;
    QJsonParseError parseError{};
    const QJsonDocument document =
            body.size() > maxBody ? QJsonDocument() : QJsonDocument::fromJson(body, &parseError);
    const QJsonValue token = document.object().value(u"SigninToken");
    if (!document.isObject() || !token.isString())
        return Failure{QStringLiteral("the AWS sign-in endpoint answered without a SigninToken")};
    static const QRegularExpression printable(QStringLiteral("^[!-~]{1,16384}$"));
    if (!printable.match(token.toString()).hasMatch())
        return Failure{QStringLiteral("the AWS sign-in endpoint answered with an unusable "
                                      "SigninToken")};
    return token.toString();
}

/// Action=login: the URL that signs the browser in. A bearer credential for 15 minutes, never
/// to be logged.
inline QUrl consoleLoginUrl(const ConsoleSignin &signin, const QString &token)
{
    const QByteArray query = "Action=login&Issuer=" + detail::formEncoded(consoleIssuer)
            + "&Destination=" + detail::formEncoded(signin.destination.toString(QUrl::FullyEncoded))
            + "&SigninToken=" + detail::formEncoded(token);
    return QUrl::fromEncoded(signin.federation.toEncoded() + '?' + query, QUrl::StrictMode);
}

} // namespace imsa
