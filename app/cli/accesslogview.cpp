#include "accesslogview.h"

#include <QRegularExpression>

namespace imsa::cli {

std::optional<QDateTime> parseSince(const QString &text, const QDateTime &now)
{
    static const QRegularExpression duration(QStringLiteral("^([0-9]{1,6})([smhd])$"));
    const QRegularExpressionMatch match = duration.match(text);
    if (match.hasMatch()) {
        const qint64 amount = match.captured(1).toLongLong();
        const QChar unit = match.captured(2).at(0);
        const qint64 seconds = unit == u's' ? amount
                : unit == u'm'              ? amount * 60
                : unit == u'h'              ? amount * 3600
                                            : amount * 86400;
        return now.addSecs(-seconds);
    }
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid()) {
        const QDate day = QDate::fromString(text, Qt::ISODate);
        if (day.isValid())
            time = day.startOfDay();
    }
    return time.isValid() ? std::optional(time) : std::nullopt;
}

QString formatAccessEvent(const AccessEvent &event)
{
    const QString who = event.pid > 0
            ? QStringLiteral("pid %1 %2").arg(event.pid).arg(event.program)
            : QStringLiteral("uid %1 (%2)")
                      .arg(event.uid < 0 ? QStringLiteral("?") : QString::number(event.uid),
                           event.unresolved);
    QString line = QStringLiteral("%1  %2  %3  %4  %5")
                           .arg(event.time.toLocalTime().toString(Qt::ISODate), event.result,
                                event.profile, event.route, who);
    if (event.repeats > 0)
        line += QStringLiteral("  (%1 more on this connection)").arg(event.repeats);
    if (!event.parentExecutable.isEmpty())
        line += QStringLiteral("  (parent %1)").arg(event.parentExecutable);
    if (!event.commandLine.isEmpty())
        line += QStringLiteral("\n    ") + event.commandLine;
    return line;
}

} // namespace imsa::cli
