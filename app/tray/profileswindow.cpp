#include "profileswindow.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

#include "approvallist.h"
#include "imsa/redact.h"
#include "imsa/usertext.h"
#include "keyeditor.h"
#include "service/keymanager.h"
#include "service/profilestore.h"
#include "statustext.h"

namespace imsa::tray {

namespace {

constexpr int invalidRole = Qt::UserRole + 1;

QString describe(ConfigError error)
{
    error.file = StatusText::path(error.file);
    return error.toString();
}

} // namespace

ProfilesWindow::ProfilesWindow(app::ProfileStore &profiles, app::KeyManager &keys,
                               app::ApprovalStore *approvals, QWidget *parent)
    : QWidget(parent)
    , m_store(profiles)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("imsa: Profiles and keys"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/imsa.svg")));

    m_list = new QListWidget(this);
    m_list->setObjectName(QStringLiteral("profiles"));
    m_list->setAccessibleName(tr("Profiles"));
    m_list->setMaximumWidth(fontMetrics().averageCharWidth() * 28);
    m_title = new QLabel(this);
    QFont bold = m_title->font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    m_title->setFont(bold);
    m_details = new QFormLayout;
    m_details->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_keys = new KeyEditor(keys, this);
    m_approvals = new ApprovalList(approvals, this);
    m_hasApprovals = approvals != nullptr;
    m_approvals->setVisible(m_hasApprovals);
    m_problems = new QLabel(this);
    m_problems->setObjectName(QStringLiteral("problems"));
    m_problems->setWordWrap(true);
    m_problems->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_problems->setStyleSheet(QStringLiteral("color: #c62828;"));

    auto *pane = new QWidget;
    auto *paneLayout = new QVBoxLayout(pane);
    paneLayout->addWidget(m_title);
    paneLayout->addLayout(m_details);
    m_console = new QPushButton(tr("Open AWS console"), this);
    m_console->setObjectName(QStringLiteral("console"));
    connect(m_console, &QPushButton::clicked, this, [this] {
        if (const QListWidgetItem *item = m_list->currentItem())
            Q_EMIT consoleRequested(item->text());
    });
    paneLayout->addWidget(m_console, 0, Qt::AlignLeft);
    paneLayout->addWidget(m_keys);
    paneLayout->addWidget(m_approvals);
    paneLayout->addStretch();
    auto *scroll = new QScrollArea(this);
    scroll->setWidget(pane);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setAccessibleName(tr("Profile details"));
    // No Tab stop of its own (over AT-SPI Qt 6.4 calls it a "filler", which tells a screen
    // reader nothing): Tab goes straight to the widgets inside it.
    scroll->setFocusPolicy(Qt::NoFocus);

    auto *columns = new QHBoxLayout;
    columns->addWidget(m_list);
    columns->addWidget(scroll, 1);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(columns, 1);
    layout->addWidget(m_problems);
    resize(fontMetrics().averageCharWidth() * 110, fontMetrics().height() * 30);

    connect(m_list, &QListWidget::currentRowChanged, this, &ProfilesWindow::showSelected);
    connect(&m_store, &app::ProfileStore::changed, this, &ProfilesWindow::reload);
    connect(&keys, &app::KeyManager::busyChanged, m_list, [this](bool busy) {
        m_list->setEnabled(!busy);
    });
    m_list->setEnabled(!keys.isBusy());
    reload();
}

void ProfilesWindow::reload()
{
    const QString selected = m_list->currentItem() ? m_list->currentItem()->text() : QString();
    const ProfileSet &set = m_store.profiles();
    m_list->clear();
    for (const Profile &profile : set.profiles)
        m_list->addItem(profile.name);
    QStringList problems;
    for (const ConfigError &error : set.errors) {
        problems << describe(error);
        if (error.profile.isEmpty()
            || !m_list->findItems(error.profile, Qt::MatchExactly).isEmpty())
            continue;
        auto *item = new QListWidgetItem(error.profile, m_list);
        item->setData(invalidRole, true);
        item->setForeground(QColor(0xc6, 0x28, 0x28));
        item->setToolTip(tr("This profile has errors and cannot be used."));
    }
    for (const ConfigError &error : m_store.rejectedReloadErrors())
        problems << tr("Last change not applied: %1").arg(describe(error));
    m_problems->setText(problems.join(QLatin1Char('\n')));
    m_problems->setVisible(!problems.isEmpty());

    const QList<QListWidgetItem *> again = m_list->findItems(selected, Qt::MatchExactly);
    m_list->setCurrentRow(again.isEmpty() ? 0 : m_list->row(again.first()));
    showSelected();
}

void ProfilesWindow::showSelected()
{
    while (m_details->rowCount() > 0)
        m_details->removeRow(0);
    const QListWidgetItem *item = m_list->currentItem();
    const Profile *selected = item ? m_store.profiles().find(item->text()) : nullptr;
    // AWS signs in only role credentials.
    m_console->setEnabled(selected && !item->data(invalidRole).toBool() && selected->hasRole());
    if (!item) {
        m_title->setText(tr("No profiles yet: add them to ~/.imsa or ~/.aws/config."));
        m_keys->hide();
        m_approvals->hide();
        return;
    }
    if (item->data(invalidRole).toBool()) {
        showInvalid(item->text());
        m_approvals->hide();
        return;
    }
    if (const Profile *profile = m_store.profiles().find(item->text()))
        showProfile(*profile);
}

void ProfilesWindow::showProfile(const Profile &profile)
{
    m_title->setText(profile.name);
    const QString file = StatusText::path(profile.sourceFile);
    addRow(tr("Defined in"),
           profile.sourceLine > 0 ? tr("%1, line %2").arg(file).arg(profile.sourceLine) : file);
    if (profile.keyProfile != profile.name)
        addRow(tr("Keys of"), profile.keyProfile);
    addRow(tr("Access key ID"), redactKeyId(profile.accessKeyId));
    addRow(tr("Secret access key"),
           profile.secretLocation == SecretLocation::KeyStore ? tr("in the key store")
                                                              : tr("in %1").arg(file));
    addRow(tr("MFA device"), profile.mfaSerial);
    addRow(tr("MFA session"),
           profile.needsMfa()
                   ? configuredDurationText(profile.mfaSessionDurationSeconds, TextLanguage::User)
                   : QString());
    addRow(tr("Role"), profile.roleArn);
    if (profile.hasRole()) {
        addRow(tr("Role session name"), profile.roleSessionName);
        addRow(tr("Role credentials"),
               configuredDurationText(profile.roleDurationSeconds, TextLanguage::User));
    }
    addRow(tr("External ID"), profile.externalId);
    addRow(tr("Region"), profile.region);
    addRow(tr("STS endpoint"), profile.stsEndpoint);
    addRow(tr("STS region"), profile.stsRegion);
    addRow(tr("MFA code command"), profile.mfaProcess);
    m_keys->setProfile(profile);
    if (m_hasApprovals)
        m_approvals->setProfile(profile);
}

void ProfilesWindow::showInvalid(const QString &name)
{
    m_title->setText(tr("%1 (not usable)").arg(name));
    for (const ConfigError &error : m_store.profiles().errors) {
        if (error.profile == name)
            addRow(tr("Problem"), describe(error));
    }
    m_keys->hide();
}

void ProfilesWindow::addRow(const QString &label, const QString &value)
{
    if (value.isEmpty())
        return;
    auto *field = new QLabel(value);
    field->setWordWrap(true);
    field->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->addRow(label, field);
}

} // namespace imsa::tray
