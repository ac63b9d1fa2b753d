#pragma once

#include <optional>
#include <utility>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QLocale>
#include <QString>
#include <QTimeZone>

// The STS Query API on the wire: form-encoded request bodies and the HTTP Date header that
// tells us the server's time.
namespace imsa::detail {

inline constexpr QLatin1StringView stsApiVersion{"2011-06-15"};

/// Header value for Query API bodies, as botocore sends it.
inline constexpr char stsContentType[] = "application/x-www-form-urlencoded; charset=utf-8";

using QueryParameters = QList<std::pair<QString, QString>>;

/// RFC 3986 percent-encoding of the UTF-8 bytes, keeping only unreserved characters
/// (A-Z a-z 0-9 - _ . ~) and using upper-case hex: what SigV4 and the AWS Query protocol
/// expect. Spaces become %20, never '+'.
inline QByteArray awsPercentEncode(const QString &value)
{
    return value.toUtf8().toPercentEncoding();
}

/// "Action=<action>&Version=2011-06-15&Name=Value...", parameters in the given order.
inline QByteArray buildQueryBody(QLatin1StringView action, const QueryParameters &parameters)
{
    QByteArray body = "Action=" + awsPercentEncode(QString(action))
            + "&Version=" + awsPercentEncode(QString(stsApiVersion));
    for (const auto &[name, value] : parameters)
        body += '&' + awsPercentEncode(name) + '=' + awsPercentEncode(value);
    return body;
}

inline const QString &httpDateFormat()
{
    static const QString format = QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'");
    return format;
}

/// Parses an RFC 9110 IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"), the only form the
/// standard lets servers send. nullopt for anything else.
inline std::optional<QDateTime> parseHttpDate(const QByteArray &value)
{
    QDateTime time =
            QLocale::c().toDateTime(QString::fromLatin1(value.trimmed()), httpDateFormat());
    if (!time.isValid())
        return std::nullopt;
    time.setTimeZone(QTimeZone::utc());
    return time;
}

inline QByteArray formatHttpDate(const QDateTime &time)
{
    return QLocale::c().toString(time.toUTC(), httpDateFormat()).toLatin1();
}

} // namespace imsa::detail
