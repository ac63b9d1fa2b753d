#include "recentusemodel.h"

#include <algorithm>

#include <QColor>
#include <QLocale>

namespace imsa::tray {

namespace {

QString useKey(const QString &profile, const QString &program)
{
    return profile + u'\n' + program;
}

} // namespace

RecentUseModel::RecentUseModel(const QString &logPath, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(logPath)
{
    refresh();
}

QString RecentUseModel::programOf(const AccessEvent &event)
{
    if (!event.program.isEmpty())
        return event.program;
    if (!event.executable.isEmpty())
        return event.executable;
    // Not resolved: such requests are one row per reason, the uid said when known.
    return event.uid >= 0
            ? tr("unknown program of uid %1 (%2)").arg(event.uid).arg(event.unresolved)
            : tr("unknown program (%1)").arg(event.unresolved);
}

int RecentUseModel::take(const AccessEvent &event, QList<Use> &added)
{
    const QString program = programOf(event);
    const QString key = useKey(event.profile, program);
    const auto known = m_rowOf.constFind(key);
    Use *use = nullptr;
    int row = -1;
    if (known != m_rowOf.cend()) {
        row = known.value();
        use = row < m_uses.size() ? &m_uses[row] : &added[row - m_uses.size()];
    } else {
        m_rowOf.insert(key, int(m_uses.size() + added.size()));
        added.append({event.profile, program, event, event.time, 0});
        use = &added.last();
    }
    use->count += 1 + std::max<qint64>(event.repeats, 0);
    use->firstSeen = std::min(use->firstSeen, event.time);
    if (event.time >= use->last.time)
        use->last = event;
    return row < m_uses.size() ? row : -1;
}

void RecentUseModel::refresh()
{
    const QList<AccessEvent> events = m_reader.readNew();
    if (events.isEmpty())
        return;
    QList<Use> added;
    int firstChanged = int(m_uses.size());
    int lastChanged = -1;
    for (const AccessEvent &event : events) {
        const int row = take(event, added);
        if (row >= 0) {
            firstChanged = std::min(firstChanged, row);
            lastChanged = std::max(lastChanged, row);
        }
    }
    if (lastChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    if (!added.isEmpty()) {
        beginInsertRows({}, int(m_uses.size()), int(m_uses.size() + added.size() - 1));
        m_uses.append(added);
        endInsertRows();
    }
}

int RecentUseModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_uses.size());
}

int RecentUseModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString RecentUseModel::tooltip(const Use &use) const
{
    QStringList lines;
    if (!use.last.executable.isEmpty())
        lines << tr("Executable: %1").arg(use.last.executable);
    if (!use.last.parentExecutable.isEmpty())
        lines << tr("Started by: %1").arg(use.last.parentExecutable);
    if (!use.last.commandLine.isEmpty())
        lines << tr("Last command line: %1").arg(use.last.commandLine);
    if (use.last.pid > 0)
        lines << tr("Last process: %1").arg(use.last.pid);
    return lines.join(u'\n');
}

QVariant RecentUseModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_uses.size())
        return {};
    const Use &use = m_uses.at(index.row());
    const bool served = use.last.result == QLatin1StringView("served");
    const QLocale locale;
    switch (role) {
    case Qt::DisplayRole:
    case Qt::AccessibleTextRole:
        switch (index.column()) {
        case ProfileColumn:
            return use.profile;
        case ProgramColumn:
            return use.program;
        case ResultColumn:
            return served ? tr("served") : tr("denied");
        case CountColumn:
            return locale.toString(use.count);
        case FirstColumn:
            return locale.toString(use.firstSeen.toLocalTime(), QLocale::ShortFormat);
        case LastColumn:
            return locale.toString(use.last.time.toLocalTime(), QLocale::ShortFormat);
        }
        break;
    case sortRole:
        switch (index.column()) {
        case CountColumn:
            return use.count;
        case FirstColumn:
            return use.firstSeen;
        case LastColumn:
            return use.last.time;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        return tooltip(use);
    case Qt::ForegroundRole:
        if (index.column() == ResultColumn && !served)
            return QColor(0xc6, 0x28, 0x28);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == CountColumn)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default:
        break;
    }
    return {};
}

QVariant RecentUseModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case ProfileColumn:
        return tr("Profile");
    case ProgramColumn:
        return tr("Program");
    case ResultColumn:
        return tr("Last answer");
    case CountColumn:
        return tr("Count");
    case FirstColumn:
        return tr("First seen");
    case LastColumn:
        return tr("Last seen");
    default:
        return {};
    }
}

} // namespace imsa::tray
