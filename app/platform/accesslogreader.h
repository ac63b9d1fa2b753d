#pragma once

#include <QList>
#include <QString>

#include "imsa/accessevent.h"

namespace imsa::app {

/// Reads the access log (accesslog.h) as it grows, for `imsa log` and the tray's "Recent use"
/// window: each call returns the events of the complete lines written since the one before,
/// and the first call those of the rotated predecessor (PATH.1) first. A line still being
/// written is left for the next call; a line that is not an event is skipped. Keeps no file
/// open between calls, so a rotation is seen as a current file shorter than what was read of
/// it: the rest of the old one (now PATH.1) is read, then the new one from its start.
class AccessLogReader
{
public:
    explicit AccessLogReader(QString path);

    QList<AccessEvent> readNew();

    QString path() const { return m_path; }

private:
    /// Appends the events of the complete lines of `path` from `offset` on; returns the offset
    /// after the last complete line (`offset` when the file can't be read).
    static qint64 readFrom(const QString &path, qint64 offset, QList<AccessEvent> &events);

    QString m_path;
    qint64 m_offset = 0; ///< after the last complete line read of the current file
    bool m_started = false;
};

} // namespace imsa::app
