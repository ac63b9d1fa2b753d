// The Identity Center stand-in's frame: organisation and settings, routing, fault injection and
// the call log. The operations themselves are in standinssooidc.cpp and standinssoportal.cpp.
#include "fakes/standinsso.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QUuid>

namespace imsa::test {

namespace standin {

QString randomText(int length, QLatin1StringView alphabet)
{
    QString text;
    for (int i = 0; i < length; ++i)
        text += QChar(alphabet.at(QRandomGenerator::global()->bounded(int(alphabet.size()))));
    return text;
}

StandInResponse jsonResponse(int status, const QJsonObject &body, const QByteArray &errorType)
{
    StandInResponse response{
            status,
            {{"Content-Type", "application/json"},
             {"x-amzn-RequestId", QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1()}},
            QJsonDocument(body).toJson(QJsonDocument::Compact)};
    if (!errorType.isEmpty())
        response.headers.append({"x-amzn-ErrorType", errorType});
    return response;
}

} // namespace standin

namespace {

struct Route
{
    const char *method;
    const char *path;
    const char *operation;
};

// The requestUri of each operation in botocore's sso-oidc and sso service-2.json.
constexpr Route routes[] = {
        {"POST", "/client/register", "RegisterClient"},
        {"POST", "/device_authorization", "StartDeviceAuthorization"},
        {"POST", "/token", "CreateToken"},
        {"GET", "/federation/credentials", "GetRoleCredentials"},
        {"GET", "/assignment/accounts", "ListAccounts"},
        {"GET", "/assignment/roles", "ListAccountRoles"},
        {"POST", "/logout", "Logout"},
};

StandInResponse plain(int status, const QByteArray &text)
{
    return StandInResponse{status, {{"Content-Type", "text/plain"}}, text + '\n'};
}

} // namespace

StandInSso::StandInSso(QObject *parent)
    : QObject(parent)
    , m_http([this](const StandInRequest &request) {
        return handle(request);
    })
    , m_now([] {
        return QDateTime::currentDateTimeUtc();
    })
    , m_accounts(defaultOrganisation())
{ }

QList<StandInSsoAccount> StandInSso::defaultOrganisation()
{
    const QString admin = QStringLiteral("AdministratorAccess");
    const QString readOnly = QStringLiteral("ReadOnlyAccess");
    return {
            {QStringLiteral("111111111111"),
             QStringLiteral("dev"),
             QStringLiteral("aws-dev@example.com"),
             {admin, readOnly}},
            {QStringLiteral("222222222222"),
             QStringLiteral("staging"),
             QStringLiteral("aws-staging@example.com"),
             {admin, readOnly}},
            {QStringLiteral("333333333333"),
             QStringLiteral("prod"),
             QStringLiteral("aws-prod@example.com"),
             {readOnly}},
    };
}

QList<StandInSsoAccount> StandInSso::generatedOrganisation(int count)
{
    QList<StandInSsoAccount> accounts;
    for (int i = 0; i < count; ++i) {
        const QString number = QString::number(i).rightJustified(3, QLatin1Char('0'));
        QStringList roles{QStringLiteral("ReadOnlyAccess")};
        if (i % 2 == 0)
            roles.prepend(QStringLiteral("AdministratorAccess"));
        accounts.append(StandInSsoAccount{
                QString::number(100000000000LL + i), QStringLiteral("account-") + number,
                QStringLiteral("aws-") + number + QStringLiteral("@example.com"), roles});
    }
    return accounts;
}

void StandInSso::setOrganisation(const QList<StandInSsoAccount> &accounts)
{
    m_accounts = accounts;
}

void StandInSso::setUserName(const QString &userName)
{
    m_userName = userName;
}

void StandInSso::setStartUrl(const QString &startUrl)
{
    m_startUrl = startUrl;
}

void StandInSso::setTimeSource(std::function<QDateTime()> now)
{
    m_now = std::move(now);
}

void StandInSso::setDeviceCodeLifetime(int seconds)
{
    m_deviceCodeSeconds = seconds;
}

void StandInSso::setPollInterval(int seconds)
{
    m_intervalSeconds = seconds;
}

void StandInSso::setAccessTokenLifetime(int seconds)
{
    m_accessTokenSeconds = seconds;
}

void StandInSso::setRoleCredentialsLifetime(int seconds)
{
    m_roleCredentialsSeconds = seconds;
}

void StandInSso::setApproveAfterPolls(int polls)
{
    m_approveAfterPolls = polls;
}

bool StandInSso::approve(const QString &userCode)
{
    const QDateTime now = m_now();
    for (SignIn &signIn : m_signIns) {
        if (signIn.userCode == userCode && signIn.state == SignInState::Pending
            && signIn.expiresAt > now) {
            signIn.state = SignInState::Approved;
            return true;
        }
    }
    return false;
}

bool StandInSso::deny(const QString &userCode)
{
    const QDateTime now = m_now();
    for (SignIn &signIn : m_signIns) {
        if (signIn.userCode == userCode && signIn.state == SignInState::Pending
            && signIn.expiresAt > now) {
            signIn.state = SignInState::Denied;
            return true;
        }
    }
    return false;
}

QStringList StandInSso::pendingUserCodes() const
{
    const QDateTime now = m_now();
    QStringList codes;
    for (const SignIn &signIn : m_signIns) {
        if (signIn.state == SignInState::Pending && signIn.expiresAt > now)
            codes.append(signIn.userCode);
    }
    return codes;
}

void StandInSso::setRoleCredentialsListener(
        std::function<void(const StandInSsoRoleCredentials &)> listener)
{
    m_roleCredentialsListener = std::move(listener);
}

void StandInSso::injectFault(StandInSsoFault fault, int count)
{
    m_fault = count > 0 ? fault : StandInSsoFault::None;
    m_faultCount = count;
}

std::optional<StandInSsoFault> StandInSso::faultFromName(const QString &name)
{
    static const QHash<QString, StandInSsoFault> names{
            {QStringLiteral("none"), StandInSsoFault::None},
            {QStringLiteral("server-error"), StandInSsoFault::ServerError},
            {QStringLiteral("too-many-requests"), StandInSsoFault::TooManyRequests},
            {QStringLiteral("hang"), StandInSsoFault::Hang},
    };
    const auto it = names.constFind(name);
    return it == names.cend() ? std::nullopt : std::optional<StandInSsoFault>(*it);
}

bool StandInSso::serves(const QByteArray &path)
{
    if (path == "/device" || path.startsWith("/_sso/"))
        return true;
    return std::any_of(std::cbegin(routes), std::cend(routes), [&path](const Route &route) {
        return path == route.path;
    });
}

std::optional<StandInResponse> StandInSso::handle(const StandInRequest &request)
{
    const QByteArray path = request.path();
    if (path == "/device")
        return request.method == "GET" ? browse(request) : plain(405, "Method Not Allowed");
    if (path.startsWith("/_sso/"))
        return control(request);
    const auto route =
            std::find_if(std::cbegin(routes), std::cend(routes), [&path](const Route &r) {
                return path == r.path;
            });
    if (route == std::cend(routes))
        return plain(404, "Not Found");
    if (request.method != route->method)
        return plain(405, "Method Not Allowed");

    StandInSsoCall call{QLatin1StringView(route->operation), 0, {}};
    StandInSsoFault fault = StandInSsoFault::None;
    if (m_faultCount > 0) {
        fault = m_fault;
        if (--m_faultCount == 0)
            m_fault = StandInSsoFault::None;
    }
    StandInResponse response;
    switch (fault) {
    case StandInSsoFault::Hang:
        m_calls.append(call);
        return std::nullopt;
    case StandInSsoFault::ServerError:
        response = standin::jsonResponse(
                500,
                {{QStringLiteral("error"), QStringLiteral("server_error")},
                 {QStringLiteral("error_description"),
                  QStringLiteral("An internal error occurred")},
                 {QStringLiteral("message"), QStringLiteral("An internal error occurred")}},
                "InternalServerException");
        break;
    case StandInSsoFault::TooManyRequests:
        response = standin::jsonResponse(
                429, {{QStringLiteral("message"), QStringLiteral("Rate exceeded")}},
                "TooManyRequestsException");
        break;
    default:
        response = dispatch(call.operation, request, m_now());
        break;
    }
    call.status = response.status;
    for (const auto &[name, value] : response.headers) {
        if (name == "x-amzn-ErrorType")
            call.errorCode = QString::fromLatin1(value);
    }
    m_calls.append(call);
    return response;
}

StandInResponse StandInSso::dispatch(const QString &operation, const StandInRequest &request,
                                     const QDateTime &now)
{
    if (operation == QLatin1StringView("GetRoleCredentials"))
        return getRoleCredentials(request, now);
    if (operation == QLatin1StringView("ListAccounts"))
        return listAccounts(request, now);
    if (operation == QLatin1StringView("ListAccountRoles"))
        return listAccountRoles(request, now);
    if (operation == QLatin1StringView("Logout"))
        return logout(request, now);

    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(request.body, &parseError);
    if (!document.isObject())
        return standin::jsonResponse(400,
                                     {{QStringLiteral("error"), QStringLiteral("invalid_request")},
                                      {QStringLiteral("error_description"),
                                       QStringLiteral("The body is not a JSON object")}},
                                     "InvalidRequestException");
    if (operation == QLatin1StringView("RegisterClient"))
        return registerClient(document.object(), now);
    if (operation == QLatin1StringView("StartDeviceAuthorization"))
        return startDeviceAuthorization(request, document.object(), now);
    return createToken(document.object(), now);
}

StandInResponse StandInSso::control(const StandInRequest &request)
{
    if (request.method != "POST")
        return plain(405, "Method Not Allowed");
    const QByteArray path = request.path();
    const QJsonObject object = QJsonDocument::fromJson(request.body).object();
    if (path == "/_sso/fault") {
        const auto fault = faultFromName(object.value(QStringLiteral("kind")).toString());
        if (!fault)
            return plain(400, "unknown fault kind");
        injectFault(*fault, object.value(QStringLiteral("count")).toInt(1));
        return StandInResponse{204, {}, {}};
    }
    const QString userCode = object.value(QStringLiteral("userCode")).toString();
    if (path == "/_sso/approve")
        return approve(userCode) ? StandInResponse{204, {}, {}} : plain(404, "no such sign-in");
    if (path == "/_sso/deny")
        return deny(userCode) ? StandInResponse{204, {}, {}} : plain(404, "no such sign-in");
    return plain(404, "Not Found");
}

bool StandInSso::listen(const QHostAddress &address, quint16 port)
{
    return m_http.listen(address, port);
}

QUrl StandInSso::url() const
{
    QUrl url;
    url.setScheme(QStringLiteral("http"));
    url.setHost(m_http.address().toString());
    url.setPort(m_http.port());
    url.setPath(QStringLiteral("/"));
    return url;
}

int StandInSso::callCount(const QString &operation) const
{
    return int(std::count_if(m_calls.cbegin(), m_calls.cend(),
                             [&operation](const StandInSsoCall &call) {
                                 return call.operation == operation;
                             }));
}

QJsonObject StandInSso::callsJson() const
{
    QJsonObject counts;
    QJsonArray calls;
    for (const StandInSsoCall &call : m_calls) {
        counts.insert(call.operation, counts.value(call.operation).toInt() + 1);
        calls.append(QJsonObject{
                {QStringLiteral("operation"), call.operation},
                {QStringLiteral("status"), call.status},
                {QStringLiteral("errorCode"), call.errorCode},
        });
    }
    return QJsonObject{{QStringLiteral("counts"), counts}, {QStringLiteral("calls"), calls}};
}

} // namespace imsa::test
