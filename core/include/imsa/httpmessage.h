#pragma once

#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QHostAddress>
#include <QList>

namespace imsa {

/// One HTTP request as the server glue received it: plain values, no socket. Header names
/// keep the client's case (awscli v2 sends `x-aws-ec2-metadata-token`, curl examples the
/// mixed-case form), so lookups are case-insensitive as RFC 9110 §5.1 requires.
struct HttpRequest
{
    QByteArray method;
    QByteArray target; ///< path + optional ?query, as received
    QList<std::pair<QByteArray, QByteArray>> headers; ///< names in any case, in order
    QHostAddress peer;

    /// The value of the first header called `name` (any case); empty if there is none.
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[headerName, value] : headers) {
            if (name.compare(headerName, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }

    bool hasHeader(QByteArrayView name) const { return headerCount(name) > 0; }

    /// How many headers are called `name` (any case): RFC 9112 §3.2 forbids a repeated Host.
    qsizetype headerCount(QByteArrayView name) const
    {
        qsizetype count = 0;
        for (const auto &header : headers) {
            if (name.compare(header.first, Qt::CaseInsensitive) == 0)
                ++count;
        }
        return count;
    }
};

/// The answer the glue writes back. headers always includes Content-Type.
struct HttpResponse
{
    int status = 200;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    /// The value of the first header called `name` (any case); empty if there is none.
    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[headerName, value] : headers) {
            if (name.compare(headerName, Qt::CaseInsensitive) == 0)
                return value;
        }
        return {};
    }
};

} // namespace imsa
