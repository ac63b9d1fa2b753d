#include "accesslogreader.h"

#include <QFile>
#include <QFileInfo>

namespace imsa::app {

AccessLogReader::AccessLogReader(QString path)
    : m_path(std::move(path))
{ }

qint64 AccessLogReader::readFrom(const QString &path, qint64 offset, QList<AccessEvent> &events)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || !file.seek(offset))
        return offset;
    qint64 end = offset;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (!line.endsWith('\n'))
            break; // being written: read again from its start next time
        if (std::optional<AccessEvent> event = AccessEvent::fromJsonLine(line))
            events.append(std::move(*event));
        end = file.pos();
    }
    return end;
}

QList<AccessEvent> AccessLogReader::readNew()
{
    QList<AccessEvent> events;
    const QString previous = m_path + QStringLiteral(".1");
    if (!m_started) {
        m_started = true;
        readFrom(previous, 0, events);
    } else if (QFileInfo(m_path).size() < m_offset) {
        // Rotated: what was read of is PATH.1 now, and may have grown before it was renamed.
        readFrom(previous, m_offset, events);
        m_offset = 0;
    }
    m_offset = readFrom(m_path, m_offset, events);
    return events;
}

} // namespace imsa::app
