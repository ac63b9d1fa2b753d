#pragma once

#include <QString>

#include "command.h"

namespace imsa::cli {

/// Signs in to IAM Identity Center for `profile` (a profile or sso-session name; empty: as the
/// app chooses) through the running app: prints the URL and code on stderr, lets the app open
/// the browser unless `noBrowser`, waits until the code is approved, denied or expired. For
/// `imsa login`, and `imsa assume` when a profile needs a sign-in; `command` names the one
/// running in messages.
int signInToIdentityCenter(const QString &profile, bool noBrowser, const QString &command, Io &io);

} // namespace imsa::cli
