#include "fakes/standinsts.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTimeZone>
#include <QUuid>

#include "fakes/standinstsxml.h"
#include "imsa/detail/stsquery.h"

namespace imsa::test {

StandInSts::StandInSts(QObject *parent)
    : QObject(parent)
    , m_http([this](const StandInRequest &request) {
        return handle(request);
    })
    , m_now([] {
        return QDateTime::currentDateTimeUtc();
    })
{
    addIdentity(defaultIdentity());
}

StandInIdentity StandInSts::defaultIdentity()
{
    return StandInIdentity{QStringLiteral("AKIAIOSFODNN7EXAMPLE"),
                           QStringLiteral("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                           QStringLiteral("arn:aws:iam::123456789012:user/alice"),
                           QStringLiteral("AIDAJQABLZS4A3QDU576Q"),
                           QStringLiteral("arn:aws:iam::123456789012:mfa/alice"),
                           QStringLiteral("123456")};
}

void StandInSts::addIdentity(const StandInIdentity &identity)
{
    StandInIdentity known = identity;
    if (known.userId.isEmpty())
        known.userId = standin::uniqueId(QLatin1StringView("AIDA"), known.accessKeyId);
    m_identities.insert(known.accessKeyId, known);
}

void StandInSts::setTimeSource(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

void StandInSts::setClockOffset(qint64 seconds)
{
    m_clockOffset = seconds;
}

void StandInSts::setSessionDurationCap(int seconds)
{
    m_sessionCap = seconds;
}

void StandInSts::setRoleDurationCap(int seconds)
{
    m_roleCap = seconds;
}

void StandInSts::denyRole(const QString &roleArn)
{
    m_deniedRoles.insert(roleArn);
}

void StandInSts::injectFault(StandInFault fault, int count, qint64 skewSeconds)
{
    m_fault = count > 0 ? fault : StandInFault::None;
    m_faultCount = count;
    m_faultSkew = skewSeconds;
}

std::optional<StandInFault> StandInSts::faultFromName(const QString &name)
{
    static const QHash<QString, StandInFault> names{
            {QStringLiteral("none"), StandInFault::None},
            {QStringLiteral("server-error"), StandInFault::ServerError},
            {QStringLiteral("throttling"), StandInFault::Throttling},
            {QStringLiteral("hang"), StandInFault::Hang},
            {QStringLiteral("malformed"), StandInFault::MalformedXml},
            {QStringLiteral("skew"), StandInFault::Skew},
    };
    const auto it = names.constFind(name);
    return it == names.cend() ? std::nullopt : std::optional<StandInFault>(*it);
}

void StandInSts::serveSso(StandInSso *sso)
{
    m_sso = sso;
    m_sso->setRoleCredentialsListener([this](const StandInSsoRoleCredentials &issued) {
        acceptSsoCredentials(issued);
    });
}

void StandInSts::acceptSsoCredentials(const StandInSsoRoleCredentials &issued)
{
    // The role session stands in for the base identity: it has no keys of its own to sign
    // with, since the issued credentials are looked up first.
    addIdentity(StandInIdentity{issued.credentials.accessKeyId,
                                {},
                                issued.assumedRoleArn,
                                issued.assumedRoleId,
                                {},
                                {}});
    m_issued.insert(issued.credentials.accessKeyId,
                    Issued{issued.credentials, issued.credentials.accessKeyId,
                           issued.assumedRoleArn, issued.assumedRoleId, false});
}

bool StandInSts::listen(const QHostAddress &address, quint16 port)
{
    return m_http.listen(address, port);
}

QUrl StandInSts::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_http.address().toString());
    url.setPort(m_http.port());
    url.setPath(QStringLiteral("/"));
    return url;
}

int StandInSts::callCount(const QString &action) const
{
    return int(std::count_if(m_calls.cbegin(), m_calls.cend(), [&action](const StandInCall &call) {
        return call.action == action;
    }));
}

QJsonObject StandInSts::callsJson() const
{
    QJsonObject counts;
    QJsonArray calls;
    for (const StandInCall &call : m_calls) {
        counts.insert(call.action, counts.value(call.action).toInt() + 1);
        calls.append(QJsonObject{
                {QStringLiteral("action"), call.action},
                {QStringLiteral("accessKeyId"), call.accessKeyId},
                {QStringLiteral("serialNumber"), call.serialNumber},
                {QStringLiteral("hadTokenCode"), call.hadTokenCode},
                {QStringLiteral("signedAt"),
                 call.signedAt.isValid() ? standin::iso8601(call.signedAt) : QString()},
                {QStringLiteral("region"), call.region},
                {QStringLiteral("status"), call.status},
                {QStringLiteral("errorCode"), call.errorCode},
        });
    }
    QJsonObject result{{QStringLiteral("counts"), counts}, {QStringLiteral("calls"), calls}};
    if (m_sso) {
        const QJsonObject sso = m_sso->callsJson();
        const QJsonObject ssoCounts = sso.value(QStringLiteral("counts")).toObject();
        for (auto it = ssoCounts.constBegin(); it != ssoCounts.constEnd(); ++it)
            counts.insert(it.key(), it.value());
        result.insert(QStringLiteral("counts"), counts);
        result.insert(QStringLiteral("ssoCalls"), sso.value(QStringLiteral("calls")));
    }
    return result;
}

std::optional<StandInResponse> StandInSts::handle(const StandInRequest &request)
{
    const QByteArray path = request.path();
    const auto json = [](int status, const QJsonObject &object) {
        return StandInResponse{status,
                               {{"Content-Type", "application/json"}},
                               QJsonDocument(object).toJson(QJsonDocument::Compact)};
    };
    if (path == "/_calls")
        return request.method == "GET" ? json(200, callsJson()) : StandInResponse{405, {}, {}};
    if (path == "/_fault")
        return request.method == "POST" ? handleFaultRoute(request) : StandInResponse{405, {}, {}};
    if (path == "/federation")
        return request.method == "GET" ? handleFederation(request) : StandInResponse{405, {}, {}};
    if (m_sso && StandInSso::serves(path))
        return m_sso->handle(request);
    return handleSts(request);
}

StandInResponse StandInSts::handleFaultRoute(const StandInRequest &request)
{
    const QJsonObject object = QJsonDocument::fromJson(request.body).object();
    const auto fault = faultFromName(object.value(QStringLiteral("kind")).toString());
    if (!fault)
        return StandInResponse{400, {{"Content-Type", "text/plain"}}, "unknown fault kind\n"};
    injectFault(*fault, object.value(QStringLiteral("count")).toInt(1),
                object.value(QStringLiteral("skew")).toInteger());
    return StandInResponse{204, {}, {}};
}

std::optional<StandInResponse> StandInSts::handleSts(const StandInRequest &request)
{
    const Parameters parameters =
            standin::parseForm(request.method == "POST" ? request.body : request.query());

    StandInCall call;
    call.action = parameters.value(QStringLiteral("Action"));
    call.serialNumber = parameters.value(QStringLiteral("SerialNumber"));
    call.hadTokenCode = parameters.contains(QStringLiteral("TokenCode"));
    static const QRegularExpression credentialPattern(
            QStringLiteral("Credential=([^/]*)/[^/]*/([^/]*)/"));
    const auto match = credentialPattern.match(QString::fromUtf8(request.header("Authorization")));
    call.accessKeyId = match.captured(1);
    call.region = match.captured(2);
    call.signedAt = QDateTime::fromString(QString::fromLatin1(request.header("X-Amz-Date")),
                                          QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
    call.signedAt.setTimeZone(QTimeZone::utc());

    qint64 offset = m_clockOffset;
    StandInFault fault = StandInFault::None;
    if (m_faultCount > 0) {
        fault = m_fault;
        if (fault == StandInFault::Skew)
            offset += m_faultSkew;
        if (--m_faultCount == 0)
            m_fault = StandInFault::None;
    }
    const QDateTime now = m_now().addSecs(offset);
    m_requestId = QUuid::createUuid().toString(QUuid::WithoutBraces);

    Answer result;
    switch (fault) {
    case StandInFault::Hang:
        m_calls.append(call);
        return std::nullopt;
    case StandInFault::ServerError:
        result = error(500, QStringLiteral("InternalFailure"),
                       QStringLiteral("An internal error occurred."), QStringLiteral("Receiver"));
        break;
    case StandInFault::Throttling:
        result = error(400, QStringLiteral("Throttling"), QStringLiteral("Rate exceeded"));
        break;
    case StandInFault::MalformedXml:
        result = Answer{
                200, QStringLiteral("(malformed)"),
                QByteArrayLiteral("<GetSessionTokenResponse><GetSessionTokenResult><Creden")};
        break;
    default:
        result = answer(request, parameters, now);
        break;
    }
    call.status = result.status;
    call.errorCode = result.errorCode;
    m_calls.append(call);
    return StandInResponse{result.status,
                           {{"Content-Type", "text/xml"},
                            {"x-amzn-RequestId", m_requestId.toLatin1()},
                            {"Date", detail::formatHttpDate(now)}},
                           result.body};
}

} // namespace imsa::test
