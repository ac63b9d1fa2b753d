#pragma once

#include <QString>

namespace imsa {

/// The only way an access key id reaches a log or message: all but the last four characters
/// hidden, as aws-vault's FormatKeyForDisplay does. Secrets and tokens are never shown at all.
inline QString redactKeyId(const QString &accessKeyId)
{
    if (accessKeyId.size() <= 4)
        return QStringLiteral("****");
    return QStringLiteral("****") + accessKeyId.right(4);
}

} // namespace imsa
