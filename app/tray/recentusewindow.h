#pragma once

#include <QTimer>
#include <QWidget>

class QLineEdit;
class QSortFilterProxyModel;
class QTreeView;

namespace imsa::tray {

class RecentUseModel;

/// "Recent use…": which programs took which profile's credentials, from the access log
/// (RecentUseModel), newest first. Reads what was appended every few seconds while it is shown.
class RecentUseWindow final : public QWidget
{
    Q_OBJECT

public:
    static constexpr int refreshMsecs = 2000;

    explicit RecentUseWindow(const QString &logPath, QWidget *parent = nullptr);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    RecentUseModel *m_model = nullptr;
    QSortFilterProxyModel *m_sorted = nullptr;
    QLineEdit *m_filter = nullptr;
    QTreeView *m_view = nullptr;
    QTimer m_refresh;
};

} // namespace imsa::tray
