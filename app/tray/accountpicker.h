#pragma once

#include <QDialog>
#include <QIcon>
#include <QList>
#include <QString>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QStandardItemModel;
class QTreeView;
class QVBoxLayout;

namespace imsa::tray {

class AccountFilterModel;

/// One role in one AWS account that an IAM Identity Center sign-in may use, as the profile
/// `ACCOUNT-NAME/ROLE` that activates it.
struct AccountPickerEntry
{
    QString profile; ///< what profileChosen() passes back: "Production/AdministratorAccess"
    QString accountName; ///< "Production"
    QString accountId; ///< "111122223333"
    QString roleName; ///< "AdministratorAccess"
    QString signIn; ///< the sign-in it comes from ("my-sso" or a start URL); shown when several
};

/// One IAM Identity Center sign-in (an sso-session or a start URL).
struct AccountPickerSignIn
{
    QString key; ///< opaque; what signInRequested() passes back
    QString shown; ///< "my-sso" or the start URL
    bool signedIn = false;
};

/// The window that lists every account and role the user's IAM Identity Center sign-ins may use
/// and lets them pick one, with type-to-filter: a search field that has the focus, the roles
/// sorted by account then role, a count line, and a Sign in button for each signed-out sign-in.
/// Enter, a double-click (the platform's activation) or Use choose the selected row, or the only
/// one left, and close the window; Escape closes it. Non-modal and meant to be reused: closing
/// only hides it, and every show asks for a refresh.
class AccountPicker final : public QDialog
{
    Q_OBJECT

public:
    explicit AccountPicker(QWidget *parent = nullptr);

    /// Replaces the list. The filter text stays, and so does the selection while its profile
    /// is still there and matches.
    void setEntries(const QList<AccountPickerEntry> &entries);
    void setSignIns(const QList<AccountPickerSignIn> &signIns);
    /// The profile in use, shown in bold and marked; empty: none.
    void setActiveProfile(const QString &profile);
    /// True while the accounts are being listed.
    void setBusy(bool listing);
    /// Why listing failed (the portal's answer, say); empty clears it.
    void setError(const QString &message);

    /// Shows the window, or brings it to the front when it is open already.
    void present();

    /// The profile Enter would choose now: the selected row's, or the only row left's; empty
    /// when there is none.
    QString currentProfile() const;

Q_SIGNALS:
    void profileChosen(const QString &profile);
    void signInRequested(const QString &key);
    void refreshRequested();

protected:
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void choose(const QString &profile);
    void handleFilterChanged();
    void handleSelectionChanged();
    void restoreSelection();
    void rebuildSignIns();
    void updateTabOrder();
    void markActive();
    void updateState();

    QList<AccountPickerSignIn> m_signIns;
    QString m_activeProfile;
    /// The profile of the row the user selected. Qt selects a neighbour by itself when the
    /// selected row goes (filtered out, or gone from a new list); that never counts.
    QString m_selected;
    bool m_restoring = false;
    bool m_busy = false;
    QIcon m_activeIcon;
    QStandardItemModel *m_model = nullptr;
    AccountFilterModel *m_filter = nullptr;
    QLineEdit *m_search = nullptr;
    QStackedWidget *m_pages = nullptr;
    QTreeView *m_view = nullptr;
    QLabel *m_placeholder = nullptr;
    QLabel *m_count = nullptr;
    QLabel *m_busyLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QVBoxLayout *m_signInRows = nullptr;
    QList<QWidget *> m_signInRowWidgets;
    QList<QPushButton *> m_signInButtons;
    QPushButton *m_refresh = nullptr;
    QPushButton *m_use = nullptr;
    QPushButton *m_close = nullptr;
};

} // namespace imsa::tray
