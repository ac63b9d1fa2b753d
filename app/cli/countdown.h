#pragma once

#include <QDateTime>
#include <QString>

namespace imsa::cli {

/// "3 h 12 min left", "42 min left", "expired".
QString remainingText(const QDateTime &now, const QDateTime &until);

} // namespace imsa::cli
