#pragma once

#include <QByteArrayView>

#include "imsa/ipcmessage.h"

// Fuzz input for the control protocol: one line, read both as a client's request and as the
// app's response.
namespace imsa::fuzz {

/// Parses one fuzzed line; false when a parsed request does not survive a round trip.
inline bool fuzzIpcMessage(QByteArrayView data)
{
    static_cast<void>(ipc::parseResponse(data));
    const auto request = ipc::parseRequest(data);
    if (!request)
        return !request.error().code.isEmpty();
    const auto again = ipc::parseRequest(ipc::serializeRequest(request.value()));
    return again && again->id == request->id && again->command == request->command
            && again->args == request->args;
}

} // namespace imsa::fuzz
