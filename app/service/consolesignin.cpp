#include "consolesignin.h"

#include <QMetaEnum>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>

#include "imsa/logging.h"

namespace imsa::app {

void requestConsoleUrl(QNetworkAccessManager &network, const ConsoleSignin &signin,
                       const AwsCredentials &credentials, QObject *context,
                       std::function<void(Result<QUrl, Failure>)> done)
{
    QNetworkRequest request(signinTokenUrl(signin, credentials));
    request.setTransferTimeout(consoleSigninTimeoutMs);
    // A redirect would carry the credentials in its query somewhere else.
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    request.setAttribute(QNetworkRequest::CacheSaveControlAttribute, false);
    QNetworkReply *reply = network.get(request);
    const QString host = signin.federation.host();
    QObject::connect(reply, &QNetworkReply::finished, context,
                     [reply, signin, host, done = std::move(done)] {
                         reply->deleteLater();
                         const QVariant status =
                                 reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
                         if (!status.isValid()) {
                             // errorString() may quote the request URL, which holds the
                             // credentials.
                             const char *error =
                                     QMetaEnum::fromType<QNetworkReply::NetworkError>().valueToKey(
                                             reply->error());
                             qCWarning(lcApp).noquote()
                                     << "console sign-in: no answer from" << host << error;
                             return done(Failure{
                                     QStringLiteral("cannot reach the AWS sign-in endpoint %1 (%2)")
                                             .arg(host, QLatin1StringView(error))});
                         }
                         auto token = parseSigninTokenAnswer(status.toInt(), reply->readAll());
                         if (!token) {
                             qCWarning(lcApp).noquote() << "console sign-in:" << host
                                                        << "answered HTTP" << status.toInt();
                             return done(token.error());
                         }
                         done(consoleLoginUrl(signin, token.value()));
                     });
    // Finishes when `context` goes first too, so the reply never outlives its caller.
    QObject::connect(context, &QObject::destroyed, reply, [reply] {
        reply->abort();
    });
}

} // namespace imsa::app
