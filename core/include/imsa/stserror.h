#pragma once

#include <QString>

namespace imsa {

/// What went wrong with an STS call, in terms a user (or the broker) can act on.
/// Other stays last: tst_usertext checks every code up to it for a sentence of its own.
enum class StsErrorCode {
    WrongMfaCode, ///< AccessDenied with "MultiFactorAuthentication failed"
    AccessDenied, ///< not allowed to assume the role, or similar
    InvalidKeys, ///< InvalidClientTokenId: the access key does not exist or was deleted
    ExpiredToken, ///< the session credentials used for the call have expired
    SignatureMismatch, ///< wrong secret key
    ClockSkew, ///< "Signature expired": the local clock is off
    InvalidRequest, ///< ValidationError and friends: a bad ARN, duration, session name
    Throttled, ///< Throttling / RequestLimitExceeded (retried with backoff)
    ServerError, ///< HTTP 5xx (retried with backoff)
    Network, ///< could not connect, TLS failure, connection reset
    Timeout, ///< no answer in time
    MalformedResponse, ///< not the XML STS sends
    /// An IAM Identity Center profile has no valid sign-in (none yet, ended, or revoked): only
    /// the user can fix it, by signing in again. Never retried.
    SignInNeeded,
    Other
};

struct StsError
{
    StsErrorCode code = StsErrorCode::Other;
    QString awsCode; ///< e.g. "AccessDenied", empty for transport errors
    QString message; ///< AWS's message or the transport's description; never holds secrets
    int httpStatus = 0;

    /// Worth trying again without a human (never the case for calls that carried an MFA code).
    bool isTransient() const
    {
        switch (code) {
        case StsErrorCode::Throttled:
        case StsErrorCode::ServerError:
        case StsErrorCode::Network:
        case StsErrorCode::Timeout:
        case StsErrorCode::MalformedResponse:
            return true;
        default:
            return false;
        }
    }
};

} // namespace imsa
