#include "accessrequestdialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace imsa::tray {

namespace {

QLabel *selectableLabel(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    label->setTextFormat(Qt::PlainText);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    label->setWordWrap(true);
    return label;
}

} // namespace

AccessRequestDialog::AccessRequestDialog(app::AccessGuard &guard, const QString &profile,
                                         const app::PeerProcess &peer, QWidget *parent)
    : QDialog(parent)
    , m_guard(guard)
    , m_profile(profile)
    , m_program(peer.program)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("imsa: allow access to %1?").arg(profile));
    setWindowIcon(QIcon(QStringLiteral(":/icons/imsa.svg")));

    auto *question = new QLabel(tr("<b>%1</b> wants credentials for <b>%2</b>.")
                                        .arg(peer.program.toHtmlEscaped(), profile.toHtmlEscaped()),
                                this);
    question->setObjectName(QStringLiteral("question"));
    question->setWordWrap(true);
    auto *explanation = new QLabel(
            tr("The profile is set to ask first. The program got no credentials; if you allow "
               "it, run it again."),
            this);
    explanation->setWordWrap(true);

    auto *details = new QFormLayout;
    details->addRow(tr("Executable:"), selectableLabel(peer.executable, this));
    details->addRow(tr("Process:"), selectableLabel(QString::number(peer.pid), this));
    details->addRow(tr("Command line:"), selectableLabel(peer.commandLine, this));
    details->addRow(
            tr("Started by:"),
            selectableLabel(peer.parentExecutable.isEmpty() ? tr("unknown") : peer.parentExecutable,
                            this));

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setWordWrap(true);
    m_message->hide();

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *once = buttons->addButton(tr("Allow once"), QDialogButtonBox::AcceptRole);
    once->setObjectName(QStringLiteral("allowOnce"));
    once->setToolTip(tr("Serve this program for the next 10 minutes"));
    QPushButton *always = buttons->addButton(tr("Always allow"), QDialogButtonBox::AcceptRole);
    always->setObjectName(QStringLiteral("alwaysAllow"));
    always->setToolTip(tr("Same as: imsa allow %1 %2").arg(profile, peer.program));
    QPushButton *deny = buttons->addButton(tr("Deny"), QDialogButtonBox::RejectRole);
    deny->setObjectName(QStringLiteral("deny"));
    deny->setToolTip(tr("Keep refusing it without asking again until imsa restarts"));
    // Enter must not let a program in: the safe answer is the default.
    deny->setDefault(true);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(question);
    layout->addWidget(explanation);
    layout->addLayout(details);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);

    connect(once, &QPushButton::clicked, this, [this] {
        answer(app::AccessGuard::Answer::AllowOnce);
    });
    connect(always, &QPushButton::clicked, this, [this] {
        answer(app::AccessGuard::Answer::AlwaysAllow);
    });
    connect(deny, &QPushButton::clicked, this, &AccessRequestDialog::reject);
}

void AccessRequestDialog::reject()
{
    if (!m_answered) {
        m_answered = true;
        (void)m_guard.answer(m_profile, m_program, app::AccessGuard::Answer::Deny);
    }
    QDialog::reject();
}

void AccessRequestDialog::answer(app::AccessGuard::Answer answer)
{
    const Result<Done, Failure> answered = m_guard.answer(m_profile, m_program, answer);
    if (!answered) {
        m_message->setText(answered.error().message);
        m_message->show();
        return;
    }
    m_answered = true;
    accept();
}

} // namespace imsa::tray
