#pragma once

#include <functional>

#include <QObject>

#include "imsa/credentials.h"
#include "imsa/profile.h"
#include "imsa/stsapi.h"

namespace imsa {

/// Where the broker gets the role credentials of an IAM Identity Center profile. The broker
/// only asks; the source holds the sign-in tokens and talks to the portal, so that the broker
/// keeps one job: deciding when credentials are due.
class SsoCredentialSource
{
public:
    virtual ~SsoCredentialSource() = default;

    /// GetRoleCredentials for `settings`' account and role with the sign-in of its session.
    /// Completes exactly once, asynchronously, in the thread of `context`; dropped if
    /// `context` is destroyed first. StsErrorCode::SignInNeeded when the session has no valid
    /// sign-in; the portal's failures mapped onto the other StsErrorCodes.
    virtual void roleCredentials(const SsoSettings &settings, QObject *context,
                                 std::function<void(StsResult<AwsCredentials>)> done) = 0;
};

} // namespace imsa
