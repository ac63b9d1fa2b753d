// The STS side of the stand-in: authentication of SigV4-signed requests and the three
// actions imsa calls, with the error codes and messages AWS uses for each refusal; then the
// console's federation endpoint, which takes the credentials those actions issued.
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTimeZone>

#include "fakes/standinsts.h"
#include "fakes/standinstsxml.h"
#include "imsa/sigv4.h"

namespace imsa::test {

namespace {

QString randomText(int length, QLatin1StringView alphabet)
{
    QString text;
    for (int i = 0; i < length; ++i)
        text += QChar(alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size()))));
    return text;
}

struct Authorization
{
    QString accessKeyId;
    QString date; ///< yyyyMMdd of the credential scope
    QString region;
    QString service;
    QByteArrayList signedHeaders; ///< lower case, as listed
    QByteArray signature;
};

// "AWS4-HMAC-SHA256 Credential=AKID/20261125/us-east-1/sts/aws4_request,
//  SignedHeaders=content-type;host;x-amz-date, Signature=<hex>"
std::optional<Authorization> parseAuthorization(const QByteArray &header)
{
    static const QRegularExpression pattern(QStringLiteral(
            "^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ?"
            "SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$"));
    const auto match = pattern.match(QString::fromLatin1(header));
    if (!match.hasMatch())
        return std::nullopt;
    return Authorization{match.captured(1),
                         match.captured(2),
                         match.captured(3),
                         match.captured(4),
                         match.captured(5).toLatin1().split(';'),
                         match.captured(6).toLatin1()};
}

std::optional<int> durationParameter(const QHash<QString, QString> &parameters, int fallback)
{
    const QString text = parameters.value(QStringLiteral("DurationSeconds"));
    if (text.isEmpty())
        return fallback;
    bool ok = false;
    const int value = text.toInt(&ok);
    return ok ? std::optional<int>(value) : std::nullopt;
}

QString outOfRange(const char *parameter, int minimum, int maximum)
{
    return QStringLiteral("1 validation error detected: Value at '") + QLatin1StringView(parameter)
            + QStringLiteral("' failed to satisfy constraint: Member must have value between ")
            + QString::number(minimum) + QStringLiteral(" and ") + QString::number(maximum);
}

} // namespace

StandInSts::Answer StandInSts::error(int status, const QString &code, const QString &message,
                                     const QString &type) const
{
    return Answer{status, code, standin::errorResponse(type, code, message, m_requestId)};
}

StandInSts::Answer StandInSts::answer(const StandInRequest &request, const Parameters &parameters,
                                      const QDateTime &now)
{
    const auto caller = authenticate(request, now);
    if (const auto *refusal = std::get_if<Answer>(&caller))
        return *refusal;
    const QString action = parameters.value(QStringLiteral("Action"));
    if (parameters.value(QStringLiteral("Version")) != QLatin1StringView("2011-06-15"))
        return error(400, QStringLiteral("InvalidAction"),
                     QStringLiteral("Could not find operation ") + action
                             + QStringLiteral(" for version ")
                             + parameters.value(QStringLiteral("Version")));
    if (action == QLatin1StringView("GetSessionToken"))
        return getSessionToken(std::get<Caller>(caller), parameters, now);
    if (action == QLatin1StringView("AssumeRole"))
        return assumeRole(std::get<Caller>(caller), parameters, now);
    if (action == QLatin1StringView("GetCallerIdentity"))
        return getCallerIdentity(std::get<Caller>(caller));
    return error(400, QStringLiteral("InvalidAction"),
                 QStringLiteral("Could not find operation ") + action
                         + QStringLiteral(" for version 2011-06-15"));
}

std::variant<StandInSts::Caller, StandInSts::Answer>
StandInSts::authenticate(const StandInRequest &request, const QDateTime &now) const
{
    const QByteArray header = request.header("Authorization");
    if (header.isEmpty())
        return error(403, QStringLiteral("MissingAuthenticationToken"),
                     QStringLiteral("Request is missing Authentication Token"));
    const auto authorization = parseAuthorization(header);
    if (!authorization)
        return error(400, QStringLiteral("IncompleteSignature"),
                     QStringLiteral("Authorization header requires 'Credential', "
                                    "'SignedHeaders' and 'Signature' parameters."));

    Caller caller;
    const QString token = QString::fromUtf8(request.header("X-Amz-Security-Token"));
    const auto issued = m_issued.constFind(authorization->accessKeyId);
    if (issued != m_issued.cend()) {
        caller.issued = &*issued;
        caller.identity = &*m_identities.constFind(issued->baseAccessKeyId);
    } else if (const auto identity = m_identities.constFind(authorization->accessKeyId);
               identity != m_identities.cend()) {
        caller.identity = &*identity;
    }
    const QString expectedToken =
            caller.issued ? caller.issued->credentials.sessionToken : QString();
    if (!caller.identity || token != expectedToken)
        return error(403, QStringLiteral("InvalidClientTokenId"),
                     QStringLiteral("The security token included in the request is invalid."));
    if (caller.issued && caller.issued->credentials.expiration <= now)
        return error(400, QStringLiteral("ExpiredToken"),
                     QStringLiteral("The security token included in the request is expired"));

    QDateTime signedAt = QDateTime::fromString(QString::fromLatin1(request.header("X-Amz-Date")),
                                               QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    if (!signedAt.isValid())
        return error(400, QStringLiteral("IncompleteSignature"),
                     QStringLiteral("Authorization header requires existence of either a "
                                    "'X-Amz-Date' or a 'Date' header."));
    signedAt.setTimeZone(QTimeZone::utc());
    // Messages as AWS words them, with the stand-in's tolerance instead of AWS's.
    const QString minutes = QString::number(allowedSkewSeconds / 60) + QStringLiteral(" min.)");
    if (signedAt < now.addSecs(-allowedSkewSeconds))
        return error(403, QStringLiteral("SignatureDoesNotMatch"),
                     QStringLiteral("Signature expired: ") + standin::amzDate(signedAt)
                             + QStringLiteral(" is now earlier than ")
                             + standin::amzDate(now.addSecs(-allowedSkewSeconds))
                             + QStringLiteral(" (") + standin::amzDate(now) + QStringLiteral(" - ")
                             + minutes);
    if (signedAt > now.addSecs(allowedSkewSeconds))
        return error(403, QStringLiteral("SignatureDoesNotMatch"),
                     QStringLiteral("Signature not yet current: ") + standin::amzDate(signedAt)
                             + QStringLiteral(" is still later than ")
                             + standin::amzDate(now.addSecs(allowedSkewSeconds))
                             + QStringLiteral(" (") + standin::amzDate(now) + QStringLiteral(" + ")
                             + minutes);
    if (authorization->service != QLatin1StringView("sts")
        || authorization->date != standin::amzDate(signedAt).left(8))
        return error(403, QStringLiteral("SignatureDoesNotMatch"),
                     QStringLiteral("Credential should be scoped to correct service: 'sts'. "));
    if (!authorization->signedHeaders.contains("host"))
        return error(403, QStringLiteral("SignatureDoesNotMatch"),
                     QStringLiteral("'Host' must be a 'SignedHeader' in the AWS Authorization."));

    // Recompute the signature from the keys we know, over the headers the client says it signed.
    sigv4::Request signedRequest{request.method, request.target, {}, request.body};
    const QByteArrayList addedBySigner{"x-amz-date", "x-amz-security-token",
                                       "x-amz-content-sha256"};
    for (const auto &[name, value] : request.headers) {
        const QByteArray lower = name.toLower();
        if (authorization->signedHeaders.contains(lower) && !addedBySigner.contains(lower))
            signedRequest.headers.append({name, value});
    }
    sigv4::Options options;
    options.region = authorization->region;
    options.service = authorization->service;
    options.time = signedAt;
    options.signBody = authorization->signedHeaders.contains("x-amz-content-sha256");
    options.omitSessionToken = !authorization->signedHeaders.contains("x-amz-security-token");
    AwsCredentials credentials = caller.issued ? caller.issued->credentials : AwsCredentials{};
    if (!caller.issued) {
        credentials.accessKeyId = caller.identity->accessKeyId;
        credentials.secretAccessKey = caller.identity->secretAccessKey;
    }
    const sigv4::Signature expected = sigv4::signHeaders(signedRequest, credentials, options);
    if (expected.signature != authorization->signature)
        return error(403, QStringLiteral("SignatureDoesNotMatch"),
                     QStringLiteral("The request signature we calculated does not match the "
                                    "signature you provided. Check your AWS Secret Access Key and "
                                    "signing method. Consult the service documentation for "
                                    "details."));
    return caller;
}

std::optional<StandInSts::Answer> StandInSts::checkMfa(const StandInIdentity &identity,
                                                       const Parameters &parameters) const
{
    const QString serial = parameters.value(QStringLiteral("SerialNumber"));
    const QString code = parameters.value(QStringLiteral("TokenCode"));
    if (serial.isEmpty() && code.isEmpty())
        return std::nullopt;
    if (serial.isEmpty() || code.isEmpty())
        return error(403, QStringLiteral("AccessDenied"),
                     QStringLiteral("MultiFactorAuthentication failed, must provide both MFA "
                                    "serial number and one time pass code."));
    if (serial != identity.mfaSerial || code != identity.mfaCode)
        return error(403, QStringLiteral("AccessDenied"),
                     QStringLiteral("MultiFactorAuthentication failed with invalid MFA one time "
                                    "pass code. "));
    return std::nullopt;
}

AwsCredentials StandInSts::issue(int durationSeconds, const QDateTime &now) const
{
    const QLatin1StringView upper("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
    const QLatin1StringView base64(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
    // Whole seconds, like the Expiration STS sends for these calls.
    const QDateTime issuedAt =
            QDateTime::fromSecsSinceEpoch(now.toSecsSinceEpoch(), QTimeZone::utc());
    return AwsCredentials{QStringLiteral("ASIA") + randomText(16, upper), randomText(40, base64),
                          QStringLiteral("IQoJb3JpZ2luX2Vj") + randomText(300, base64),
                          issuedAt.addSecs(durationSeconds)};
}

StandInSts::Answer StandInSts::getSessionToken(const Caller &caller, const Parameters &parameters,
                                               const QDateTime &now)
{
    if (caller.issued)
        return error(403, QStringLiteral("AccessDenied"),
                     QStringLiteral("Cannot call GetSessionToken with session credentials"));
    const auto duration = durationParameter(parameters, 43200);
    if (!duration || *duration < 900 || *duration > maxSessionDurationSeconds)
        return error(400, QStringLiteral("ValidationError"),
                     outOfRange("durationSeconds", 900, maxSessionDurationSeconds));
    if (const auto refusal = checkMfa(*caller.identity, parameters))
        return *refusal;
    Issued issued{
            issue(std::min(*duration, m_sessionCap), now), caller.identity->accessKeyId, {}, {}};
    m_issued.insert(issued.credentials.accessKeyId, issued);
    return Answer{200,
                  {},
                  standin::credentialsResponse(QStringLiteral("GetSessionToken"),
                                               issued.credentials, {}, {}, m_requestId)};
}

StandInSts::Answer StandInSts::assumeRole(const Caller &caller, const Parameters &parameters,
                                          const QDateTime &now)
{
    static const QRegularExpression rolePattern(QStringLiteral(
            "^arn:aws[a-z-]*:iam::(\\d{12}):role/(?:[\\w+=,.@-]+/)*([\\w+=,.@-]+)$"));
    static const QRegularExpression sessionPattern(QStringLiteral("^[\\w+=,.@-]{2,64}$"));
    const QString roleArn = parameters.value(QStringLiteral("RoleArn"));
    const QString sessionName = parameters.value(QStringLiteral("RoleSessionName"));
    const auto role = rolePattern.match(roleArn);
    if (!role.hasMatch())
        return error(400, QStringLiteral("ValidationError"),
                     QStringLiteral("1 validation error detected: Value at 'roleArn' failed to "
                                    "satisfy constraint: Member must be a role ARN"));
    if (!sessionPattern.match(sessionName).hasMatch())
        return error(400, QStringLiteral("ValidationError"),
                     QStringLiteral("1 validation error detected: Value at 'roleSessionName' "
                                    "failed to satisfy constraint: Member must satisfy regular "
                                    "expression pattern: [\\w+=,.@-]* and length 2 to 64"));
    const auto duration = durationParameter(parameters, 3600);
    if (!duration || *duration < 900 || *duration > maxRoleDurationSeconds)
        return error(400, QStringLiteral("ValidationError"),
                     outOfRange("durationSeconds", 900, maxRoleDurationSeconds));
    // https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html: with
    // temporary credentials (role chaining) more than one hour fails.
    if (caller.issued && *duration > roleChainingLimitSeconds)
        return error(400, QStringLiteral("ValidationError"),
                     QStringLiteral("The requested DurationSeconds exceeds the 1 hour session "
                                    "limit for roles assumed by role chaining."));
    if (const auto refusal = checkMfa(*caller.identity, parameters))
        return *refusal;
    if (m_deniedRoles.contains(roleArn)) {
        const QString callerArn = caller.issued && !caller.issued->assumedRoleArn.isEmpty()
                ? caller.issued->assumedRoleArn
                : caller.identity->userArn;
        return error(403, QStringLiteral("AccessDenied"),
                     QStringLiteral("User: ") + callerArn
                             + QStringLiteral(" is not authorized to perform: sts:AssumeRole on "
                                              "resource: ")
                             + roleArn);
    }
    Issued issued{
            issue(std::min(*duration, m_roleCap), now), caller.identity->accessKeyId,
            QStringLiteral("arn:aws:sts::") + role.captured(1) + QStringLiteral(":assumed-role/")
                    + role.captured(2) + QLatin1Char('/') + sessionName,
            standin::uniqueId(QLatin1StringView("AROA"), roleArn) + QLatin1Char(':') + sessionName,
            caller.issued != nullptr};
    m_issued.insert(issued.credentials.accessKeyId, issued);
    return Answer{200,
                  {},
                  standin::credentialsResponse(QStringLiteral("AssumeRole"), issued.credentials,
                                               issued.assumedRoleArn, issued.assumedRoleId,
                                               m_requestId)};
}

StandInSts::Answer StandInSts::getCallerIdentity(const Caller &caller) const
{
    const bool asRole = caller.issued && !caller.issued->assumedRoleArn.isEmpty();
    const QString arn = asRole ? caller.issued->assumedRoleArn : caller.identity->userArn;
    return Answer{200,
                  {},
                  standin::callerIdentityResponse(
                          arn, asRole ? caller.issued->assumedRoleId : caller.identity->userId,
                          arn.section(QLatin1Char(':'), 4, 4), m_requestId)};
}

StandInResponse StandInSts::handleFederation(const StandInRequest &request)
{
    const Parameters parameters = standin::parseForm(request.query());
    StandInCall call;
    call.action = parameters.value(QStringLiteral("Action"));
    const QDateTime now = m_now().addSecs(m_clockOffset);
    StandInResponse response;
    if (call.action == QLatin1StringView("getSigninToken"))
        response = getSigninToken(parameters, now);
    else if (call.action == QLatin1StringView("login"))
        response = login(parameters, now);
    else
        response = StandInResponse{400, {{"Content-Type", "text/plain"}}, "Bad Request\n"};
    call.status = response.status;
    m_calls.append(call);
    return response;
}

// What AWS answers to credentials it does not take is not documented; this stand-in answers
// them, and every other problem, with a bare HTTP 400 and no JSON, so imsa must not depend on
// the body.
StandInResponse StandInSts::getSigninToken(const Parameters &parameters, const QDateTime &now)
{
    const StandInResponse refused{400, {{"Content-Type", "text/plain"}}, "Bad Request\n"};
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(
            parameters.value(QStringLiteral("Session")).toUtf8(), &parseError);
    const QJsonObject session = document.object();
    const QStringList keys = session.keys();
    if (!document.isObject()
        || keys
                != QStringList{QStringLiteral("sessionId"), QStringLiteral("sessionKey"),
                               QStringLiteral("sessionToken")})
        return refused;
    const auto issued = m_issued.constFind(session.value(u"sessionId").toString());
    // Long-term keys are not in m_issued; GetSessionToken's have no role.
    if (issued == m_issued.cend() || issued->assumedRoleArn.isEmpty()
        || issued->credentials.secretAccessKey != session.value(u"sessionKey").toString()
        || issued->credentials.sessionToken != session.value(u"sessionToken").toString()
        || issued->credentials.expiration <= now)
        return refused;
    if (parameters.contains(QStringLiteral("SessionDuration"))) {
        bool ok = false;
        const int seconds = parameters.value(QStringLiteral("SessionDuration")).toInt(&ok);
        if (!ok || seconds < 900 || seconds > 43200
            || (issued->chained && seconds > roleChainingLimitSeconds))
            return refused;
    }
    const QString token = randomText(
            200,
            QLatin1StringView("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"));
    m_signinTokens.insert(token,
                          SigninToken{issued->assumedRoleArn, now.addSecs(signinTokenSeconds)});
    return StandInResponse{200,
                           {{"Content-Type", "application/json"}},
                           QJsonDocument(QJsonObject{{QStringLiteral("SigninToken"), token}})
                                   .toJson(QJsonDocument::Compact)};
}

StandInResponse StandInSts::login(const Parameters &parameters, const QDateTime &now) const
{
    const auto token = m_signinTokens.constFind(parameters.value(QStringLiteral("SigninToken")));
    const QUrl destination(parameters.value(QStringLiteral("Destination")), QUrl::StrictMode);
    if (token == m_signinTokens.cend() || token->expiration <= now || !destination.isValid()
        || destination.scheme() != QLatin1StringView("https"))
        return StandInResponse{400, {{"Content-Type", "text/plain"}}, "Bad Request\n"};
    return StandInResponse{302,
                           {{"Location", destination.toEncoded()},
                            {"X-Imsa-Standin-Role", token->roleArn.toUtf8()}},
                           {}};
}

} // namespace imsa::test
