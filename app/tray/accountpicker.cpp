#include "accountpicker.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScopedValueRollback>
#include <QSet>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QTreeView>
#include <QVBoxLayout>

#include "accountfiltermodel.h"

namespace imsa::tray {

namespace {

using Column = AccountFilterModel::Column;
constexpr int profileRole = AccountFilterModel::ProfileRole;

QLabel *plainLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    // Some texts quote what the user typed: never read it as HTML.
    label->setTextFormat(Qt::PlainText);
    return label;
}

bool isEnter(const QKeyEvent *key)
{
    return key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter;
}

} // namespace

AccountPicker::AccountPicker(QWidget *parent)
    : QDialog(parent)
    , m_activeIcon(QStringLiteral(":/icons/active.svg"))
{
    setWindowTitle(tr("Accounts and roles — imsa"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/imsa.svg")));
    setModal(false);

    m_model = new QStandardItemModel(0, AccountFilterModel::ColumnCount, this);
    m_model->setHorizontalHeaderLabels(
            {tr("Account"), tr("Account ID"), tr("Role"), tr("Sign-in")});
    m_filter = new AccountFilterModel(this);
    m_filter->setSourceModel(m_model);
    m_filter->sort(Column::AccountColumn);

    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("filter"));
    m_search->setPlaceholderText(tr("Filter accounts and roles"));
    m_search->setAccessibleName(tr("Filter accounts and roles"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);

    m_view = new QTreeView(this);
    m_view->setObjectName(QStringLiteral("accounts"));
    m_view->setAccessibleName(tr("Accounts and roles"));
    m_view->setModel(m_filter);
    m_view->setRootIsDecorated(false);
    m_view->setUniformRowHeights(true);
    m_view->setAlternatingRowColors(true);
    m_view->setAllColumnsShowFocus(true);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->installEventFilter(this);
    QHeaderView *header = m_view->header();
    header->setSectionsClickable(false);
    header->setStretchLastSection(true);
    header->resizeSection(Column::AccountColumn, fontMetrics().averageCharWidth() * 30);
    header->setSectionResizeMode(Column::AccountIdColumn, QHeaderView::ResizeToContents);
    header->resizeSection(Column::RoleColumn, fontMetrics().averageCharWidth() * 28);
    m_view->setColumnHidden(Column::SignInColumn, true);

    m_placeholder = plainLabel(QStringLiteral("placeholder"), this);
    m_placeholder->setAlignment(Qt::AlignCenter);
    m_placeholder->setWordWrap(true);
    m_placeholder->setMargin(fontMetrics().height());
    m_pages = new QStackedWidget(this);
    m_pages->addWidget(m_view);
    m_pages->addWidget(m_placeholder);

    m_signInRows = new QVBoxLayout;
    m_count = plainLabel(QStringLiteral("count"), this);
    m_busyLabel = plainLabel(QStringLiteral("busy"), this);
    m_busyLabel->setText(tr("Listing accounts…"));
    m_busyLabel->hide();
    m_errorLabel = plainLabel(QStringLiteral("error"), this);
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_errorLabel->hide();

    m_refresh = new QPushButton(tr("Refresh"), this);
    m_refresh->setObjectName(QStringLiteral("refresh"));
    m_refresh->setAccessibleName(tr("Refresh the list"));
    auto *buttons = new QDialogButtonBox(this);
    m_use = buttons->addButton(tr("Use"), QDialogButtonBox::AcceptRole);
    m_use->setObjectName(QStringLiteral("use"));
    m_use->setAccessibleName(tr("Use the selected role"));
    m_use->setDefault(true);
    m_close = buttons->addButton(tr("Close"), QDialogButtonBox::RejectRole);
    m_close->setObjectName(QStringLiteral("close"));
    m_close->setAccessibleName(tr("Close"));
    // Qt 6.4 makes Use the box's focus proxy, and the box stays in the Tab chain after Close:
    // Tab from Close would go back to Use, never round to the filter.
    buttons->setFocusProxy(nullptr);

    auto *status = new QHBoxLayout;
    status->addWidget(m_count, 1);
    status->addWidget(m_busyLabel);
    auto *bottom = new QHBoxLayout;
    bottom->addWidget(m_refresh);
    bottom->addStretch();
    bottom->addWidget(buttons);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_search);
    layout->addWidget(m_pages, 1);
    layout->addLayout(m_signInRows);
    layout->addLayout(status);
    layout->addWidget(m_errorLabel);
    layout->addLayout(bottom);
    resize(fontMetrics().averageCharWidth() * 100, fontMetrics().height() * 30);

    connect(m_search, &QLineEdit::textChanged, this, &AccountPicker::handleFilterChanged);
    // The platform's activation: a double-click, or a click where the desktop is set to
    // open items with one click (KDE).
    connect(m_view, &QTreeView::activated, this, [this](const QModelIndex &index) {
        choose(index.siblingAtColumn(Column::AccountColumn).data(profileRole).toString());
    });
    connect(m_view->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &AccountPicker::handleSelectionChanged);
    connect(m_use, &QPushButton::clicked, this, [this] {
        choose(currentProfile());
    });
    connect(buttons, &QDialogButtonBox::rejected, this, &AccountPicker::reject);
    connect(m_refresh, &QPushButton::clicked, this, &AccountPicker::refreshRequested);
    updateTabOrder();
    updateState();
}

void AccountPicker::setEntries(const QList<AccountPickerEntry> &entries)
{
    const QScopedValueRollback restoring(m_restoring, true);
    m_model->setRowCount(0);
    QSet<QString> signIns;
    for (const AccountPickerEntry &entry : entries) {
        QList<QStandardItem *> row{
                new QStandardItem(entry.accountName), new QStandardItem(entry.accountId),
                new QStandardItem(entry.roleName), new QStandardItem(entry.signIn)};
        row.first()->setData(entry.profile, profileRole);
        for (QStandardItem *item : row) {
            item->setEditable(false);
            item->setToolTip(entry.profile);
        }
        m_model->appendRow(row);
        signIns.insert(entry.signIn);
    }
    // Which sign-in a role comes from matters only when there are several.
    m_view->setColumnHidden(Column::SignInColumn, signIns.size() < 2);
    markActive();
    restoreSelection();
    updateState();
}

void AccountPicker::setSignIns(const QList<AccountPickerSignIn> &signIns)
{
    m_signIns = signIns;
    rebuildSignIns();
    updateState();
}

void AccountPicker::setActiveProfile(const QString &profile)
{
    m_activeProfile = profile;
    markActive();
}

void AccountPicker::setBusy(bool listing)
{
    m_busy = listing;
    updateState();
}

void AccountPicker::setError(const QString &message)
{
    m_errorLabel->setText(message);
    m_errorLabel->setVisible(!message.isEmpty());
    updateState();
}

void AccountPicker::present()
{
    show();
    raise();
    activateWindow();
}

QString AccountPicker::currentProfile() const
{
    if (!m_selected.isEmpty() || m_filter->rowCount() != 1)
        return m_selected;
    return m_filter->index(0, Column::AccountColumn).data(profileRole).toString();
}

void AccountPicker::showEvent(QShowEvent *event)
{
    QDialog::showEvent(event);
    // Typing goes to the filter at once, and replaces the last filter.
    m_search->setFocus();
    m_search->selectAll();
    // Spontaneous: the window system showing it again (un-minimized), not an open.
    if (!event->spontaneous())
        Q_EMIT refreshRequested();
}

bool AccountPicker::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() != QEvent::KeyPress || (watched != m_search && watched != m_view))
        return QDialog::eventFilter(watched, event);
    auto *key = static_cast<QKeyEvent *>(event);
    // Enter chooses, from the filter and from the list; the list's own Enter would activate
    // and then also press the default button.
    if (isEnter(key)) {
        choose(currentProfile());
        return true;
    }
    if (watched == m_search) {
        // Up and Down move in the list while the focus stays in the filter (as in KRunner).
        switch (key->key()) {
        case Qt::Key_Up:
        case Qt::Key_Down:
        case Qt::Key_PageUp:
        case Qt::Key_PageDown:
            QCoreApplication::sendEvent(m_view, key);
            return true;
        default:
            return false;
        }
    }
    // Typing in the list goes on filtering.
    const QString text = key->text();
    const bool typed = !text.isEmpty() && text.at(0).isPrint() && !text.at(0).isSpace()
            && !(key->modifiers() & (Qt::ControlModifier | Qt::AltModifier));
    if (typed || key->key() == Qt::Key_Backspace) {
        m_search->setFocus();
        QCoreApplication::sendEvent(m_search, key);
        return true;
    }
    return false;
}

void AccountPicker::choose(const QString &profile)
{
    if (profile.isEmpty())
        return;
    Q_EMIT profileChosen(profile);
    accept();
}

void AccountPicker::handleFilterChanged()
{
    {
        const QScopedValueRollback restoring(m_restoring, true);
        m_filter->setFilterWords(m_search->text());
    }
    restoreSelection();
    updateState();
}

void AccountPicker::handleSelectionChanged()
{
    if (!m_restoring) {
        const QModelIndexList rows = m_view->selectionModel()->selectedRows(Column::AccountColumn);
        m_selected = rows.isEmpty() ? QString() : rows.first().data(profileRole).toString();
    }
    updateState();
}

void AccountPicker::restoreSelection()
{
    // Enter must never choose a row the user did not pick: when theirs is gone, nothing is
    // selected, and with no current row either, Down starts at the top.
    const QScopedValueRollback restoring(m_restoring, true);
    QItemSelectionModel *selection = m_view->selectionModel();
    for (int row = 0; !m_selected.isEmpty() && row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, Column::AccountColumn);
        if (index.data(profileRole).toString() == m_selected) {
            selection->setCurrentIndex(
                    index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            m_view->scrollTo(index);
            return;
        }
    }
    m_selected.clear();
    selection->clear();
}

void AccountPicker::rebuildSignIns()
{
    // Later, not now: the button clicked may be on the stack (a slot that calls setSignIns).
    for (QWidget *row : std::as_const(m_signInRowWidgets)) {
        row->hide();
        row->deleteLater();
    }
    m_signInRowWidgets.clear();
    m_signInButtons.clear();
    for (const AccountPickerSignIn &signIn : std::as_const(m_signIns)) {
        if (signIn.signedIn)
            continue;
        auto *row = new QWidget(this);
        auto *rowLayout = new QHBoxLayout(row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        QLabel *label = plainLabel(QStringLiteral("signInState"), row);
        label->setText(tr("Not signed in to %1.").arg(signIn.shown));
        label->setWordWrap(true);
        auto *button = new QPushButton(tr("Sign in"), row);
        button->setObjectName(QStringLiteral("signIn"));
        button->setAccessibleName(tr("Sign in to %1").arg(signIn.shown));
        button->setProperty("signInKey", signIn.key);
        connect(button, &QPushButton::clicked, this, [this, key = signIn.key] {
            Q_EMIT signInRequested(key);
        });
        rowLayout->addWidget(label, 1);
        rowLayout->addWidget(button);
        m_signInRows->addWidget(row);
        m_signInRowWidgets << row;
        m_signInButtons << button;
    }
    updateTabOrder();
}

void AccountPicker::updateTabOrder()
{
    QList<QWidget *> chain{m_search, m_view};
    for (QPushButton *button : std::as_const(m_signInButtons))
        chain << button;
    chain << m_refresh << m_use << m_close;
    for (qsizetype i = 1; i < chain.size(); ++i)
        setTabOrder(chain.at(i - 1), chain.at(i));
}

void AccountPicker::markActive()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        QStandardItem *account = m_model->item(row, Column::AccountColumn);
        const bool active = !m_activeProfile.isEmpty()
                && account->data(profileRole).toString() == m_activeProfile;
        for (int column = 0; column < AccountFilterModel::ColumnCount; ++column) {
            QStandardItem *item = m_model->item(row, column);
            QFont font = item->font();
            if (font.bold() != active) {
                font.setBold(active);
                item->setFont(font);
            }
        }
        account->setData(active ? m_activeIcon : QIcon(), Qt::DecorationRole);
        const QString profile = account->data(profileRole).toString();
        account->setToolTip(active ? tr("%1 (in use)").arg(profile) : profile);
        account->setData(active ? tr("%1, in use").arg(account->text()) : QVariant(),
                         Qt::AccessibleTextRole);
    }
}

void AccountPicker::updateState()
{
    const int total = m_model->rowCount();
    const int shown = m_filter->rowCount();
    if (total == 0)
        m_count->clear();
    else if (shown == total)
        m_count->setText(total == 1 ? tr("1 role") : tr("%1 roles").arg(total));
    else
        m_count->setText(tr("%1 of %2 roles").arg(shown).arg(total));
    m_count->setVisible(total > 0);

    QString placeholder;
    if (total == 0) {
        const bool signedIn = std::any_of(m_signIns.cbegin(), m_signIns.cend(),
                                          [](const AccountPickerSignIn &signIn) {
                                              return signIn.signedIn;
                                          });
        if (m_busy)
            placeholder = tr("Listing accounts…");
        else if (m_signIns.isEmpty())
            placeholder = tr("No IAM Identity Center sign-in is set up: add an sso-session "
                             "section to ~/.aws/config to see your accounts here.");
        else if (!signedIn)
            placeholder = tr("Sign in to IAM Identity Center to see your AWS accounts and roles.");
        else if (!m_errorLabel->text().isEmpty())
            placeholder = tr("The accounts could not be listed.");
        else
            placeholder = tr("IAM Identity Center gives you no AWS account.");
    } else if (shown == 0) {
        placeholder = tr("No account or role matches “%1”.").arg(m_search->text().simplified());
    }
    m_placeholder->setText(placeholder);
    m_pages->setCurrentWidget(placeholder.isEmpty() ? static_cast<QWidget *>(m_view)
                                                    : m_placeholder);
    m_busyLabel->setVisible(m_busy && total > 0);
    m_refresh->setEnabled(!m_busy);
    m_use->setEnabled(!currentProfile().isEmpty());
}

} // namespace imsa::tray
