#include "recentusewindow.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "recentusemodel.h"

namespace imsa::tray {

RecentUseWindow::RecentUseWindow(const QString &logPath, QWidget *parent)
    : QWidget(parent)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("imsa: Recent use"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/imsa.svg")));

    m_model = new RecentUseModel(logPath, this);
    m_sorted = new QSortFilterProxyModel(this);
    m_sorted->setSourceModel(m_model);
    m_sorted->setSortRole(RecentUseModel::sortRole);
    m_sorted->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_sorted->setFilterKeyColumn(-1);
    m_sorted->setDynamicSortFilter(true);

    auto *intro = new QLabel(tr("Programs that asked for each profile's credentials. Hover "
                                "over a program for its path and the program that started it."),
                             this);
    intro->setWordWrap(true);
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("filter"));
    m_filter->setPlaceholderText(tr("Filter by profile or program"));
    m_filter->setAccessibleName(tr("Filter"));
    m_filter->setClearButtonEnabled(true);
    connect(m_filter, &QLineEdit::textChanged, m_sorted,
            &QSortFilterProxyModel::setFilterFixedString);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("uses"));
    m_view->setAccessibleName(tr("Programs per profile"));
    m_view->setModel(m_sorted);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAllColumnsShowFocus(true);
    // The end of a program is what tells scripts apart: cut in the middle.
    m_view->setTextElideMode(Qt::ElideMiddle);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(RecentUseModel::LastColumn, Qt::DescendingOrder);
    m_view->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(RecentUseModel::ProgramColumn, QHeaderView::Stretch);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_filter);
    layout->addWidget(m_view, 1);
    setTabOrder(m_filter, m_view);
    resize(fontMetrics().averageCharWidth() * 150, fontMetrics().height() * 24);

    m_refresh.setInterval(refreshMsecs);
    connect(&m_refresh, &QTimer::timeout, m_model, &RecentUseModel::refresh);
}

void RecentUseWindow::showEvent(QShowEvent *event)
{
    m_model->refresh();
    m_refresh.start();
    m_view->setFocus();
    QWidget::showEvent(event);
}

void RecentUseWindow::hideEvent(QHideEvent *event)
{
    m_refresh.stop();
    QWidget::hideEvent(event);
}

} // namespace imsa::tray
