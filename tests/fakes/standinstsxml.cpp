#include "fakes/standinstsxml.h"

#include <QCryptographicHash>

namespace imsa::test::standin {

namespace {

const QByteArray stsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

QByteArray element(const char *name, const QString &text)
{
    return QByteArray("<") + name + '>' + text.toHtmlEscaped().toUtf8() + "</" + name + '>';
}

QByteArray metadata(const QString &requestId)
{
    return "<ResponseMetadata>" + element("RequestId", requestId) + "</ResponseMetadata>";
}

} // namespace

QHash<QString, QString> parseForm(const QByteArray &form)
{
    QHash<QString, QString> parameters;
    for (const QByteArray &pair : form.split('&')) {
        if (pair.isEmpty())
            continue;
        const qsizetype equals = pair.indexOf('=');
        const QByteArray name = equals < 0 ? pair : pair.left(equals);
        const QByteArray value = equals < 0 ? QByteArray() : pair.mid(equals + 1);
        const auto decode = [](QByteArray text) {
            return QString::fromUtf8(QByteArray::fromPercentEncoding(text.replace('+', ' ')));
        };
        parameters.insert(decode(name), decode(value));
    }
    return parameters;
}

QString uniqueId(QLatin1StringView prefix, const QString &name)
{
    const QByteArray hash = QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256);
    QString id;
    for (const char byte : hash.left(17))
        id += QLatin1Char(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[static_cast<unsigned char>(byte) % 32]);
    return prefix + id;
}

QString iso8601(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd'T'HH:mm:ss'Z'"));
}

QString amzDate(const QDateTime &time)
{
    return time.toUTC().toString(QStringLiteral("yyyyMMdd'T'HHmmss'Z'"));
}

QByteArray credentialsResponse(const QString &action, const AwsCredentials &credentials,
                               const QString &assumedRoleArn, const QString &assumedRoleId,
                               const QString &requestId)
{
    const QByteArray name = action.toLatin1();
    QByteArray result = "<Credentials>" + element("AccessKeyId", credentials.accessKeyId)
            + element("SecretAccessKey", credentials.secretAccessKey)
            + element("SessionToken", credentials.sessionToken)
            + element("Expiration", iso8601(credentials.expiration)) + "</Credentials>";
    if (!assumedRoleArn.isEmpty()) {
        result += "<AssumedRoleUser>" + element("Arn", assumedRoleArn)
                + element("AssumedRoleId", assumedRoleId) + "</AssumedRoleUser>";
    }
    return "<" + name + "Response xmlns=\"" + stsNamespace + "\">\n  <" + name + "Result>" + result
            + "</" + name + "Result>\n  " + metadata(requestId) + "\n</" + name + "Response>\n";
}

QByteArray callerIdentityResponse(const QString &arn, const QString &userId, const QString &account,
                                  const QString &requestId)
{
    return "<GetCallerIdentityResponse xmlns=\"" + stsNamespace + "\">\n  <GetCallerIdentityResult>"
            + element("Arn", arn) + element("UserId", userId) + element("Account", account)
            + "</GetCallerIdentityResult>\n  " + metadata(requestId)
            + "\n</GetCallerIdentityResponse>\n";
}

QByteArray errorResponse(const QString &type, const QString &code, const QString &message,
                         const QString &requestId)
{
    return "<ErrorResponse xmlns=\"" + stsNamespace + "\">\n  <Error>" + element("Type", type)
            + element("Code", code) + element("Message", message) + "</Error>\n  "
            + element("RequestId", requestId) + "\n</ErrorResponse>\n";
}

} // namespace imsa::test::standin
