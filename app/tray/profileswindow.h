#pragma once

#include <QWidget>

#include "imsa/configerror.h"
#include "imsa/profile.h"

class QFormLayout;
class QLabel;
class QListWidget;
class QPushButton;

namespace imsa::app {
class ApprovalStore;
class KeyManager;
class ProfileStore;
} // namespace imsa::app

namespace imsa::tray {

class ApprovalList;
class KeyEditor;

/// "Profiles and keys…": every profile from ~/.imsa and ~/.aws/config with its settings (read
/// only: the files stay the place to edit them), what is wrong with the invalid ones, and the
/// key editor for base profiles. Follows the files as they change. The profile list is locked
/// while the key manager works, so the job on screen is the one running.
class ProfilesWindow final : public QWidget
{
    Q_OBJECT

public:
    /// `approvals`: the programs approved per profile, listed and revocable; null: not shown.
    ProfilesWindow(app::ProfileStore &profiles, app::KeyManager &keys,
                   app::ApprovalStore *approvals = nullptr, QWidget *parent = nullptr);

Q_SIGNALS:
    /// "Open AWS console" for the selected profile (enabled for role profiles only).
    void consoleRequested(const QString &profile);

private:
    void reload();
    void showSelected();
    void showProfile(const Profile &profile);
    void showInvalid(const QString &name);
    void addRow(const QString &label, const QString &value);

    app::ProfileStore &m_store;
    QListWidget *m_list = nullptr;
    QLabel *m_title = nullptr;
    QFormLayout *m_details = nullptr;
    KeyEditor *m_keys = nullptr;
    ApprovalList *m_approvals = nullptr;
    bool m_hasApprovals = false;
    QLabel *m_problems = nullptr;
    QPushButton *m_console = nullptr;
};

} // namespace imsa::tray
