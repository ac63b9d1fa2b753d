#pragma once

#include <array>

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QString>

#include "imsa/result.h"

// The local control protocol between the `imsa` CLI and the running app: one JSON object per
// line over a per-user QLocalSocket. A client sends requests; the app answers each with zero or
// more events (progress such as "MFA code needed") and then exactly one reply, all carrying the
// request's id. Parsing is strict: unknown keys, wrong types or oversized lines are errors.
namespace imsa::ipc {

inline constexpr int protocolVersion = 1;
/// Longest line either side accepts; the app closes a connection that sends more.
inline constexpr qsizetype maxLineBytes = 64 * 1024;
inline constexpr qsizetype maxIdLength = 64;

/// Error codes carried in replies, as stable strings the CLI can act on.
namespace errors {
inline constexpr QLatin1StringView badRequest{"bad-request"};
inline constexpr QLatin1StringView unsupportedVersion{"unsupported-version"};
inline constexpr QLatin1StringView unknownCommand{"unknown-command"};
inline constexpr QLatin1StringView unknownProfile{"unknown-profile"};
inline constexpr QLatin1StringView configError{"config-error"};
inline constexpr QLatin1StringView wrongMfaCode{"wrong-mfa-code"};
inline constexpr QLatin1StringView mfaCancelled{"mfa-cancelled"};
inline constexpr QLatin1StringView stsError{"sts-error"};
inline constexpr QLatin1StringView notAvailable{"not-available"};
inline constexpr QLatin1StringView signinFailed{"signin-failed"}; ///< console: AWS or the browser
/// The profile's IAM Identity Center session has no valid sign-in (`imsa assume` then signs in).
inline constexpr QLatin1StringView signInNeeded{"sign-in-needed"};
} // namespace errors

// The names both ends spell: the app's ControlHandler and credential waits, the CLI and doctor.
// A name is part of the protocol (version 1), so changing one breaks older clients.

/// Commands a client sends (Request::command).
namespace commands {
inline constexpr QLatin1StringView status{"status"};
inline constexpr QLatin1StringView profiles{"profiles"};
inline constexpr QLatin1StringView assume{"assume"};
inline constexpr QLatin1StringView credentials{"credentials"};
inline constexpr QLatin1StringView env{"env"};
inline constexpr QLatin1StringView mfa{"mfa"};
inline constexpr QLatin1StringView renew{"renew"};
inline constexpr QLatin1StringView logout{"logout"};
inline constexpr QLatin1StringView stop{"stop"};
inline constexpr QLatin1StringView verifyEndpoint{"verify-endpoint"};
inline constexpr QLatin1StringView console{"console"};
/// IAM Identity Center sign-in for a profile's (or a session's) SSO session.
inline constexpr QLatin1StringView login{"login"};
/// The accounts and roles a signed-in IAM Identity Center session may use.
inline constexpr QLatin1StringView ssoAccounts{"sso-accounts"};
/// Approves (allow) or withdraws (deny) a program for an `access: ask` profile; args profile,
/// program (an executable path, or interpreter and script: the access log's "program").
inline constexpr QLatin1StringView allow{"allow"};
inline constexpr QLatin1StringView deny{"deny"};
/// Every command above; tst_controlhandler checks that the app handles exactly these.
inline constexpr std::array all{status,  profiles, assume,      credentials, env,
                                mfa,     renew,    logout,      stop,        verifyEndpoint,
                                console, login,    ssoAccounts, allow,       deny};
} // namespace commands

/// Events the app sends while a request is pending (Response::event).
namespace events {
inline constexpr QLatin1StringView mfaRequired{"mfa-required"}; ///< profile, mfaSerial, dialog
inline constexpr QLatin1StringView mfaRejected{"mfa-rejected"}; ///< message
inline constexpr QLatin1StringView mfaSatisfied{"mfa-satisfied"};
/// login: the code to approve; userCode, verificationUri, verificationUriComplete, expiresIn,
/// opened (whether the app opened the browser on it).
inline constexpr QLatin1StringView ssoCode{"sso-code"};
/// sso-accounts: one account the session may use; accountId, accountName, emailAddress, roles.
inline constexpr QLatin1StringView ssoAccount{"sso-account"};
} // namespace events

/// Keys of request args, reply results and event data.
namespace keys {
// Request args.
inline constexpr QLatin1StringView profile{"profile"};
inline constexpr QLatin1StringView program{"program"}; ///< allow, deny
inline constexpr QLatin1StringView code{"code"};
inline constexpr QLatin1StringView challenge{"challenge"};
inline constexpr QLatin1StringView proof{"proof"};
inline constexpr QLatin1StringView address{"address"};
inline constexpr QLatin1StringView port{"port"};
// status (and profile for assume, env and renew).
inline constexpr QLatin1StringView running{"running"};
inline constexpr QLatin1StringView endpoint{"endpoint"};
inline constexpr QLatin1StringView roleArn{"role_arn"};
inline constexpr QLatin1StringView state{"state"};
inline constexpr QLatin1StringView expiration{"expiration"};
inline constexpr QLatin1StringView mfaSessionExpiration{"mfa_session_expiration"};
inline constexpr QLatin1StringView pid{"pid"};
inline constexpr QLatin1StringView keyStore{"key_store"};
inline constexpr QLatin1StringView warnings{"warnings"};
inline constexpr QLatin1StringView configErrors{"config_errors"};
inline constexpr QLatin1StringView lastError{"last_error"};
inline constexpr QLatin1StringView stsEndpoint{"sts_endpoint"};
// profiles: lists, and one entry per profile.
inline constexpr QLatin1StringView profiles{"profiles"};
inline constexpr QLatin1StringView errors{"errors"};
inline constexpr QLatin1StringView notices{"notices"};
inline constexpr QLatin1StringView rejectedReload{"rejected_reload"};
inline constexpr QLatin1StringView name{"name"};
inline constexpr QLatin1StringView source{"source"};
inline constexpr QLatin1StringView mfaSerial{"mfa_serial"};
inline constexpr QLatin1StringView region{"region"};
inline constexpr QLatin1StringView keyProfile{"key_profile"};
inline constexpr QLatin1StringView keyLocation{"keys"}; ///< "keychain" or "file"
inline constexpr QLatin1StringView active{"active"};
// credentials: spelled as AWS's credential_process output, which the CLI passes on.
inline constexpr QLatin1StringView accessKeyId{"AccessKeyId"};
inline constexpr QLatin1StringView secretAccessKey{"SecretAccessKey"};
inline constexpr QLatin1StringView sessionToken{"SessionToken"};
inline constexpr QLatin1StringView credentialExpiration{"Expiration"};
// env, verify-endpoint, and events.
inline constexpr QLatin1StringView uri{"uri"};
inline constexpr QLatin1StringView token{"token"};
inline constexpr QLatin1StringView verified{"verified"};
inline constexpr QLatin1StringView dialog{"dialog"};
inline constexpr QLatin1StringView message{"message"};
// console: args service, destination, region (above), print; the reply's url only with print.
inline constexpr QLatin1StringView service{"service"};
inline constexpr QLatin1StringView destination{"destination"};
inline constexpr QLatin1StringView print{"print"};
inline constexpr QLatin1StringView url{"url"};
inline constexpr QLatin1StringView opened{"opened"};
// login: args profile (a profile or an sso-session name), noBrowser; the reply's expiration.
inline constexpr QLatin1StringView noBrowser{"no_browser"};
inline constexpr QLatin1StringView userCode{"user_code"};
inline constexpr QLatin1StringView verificationUri{"verification_uri"};
inline constexpr QLatin1StringView verificationUriComplete{"verification_uri_complete"};
inline constexpr QLatin1StringView expiresIn{"expires_in"};
// sso-accounts: args profile (a profile or an sso-session name); one sso-account event per
// account, sorted by name, then a reply with the count and the session's settings (the
// profile's region too) from which `imsa sso profiles` writes its sections.
inline constexpr QLatin1StringView accountId{"account_id"};
inline constexpr QLatin1StringView accountName{"account_name"};
inline constexpr QLatin1StringView emailAddress{"email_address"};
inline constexpr QLatin1StringView roles{"roles"};
inline constexpr QLatin1StringView count{"count"};
inline constexpr QLatin1StringView ssoSession{"sso_session"};
inline constexpr QLatin1StringView ssoStartUrl{"sso_start_url"};
inline constexpr QLatin1StringView ssoRegion{"sso_region"};
// status and profiles, for a profile that gets its credentials from IAM Identity Center: its
// account and role, and its start URL (status) or token cache key as sso_session (profiles).
inline constexpr QLatin1StringView ssoAccountId{"sso_account_id"};
inline constexpr QLatin1StringView ssoRoleName{"sso_role_name"};
// profiles: every IAM Identity Center sign-in of the files: name, sso_start_url, signed_in.
inline constexpr QLatin1StringView signIns{"sign_ins"};
inline constexpr QLatin1StringView signedIn{"signed_in"};
// logout: how many IAM Identity Center sessions it ended.
inline constexpr QLatin1StringView ssoSessions{"sso_sessions"};
} // namespace keys

struct Request
{
    QString id;
    QString command;
    QJsonObject args;
};

struct Error
{
    QString code;
    QString message;

    friend bool operator==(const Error &, const Error &) = default;
};

/// A message from the app to the client.
struct Response
{
    enum class Kind {
        Reply,
        Event
    };

    Kind kind = Kind::Reply;
    QString id;
    bool ok = true; ///< replies only
    QJsonObject result; ///< reply payload, or event data
    QString event; ///< events only: e.g. "mfa-required"
    Error error; ///< replies with ok == false
};

namespace detail {

inline bool hasOnlyKeys(const QJsonObject &object, const QSet<QString> &allowed)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key()))
            return false;
    }
    return true;
}

/// Replies to a request whose id could not be read carry an empty id.
enum class IdRule {
    Required,
    MayBeEmpty
};

inline Result<QJsonObject, Error> parseEnvelope(QByteArrayView line, IdRule idRule)
{
    if (line.size() > maxLineBytes)
        return Error{QString(errors::badRequest), QStringLiteral("message too long")};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error{QString(errors::badRequest), QStringLiteral("not a JSON object")};
    const QJsonObject object = document.object();
    if (!object.value(u"v").isDouble())
        return Error{QString(errors::badRequest), QStringLiteral("missing protocol version \"v\"")};
    if (object.value(u"v").toDouble() != protocolVersion) {
        return Error{QString(errors::unsupportedVersion),
                     QStringLiteral("protocol version %1 is not supported (this imsa speaks %2)")
                             .arg(object.value(u"v").toDouble())
                             .arg(protocolVersion)};
    }
    const QJsonValue id = object.value(u"id");
    const bool emptyAllowed = idRule == IdRule::MayBeEmpty;
    if (!id.isString() || (id.toString().isEmpty() && !emptyAllowed)
        || id.toString().size() > maxIdLength)
        return Error{QString(errors::badRequest), QStringLiteral("missing or invalid \"id\"")};
    return object;
}

inline QByteArray toLine(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact) + '\n';
}

} // namespace detail

/// Parses one line sent by a client (without its newline).
inline Result<Request, Error> parseRequest(QByteArrayView line)
{
    auto envelope = detail::parseEnvelope(line, detail::IdRule::Required);
    if (!envelope)
        return envelope.error();
    const QJsonObject &object = envelope.value();
    static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("id"),
                                       QStringLiteral("command"), QStringLiteral("args")};
    if (!detail::hasOnlyKeys(object, allowed))
        return Error{QString(errors::badRequest), QStringLiteral("unexpected key in request")};
    const QJsonValue command = object.value(u"command");
    if (!command.isString() || command.toString().isEmpty())
        return Error{QString(errors::badRequest), QStringLiteral("missing \"command\"")};
    const QJsonValue args = object.value(u"args");
    if (!args.isUndefined() && !args.isObject())
        return Error{QString(errors::badRequest), QStringLiteral("\"args\" must be an object")};
    return Request{object.value(u"id").toString(), command.toString(), args.toObject()};
}

/// Parses one line sent by the app (without its newline).
inline Result<Response, Error> parseResponse(QByteArrayView line)
{
    auto envelope = detail::parseEnvelope(line, detail::IdRule::MayBeEmpty);
    if (!envelope)
        return envelope.error();
    const QJsonObject &object = envelope.value();
    Response response;
    response.id = object.value(u"id").toString();
    if (object.contains(u"event")) {
        static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("id"),
                                           QStringLiteral("event"), QStringLiteral("data")};
        if (!detail::hasOnlyKeys(object, allowed) || !object.value(u"event").isString()
            || !object.value(u"data").isObject())
            return Error{QString(errors::badRequest), QStringLiteral("malformed event")};
        response.kind = Response::Kind::Event;
        response.event = object.value(u"event").toString();
        response.result = object.value(u"data").toObject();
        return response;
    }
    static const QSet<QString> allowed{QStringLiteral("v"), QStringLiteral("id"),
                                       QStringLiteral("ok"), QStringLiteral("result"),
                                       QStringLiteral("error")};
    if (!detail::hasOnlyKeys(object, allowed) || !object.value(u"ok").isBool())
        return Error{QString(errors::badRequest), QStringLiteral("malformed reply")};
    response.ok = object.value(u"ok").toBool();
    if (response.ok) {
        if (!object.value(u"result").isObject())
            return Error{QString(errors::badRequest), QStringLiteral("reply without result")};
        response.result = object.value(u"result").toObject();
        return response;
    }
    const QJsonObject error = object.value(u"error").toObject();
    if (!error.value(u"code").isString() || !error.value(u"message").isString())
        return Error{QString(errors::badRequest), QStringLiteral("error reply without code")};
    response.error = {error.value(u"code").toString(), error.value(u"message").toString()};
    return response;
}

inline QByteArray serializeRequest(const Request &request)
{
    QJsonObject object{{QStringLiteral("v"), protocolVersion},
                       {QStringLiteral("id"), request.id},
                       {QStringLiteral("command"), request.command}};
    if (!request.args.isEmpty())
        object.insert(QStringLiteral("args"), request.args);
    return detail::toLine(object);
}

inline QByteArray serializeReply(const QString &id, const QJsonObject &result)
{
    return detail::toLine({{QStringLiteral("v"), protocolVersion},
                           {QStringLiteral("id"), id},
                           {QStringLiteral("ok"), true},
                           {QStringLiteral("result"), result}});
}

inline QByteArray serializeError(const QString &id, const Error &error)
{
    return detail::toLine({{QStringLiteral("v"), protocolVersion},
                           {QStringLiteral("id"), id},
                           {QStringLiteral("ok"), false},
                           {QStringLiteral("error"),
                            QJsonObject{{QStringLiteral("code"), error.code},
                                        {QStringLiteral("message"), error.message}}}});
}

inline QByteArray serializeEvent(const QString &id, const QString &event, const QJsonObject &data)
{
    return detail::toLine({{QStringLiteral("v"), protocolVersion},
                           {QStringLiteral("id"), id},
                           {QStringLiteral("event"), event},
                           {QStringLiteral("data"), data}});
}

} // namespace imsa::ipc
