// E2eEnvironment::ssoLogin: `imsa login` with the user's part done against the stand-in's
// sign-in page, for the tests of IAM Identity Center.
#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>

#include "e2eenvironment.h"

namespace imsa::test {

namespace {

/// Sends one request, waiting (bounded) for its answer: the stand-in approves a sign-in when
/// its page is visited, as the user's browser would.
void visit(const QUrl &url, const QByteArray &method = "GET", const QByteArray &body = {})
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(5000);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(6000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    delete reply;
}

} // namespace

bool E2eEnvironment::startSsoStandIn(const QStringList &extraArguments)
{
    if (!startSts(extraArguments))
        return false;
    setVariable(QStringLiteral("AWS_ENDPOINT_URL_SSO_OIDC"), stsUrl());
    setVariable(QStringLiteral("AWS_ENDPOINT_URL_SSO"), stsUrl());
    return true;
}

CommandResult E2eEnvironment::ssoLogin(const QStringList &arguments, SsoApproval approval) const
{
    return signInThrough(QStringList{QStringLiteral("login")} + arguments, approval);
}

CommandResult E2eEnvironment::signInThrough(const QStringList &imsaArguments,
                                            SsoApproval approval) const
{
    QProcess login;
    login.setProcessEnvironment(m_environment);
    login.setReadChannel(QProcess::StandardError);
    login.start(imsaBinary(), imsaArguments);
    QString err;
    static const QRegularExpression url(QStringLiteral("open (http://\\S+)"));
    static const QRegularExpression code(QStringLiteral("approve the code (\\S+)"));
    QRegularExpressionMatch found;
    const QDeadlineTimer deadline(10'000);
    while (!deadline.hasExpired()) {
        login.waitForReadyRead(200);
        err += QString::fromUtf8(login.readAllStandardError());
        found = url.match(err);
        if (found.hasMatch() || login.state() == QProcess::NotRunning)
            break;
    }
    if (found.hasMatch()) {
        if (approval == SsoApproval::Approve)
            visit(QUrl(found.captured(1)));
        else
            visit(QUrl(stsUrl() + QStringLiteral("_sso/deny")), "POST",
                  QJsonDocument(
                          QJsonObject{{QStringLiteral("userCode"), code.match(err).captured(1)}})
                          .toJson(QJsonDocument::Compact));
    } else {
        qWarning("imsa login printed no URL within 10 s");
    }
    if (!login.waitForFinished(20'000)) {
        login.kill();
        login.waitForFinished(2000);
        return CommandResult{-1, QString::fromUtf8(login.readAllStandardOutput()), err};
    }
    err += QString::fromUtf8(login.readAllStandardError());
    return CommandResult{login.exitStatus() == QProcess::NormalExit ? login.exitCode() : -1,
                         QString::fromUtf8(login.readAllStandardOutput()), err};
}

const QByteArray E2eEnvironment::ssoConfig = R"([sso-session corp]
sso_start_url = https://example.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile dev-admin]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = AdministratorAccess
region = eu-west-1
)";

QString E2eEnvironment::ssoTokenCacheFile() const
{
    return path(QStringLiteral("home/.aws/sso/cache/"))
            + QString::fromLatin1(
                    QCryptographicHash::hash("corp", QCryptographicHash::Sha1).toHex())
            + QStringLiteral(".json");
}

} // namespace imsa::test
