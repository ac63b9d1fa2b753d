#pragma once

#include <QGroupBox>

#include "imsa/profile.h"

class QLabel;
class QListWidget;
class QPushButton;

namespace imsa::app {
class ApprovalStore;
} // namespace imsa::app

namespace imsa::tray {

/// The `access` setting of one profile and the programs approved for it (`imsa allow`, or
/// "Always" in the tray's question), each revocable. Follows approvals changed elsewhere (the
/// CLI) through the store's signal.
class ApprovalList final : public QGroupBox
{
    Q_OBJECT

public:
    explicit ApprovalList(app::ApprovalStore *approvals, QWidget *parent = nullptr);

    void setProfile(const Profile &profile);

private:
    void reload();
    void revokeSelected();
    static QString policyText(AccessPolicy policy);

    app::ApprovalStore *m_approvals; ///< null while the app has no access guard
    QString m_profile;
    QString m_policyText;
    QLabel *m_policy = nullptr;
    QListWidget *m_programs = nullptr;
    QPushButton *m_revoke = nullptr;
    QLabel *m_result = nullptr;
};

} // namespace imsa::tray
