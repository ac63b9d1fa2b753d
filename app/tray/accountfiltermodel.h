#pragma once

#include <QCollator>
#include <QSortFilterProxyModel>
#include <QStringList>

namespace imsa::tray {

/// The account picker's order and type-to-filter over a table of roles (one row per role, the
/// columns below, the profile in column 0's ProfileRole): sorted by account name then role,
/// naturally ("Account 9" before "Account 10") and ignoring case; a row passes the filter when
/// every word of it occurs, ignoring case, in its account name, account ID, role, sign-in or
/// profile.
class AccountFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    enum Column {
        AccountColumn,
        AccountIdColumn,
        RoleColumn,
        SignInColumn,
        ColumnCount
    };

    static constexpr int ProfileRole = Qt::UserRole + 1;

    explicit AccountFilterModel(QObject *parent = nullptr);

    /// Words separated by white space; none (an empty or blank text) lets every row through.
    void setFilterWords(const QString &text);

    QStringList filterWords() const { return m_words; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    QStringList m_words;
    QCollator m_collator;
};

} // namespace imsa::tray
