#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "imsa/detail/stsxml.h"

// Fuzz input for the STS response parser: one byte for the HTTP status of failures, then the
// body, given to every parser of STS answers.
namespace imsa::fuzz {

namespace detail {

inline bool isServable(const AwsCredentials &credentials)
{
    return credentials.isComplete() && !credentials.sessionToken.isEmpty()
            && credentials.expiration.isValid();
}

} // namespace detail

/// Parses one fuzzed STS answer; false when a result breaks an invariant of the parser.
inline bool fuzzStsXml(QByteArrayView data)
{
    if (data.isEmpty())
        return true;
    const int status = 400 + static_cast<unsigned char>(data.front()) % 200;
    const QByteArray body = data.sliced(1).toByteArray();

    // Parsed credentials are complete: a half-filled set must never reach the broker.
    if (const auto session = imsa::detail::parseGetSessionTokenResponse(body);
        session && !detail::isServable(session.value()))
        return false;
    if (const auto role = imsa::detail::parseAssumeRoleResponse(body);
        role && (!detail::isServable(role->credentials) || role->assumedRoleArn.isEmpty()))
        return false;
    static_cast<void>(imsa::detail::parseGetCallerIdentityResponse(body));
    const StsError error = imsa::detail::classifyStsFailure(
            status, body, QStringLiteral("arn:aws:iam::123456789012:mfa/fuzz"));
    return error.message.size() <= 4 * imsa::detail::maxStsMessageChars;
}

} // namespace imsa::fuzz
