#pragma once

#include <QByteArray>
#include <QString>

// JSON written by hand where QJsonObject's sorted keys or its cost per call do not fit: the
// credential documents (AWS's key order) and the access log (a line per fresh connection).
namespace imsa::detail {

/// `text` as a JSON string literal (RFC 8259 §7), quotes included.
inline QByteArray jsonString(const QString &text)
{
    static constexpr char hexDigits[] = "0123456789abcdef";
    QByteArray out;
    out.reserve(text.size() + 2);
    out += '"';
    const QByteArray utf8 = text.toUtf8();
    for (const char byte : utf8) {
        const auto code = static_cast<unsigned char>(byte);
        if (byte == '"' || byte == '\\') {
            out += '\\';
            out += byte;
        } else if (code < 0x20) {
            out += "\\u00";
            out += hexDigits[code >> 4];
            out += hexDigits[code & 0xf];
        } else {
            out += byte;
        }
    }
    out += '"';
    return out;
}

} // namespace imsa::detail
