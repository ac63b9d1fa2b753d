#pragma once

#include <QString>

#include "imsa/result.h"

namespace imsa::tray {

/// Whether the `aws_secret_access_key` line of `profile` can be taken out of `file` (see
/// removeSecretLine); reads only.
Result<Done, Failure> checkSecretRemovable(const QString &file, const QString &profile);

/// Takes that line out of `file`: the old content goes to `file`.bak first, then the file is
/// replaced in one rename, with its permissions kept. Nothing is written when the line can't
/// be identified.
Result<Done, Failure> removeSecretFromFile(const QString &file, const QString &profile);

} // namespace imsa::tray
