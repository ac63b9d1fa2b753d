#pragma once

#include <QByteArray>
#include <QString>

#include "imsa/result.h"

namespace imsa::app {

/// Taking the `aws_secret_access_key` line of one profile out of its file, worked out from the
/// file as it was read, and carried out later only if the file still holds those bytes.
struct SecretLineRemoval
{
    QString file;
    QString profile;
    QByteArray before; ///< the file as read, secret included
    QByteArray after; ///< the same without the secret line
};

/// Reads `file` and works out the removal (see removeSecretLine); writes nothing. Fails for a
/// read-only file.
Result<SecretLineRemoval, Failure> prepareSecretLineRemoval(const QString &file,
                                                            const QString &profile);

/// Carries out `removal`: refused when the file changed since it was read or became read-only;
/// otherwise the old content goes to `file`.bak first, then the file is replaced in one rename,
/// with its permissions kept. On failure the file is as it was.
Result<Done, Failure> applySecretLineRemoval(const SecretLineRemoval &removal);

} // namespace imsa::app
