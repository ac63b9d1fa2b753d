#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QList>

#include "imsa/accessevent.h"
#include "platform/accesslogreader.h"

namespace imsa::tray {

/// What the "Recent use" window lists: per profile, each program that asked for its
/// credentials, from the access log (and its rotated predecessor), with when it first and last
/// asked, how many answers it got (a line and its repeats) and whether the last one was served.
/// No widget: refresh() reads only what was appended since the call before, so calling it
/// every few seconds costs little even on a full 4 MiB log.
class RecentUseModel final : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        ProfileColumn,
        ProgramColumn,
        ResultColumn,
        CountColumn,
        FirstColumn,
        LastColumn,
        ColumnCount
    };

    /// The value to sort by: the time itself, the count as a number.
    static constexpr int sortRole = Qt::UserRole;

    explicit RecentUseModel(const QString &logPath, QObject *parent = nullptr);

    /// Takes in the lines written since the last call.
    void refresh();

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    /// One program of one profile.
    struct Use
    {
        QString profile;
        QString program;
        AccessEvent last; ///< the latest line: executable, parent, command line, result
        QDateTime firstSeen;
        qint64 count = 0;
    };

    static QString programOf(const AccessEvent &event);
    QString tooltip(const Use &use) const;
    /// Adds `event` to its row; returns the row, or -1 when it is a new one (appended to `added`).
    int take(const AccessEvent &event, QList<Use> &added);

    app::AccessLogReader m_reader;
    QList<Use> m_uses;
    QHash<QString, int> m_rowOf; ///< profile + '\n' + program
};

} // namespace imsa::tray
