#pragma once

#include <optional>

#include <QDateTime>
#include <QString>

#include "imsa/accessevent.h"

namespace imsa::cli {

/// `imsa log --since`: a duration back from `now` (30s, 10m, 2h, 7d) or an ISO 8601 time
/// (2026-12-03, 2026-12-03T17:00:00Z); nullopt for anything else.
std::optional<QDateTime> parseSince(const QString &text, const QDateTime &now);

/// What `imsa log` shows of events.
struct AccessLogFilter
{
    QString profile; ///< empty: all
    QDateTime since; ///< invalid: all

    bool matches(const AccessEvent &event) const
    {
        return (profile.isEmpty() || event.profile == profile)
                && (!since.isValid() || event.time >= since);
    }
};

/// One event as a line for people: local time, result, profile, route, pid and program (or
/// why the program is unknown), and the command line.
QString formatAccessEvent(const AccessEvent &event);

} // namespace imsa::cli
