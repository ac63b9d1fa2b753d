#include "accountfiltermodel.h"

#include <algorithm>
#include <array>

#include <QLocale>
#include <QRegularExpression>

namespace imsa::tray {

AccountFilterModel::AccountFilterModel(QObject *parent)
    : QSortFilterProxyModel(parent)
    // In the C locale QCollator compares code points and ignores the numeric mode.
    , m_collator(QLocale().language() == QLocale::C ? QLocale(QLocale::English) : QLocale())
{
    m_collator.setCaseSensitivity(Qt::CaseInsensitive);
    m_collator.setNumericMode(true);
}

void AccountFilterModel::setFilterWords(const QString &text)
{
    static const QRegularExpression space(QStringLiteral("\\s+"));
    QStringList words = text.split(space, Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = std::move(words);
    invalidateFilter();
}

bool AccountFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_words.isEmpty())
        return true;
    const QAbstractItemModel *model = sourceModel();
    QStringList fields;
    for (int column = 0; column < ColumnCount; ++column)
        fields << model->index(sourceRow, column, sourceParent).data().toString();
    fields << model->index(sourceRow, AccountColumn, sourceParent).data(ProfileRole).toString();
    return std::all_of(m_words.cbegin(), m_words.cend(), [&fields](const QString &word) {
        return std::any_of(fields.cbegin(), fields.cend(), [&word](const QString &field) {
            return field.contains(word, Qt::CaseInsensitive);
        });
    });
}

bool AccountFilterModel::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // The same order whichever column the view sorts by: account, role, then what tells two
    // accounts of one name apart.
    static constexpr std::array order{AccountColumn, RoleColumn, AccountIdColumn, SignInColumn};
    for (const Column column : order) {
        const int compared = m_collator.compare(left.siblingAtColumn(column).data().toString(),
                                                right.siblingAtColumn(column).data().toString());
        if (compared != 0)
            return compared < 0;
    }
    return false;
}

} // namespace imsa::tray
