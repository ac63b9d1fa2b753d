#pragma once

#include <optional>

#include <QDateTime>
#include <QString>

#include "imsa/stserror.h"

namespace imsa {

/// Where a profile stands, in the order of precedence the broker reports it.
enum class ProfileState {
    Inactive, ///< not wanted, nothing to serve
    NeedsMfa, ///< waiting for an MFA code; wins over Ready because a human has to act
    Fetching, ///< key store or STS work in progress and nothing to serve yet
    Ready, ///< credentials with at least CredentialBroker::minServeSeconds left
    Failed ///< the last attempt failed and nothing can be served
};

struct ProfileStatus
{
    ProfileState state = ProfileState::Inactive;
    QDateTime credentialsExpiration; ///< invalid when none
    QDateTime mfaSessionExpiration; ///< invalid when none / no MFA
    QString assumedRoleArn; ///< from AssumeRole, empty otherwise
    std::optional<StsError> lastError; ///< last failure, cleared on success

    friend bool operator==(const ProfileStatus &a, const ProfileStatus &b)
    {
        const auto sameError = [](const StsError &x, const StsError &y) {
            return x.code == y.code && x.awsCode == y.awsCode && x.message == y.message
                    && x.httpStatus == y.httpStatus;
        };
        return a.state == b.state && a.credentialsExpiration == b.credentialsExpiration
                && a.mfaSessionExpiration == b.mfaSessionExpiration
                && a.assumedRoleArn == b.assumedRoleArn
                && a.lastError.has_value() == b.lastError.has_value()
                && (!a.lastError || sameError(*a.lastError, *b.lastError));
    }
};

} // namespace imsa
