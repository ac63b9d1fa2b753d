#include "approvallist.h"

#include <algorithm>

#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

#include "service/approvalstore.h"

namespace imsa::tray {

ApprovalList::ApprovalList(app::ApprovalStore *approvals, QWidget *parent)
    : QGroupBox(tr("Access"), parent)
    , m_approvals(approvals)
{
    m_policy = new QLabel(this);
    m_policy->setObjectName(QStringLiteral("accessPolicy"));
    m_policy->setWordWrap(true);
    m_programs = new QListWidget(this);
    m_programs->setObjectName(QStringLiteral("approvedPrograms"));
    m_programs->setAccessibleName(tr("Approved programs"));
    m_revoke = new QPushButton(tr("Revoke"), this);
    m_revoke->setObjectName(QStringLiteral("revoke"));
    m_revoke->setAccessibleName(tr("Revoke the selected approval"));
    m_result = new QLabel(this);
    m_result->setObjectName(QStringLiteral("approvalResult"));
    m_result->setWordWrap(true);
    m_result->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_result->hide();

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_revoke);
    buttons->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_policy);
    layout->addWidget(m_programs);
    layout->addLayout(buttons);
    layout->addWidget(m_result);

    connect(m_programs, &QListWidget::currentRowChanged, this, [this](int row) {
        m_revoke->setEnabled(row >= 0);
    });
    connect(m_revoke, &QPushButton::clicked, this, &ApprovalList::revokeSelected);
    if (m_approvals) {
        connect(m_approvals, &app::ApprovalStore::changed, this, [this](const QString &profile) {
            if (profile == m_profile)
                reload();
        });
    }
}

QString ApprovalList::policyText(AccessPolicy policy)
{
    switch (policy) {
    case AccessPolicy::Allow:
        return tr("access: allow — every program of yours gets the credentials; each use is "
                  "logged (Recent use…).");
    case AccessPolicy::Notify:
        return tr("access: notify — every program gets the credentials; a notification tells "
                  "when a program takes them for the first time.");
    case AccessPolicy::Ask:
        return tr("access: ask — only the programs approved below get the credentials; imsa "
                  "asks about any other.");
    }
    return {};
}

void ApprovalList::setProfile(const Profile &profile)
{
    m_profile = profile.name;
    m_policyText = policyText(profile.access);
    m_result->hide();
    reload();
    show();
}

void ApprovalList::reload()
{
    const QString selected =
            m_programs->currentItem() ? m_programs->currentItem()->text() : QString();
    m_programs->clear();
    const QStringList programs = m_approvals ? m_approvals->approved(m_profile) : QStringList();
    m_programs->addItems(programs);
    // As tall as its lines, up to seven, so that Revoke stays close below them.
    const int shownRows = std::clamp(int(programs.size()), 1, 7);
    m_programs->setFixedHeight(m_programs->sizeHintForRow(0) * shownRows
                               + 2 * m_programs->frameWidth());
    // Approvals count only under `access: ask`, but kept ones are listed whatever the policy,
    // so that a profile switched back to ask holds no surprise.
    m_programs->setVisible(!programs.isEmpty());
    m_revoke->setVisible(!programs.isEmpty());
    const QList<QListWidgetItem *> again = m_programs->findItems(selected, Qt::MatchExactly);
    m_programs->setCurrentRow(again.isEmpty() ? -1 : m_programs->row(again.first()));
    m_revoke->setEnabled(m_programs->currentRow() >= 0);
    if (programs.isEmpty())
        m_policy->setText(m_policyText + u'\n' + tr("No program is approved for this profile."));
    else
        m_policy->setText(m_policyText);
}

void ApprovalList::revokeSelected()
{
    const QListWidgetItem *item = m_programs->currentItem();
    if (!item || !m_approvals)
        return;
    const auto revoked = m_approvals->revoke(m_profile, item->text());
    m_result->setVisible(!revoked);
    if (!revoked)
        m_result->setText(revoked.error().message);
    // On success the store's changed() has reloaded the list.
}

} // namespace imsa::tray
