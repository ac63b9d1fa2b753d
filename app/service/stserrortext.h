#pragma once

#include <QString>

#include "imsa/profile.h"
#include "imsa/stserror.h"

namespace imsa::app {

/// One line a user can act on, e.g. "wrong MFA code for arn:aws:iam::123456789012:mfa/alice".
QString stsErrorText(const StsError &error, const Profile &profile);

} // namespace imsa::app
