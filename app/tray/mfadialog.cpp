#include "mfadialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpressionValidator>
#include <QVBoxLayout>

#include "traycontroller.h"

namespace imsa::tray {

MfaDialog::MfaDialog(TrayController &controller, const QString &profile, const QString &mfaSerial,
                     QWidget *parent)
    : QDialog(parent)
    , m_controller(controller)
    , m_profile(profile)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("imsa: MFA code for %1").arg(profile));
    setWindowIcon(QIcon(QStringLiteral(":/icons/needs-mfa.svg")));

    auto *intro = new QLabel(tr("Enter the code your MFA device shows to use profile <b>%1</b>.")
                                     .arg(profile.toHtmlEscaped()),
                             this);
    intro->setWordWrap(true);
    auto *device = new QLabel(tr("Device: %1").arg(mfaSerial), this);
    device->setObjectName(QStringLiteral("device"));
    device->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_code = new QLineEdit(this);
    m_code->setObjectName(QStringLiteral("code"));
    m_code->setMaxLength(codeLength);
    m_code->setValidator(new QRegularExpressionValidator(
            QRegularExpression(QStringLiteral("[0-9]{0,%1}").arg(codeLength)), m_code));
    m_code->setInputMethodHints(Qt::ImhDigitsOnly);
    m_code->setPlaceholderText(tr("6 digits"));
    m_code->setAccessibleName(tr("MFA code"));
    QFont digits = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    digits.setPointSizeF(digits.pointSizeF() * 1.6);
    m_code->setFont(digits);
    m_code->setAlignment(Qt::AlignCenter);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton *ok = m_buttons->button(QDialogButtonBox::Ok);
    ok->setText(tr("Submit"));
    ok->setDefault(true);
    m_buttons->button(QDialogButtonBox::Cancel)->setText(tr("Cancel"));

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(device);
    layout->addWidget(m_code);
    layout->addWidget(m_message);
    layout->addWidget(m_buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 48);

    connect(m_code, &QLineEdit::textChanged, this, &MfaDialog::updateButtons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &MfaDialog::submit);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &MfaDialog::reject);
    connect(&m_controller, &TrayController::mfaCodeRejected, this, &MfaDialog::handleRejected);
    connect(&m_controller, &TrayController::mfaSatisfied, this, &MfaDialog::handleSatisfied);
    updateButtons();
    m_code->setFocus();
}

void MfaDialog::reject()
{
    m_controller.cancelMfa(m_profile);
    QDialog::reject();
}

void MfaDialog::submit()
{
    if (m_checking || m_code->text().size() != codeLength)
        return;
    m_checking = true;
    m_message->setStyleSheet(QString());
    m_message->setText(tr("Checking the code with AWS…"));
    m_message->show();
    adjustSize();
    updateButtons();
    m_controller.submitMfaCode(m_profile, m_code->text());
}

void MfaDialog::updateButtons()
{
    m_code->setReadOnly(m_checking);
    m_buttons->button(QDialogButtonBox::Ok)
            ->setEnabled(!m_checking && m_code->text().size() == codeLength);
}

void MfaDialog::handleRejected(const QString &profile, const QString &message)
{
    if (profile != m_profile)
        return;
    m_checking = false;
    m_message->setText(message);
    m_message->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_message->show();
    adjustSize();
    m_code->clear();
    updateButtons();
    m_code->setFocus();
}

void MfaDialog::handleSatisfied(const QString &profile)
{
    if (profile == m_profile)
        accept();
}

} // namespace imsa::tray
