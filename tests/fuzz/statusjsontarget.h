#pragma once

#include <string_view>

#include <QByteArrayView>
#include <QJsonDocument>

#include "runtime/json.h"
#include "runtime/statusview.h"

// Fuzz input for the launcher's `imsa status` (app/runtime): any bytes, read by its JSON reader
// and, when accepted, shown as a status reply.
namespace imsa::fuzz {

/// False when the launcher's reader accepts a document that Qt's JSON parser (the app's and
/// imsa-cli's) refuses: the launcher must be the stricter of the two.
inline bool fuzzStatusJson(QByteArrayView data)
{
    const auto value = runtime::parseJson(
            std::string_view(data.data(), static_cast<std::size_t>(data.size())));
    if (!value)
        return true;
    static_cast<void>(runtime::renderStatus(*value, 0));
    // Qt reads only objects and arrays at the top.
    if (!value->object() && !value->array())
        return true;
    QJsonParseError error{};
    static_cast<void>(QJsonDocument::fromJson(data.toByteArray(), &error));
    return error.error == QJsonParseError::NoError;
}

} // namespace imsa::fuzz
