#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QLatin1StringView>
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

/// Appends the member `"key":value` to an object being written after its opening brace, with a
/// comma before it unless it is the first. `key` is one of our own names, written as is;
/// `value` is JSON already (jsonString(), a number).
inline void appendJsonMember(QByteArray &object, QLatin1StringView key, QByteArrayView value)
{
    if (object.size() > 1)
        object += ',';
    object += '"';
    object += key;
    object += "\":";
    object += value;
}

} // namespace imsa::detail
