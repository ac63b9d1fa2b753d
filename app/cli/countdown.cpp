#include "countdown.h"

namespace imsa::cli {

QString remainingText(const QDateTime &now, const QDateTime &until)
{
    const qint64 seconds = now.secsTo(until);
    if (seconds <= 0)
        return QStringLiteral("expired");
    const qint64 minutes = (seconds + 59) / 60;
    if (minutes < 60)
        return QStringLiteral("%1 min left").arg(minutes);
    return QStringLiteral("%1 h %2 min left").arg(minutes / 60).arg(minutes % 60);
}

} // namespace imsa::cli
