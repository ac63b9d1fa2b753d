#include "ssosignindialog.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QLabel>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QVBoxLayout>

#include "imsa/clock.h"
#include "imsa/logging.h"
#include "imsa/ssosignin.h"
#include "imsa/usertext.h"
#include "platform/browser.h"

namespace imsa::tray {

namespace {

constexpr int tickMsecs = 1000;

} // namespace

SsoSignInDialog::SsoSignInDialog(SsoSignIn &signIn, Clock &clock, const QString &profile,
                                 const QString &browserDirectory, QWidget *parent)
    : QDialog(parent)
    , m_signIn(&signIn)
    , m_clock(clock)
    , m_profile(profile)
    , m_tokenCacheKey(signIn.settings().tokenCacheKey())
    , m_browserDirectory(browserDirectory)
{
    setAttribute(Qt::WA_DeleteOnClose);
    setWindowTitle(tr("Sign in to IAM Identity Center"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/needs-mfa.svg")));

    const SsoSettings &settings = signIn.settings();
    const QString session =
            settings.sessionName.isEmpty() ? settings.startUrl : settings.sessionName;
    auto *intro = new QLabel(tr("Approve this code in your browser to sign in profile <b>%1</b> "
                                "(session %2).")
                                     .arg(profile.toHtmlEscaped(), session.toHtmlEscaped()),
                             this);
    intro->setObjectName(QStringLiteral("intro"));
    intro->setWordWrap(true);

    m_code = new QLabel(QStringLiteral("…"), this);
    m_code->setObjectName(QStringLiteral("code"));
    m_code->setAccessibleName(tr("Sign-in code"));
    m_code->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_code->setAlignment(Qt::AlignCenter);
    QFont large = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    large.setPointSizeF(large.pointSizeF() * 2.2);
    large.setBold(true);
    m_code->setFont(large);

    m_url = new QLabel(this);
    m_url->setObjectName(QStringLiteral("url"));
    m_url->setAccessibleName(tr("Sign-in page"));
    m_url->setWordWrap(true);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_timeLeft = new QLabel(this);
    m_timeLeft->setObjectName(QStringLiteral("timeLeft"));
    m_timeLeft->setAccessibleName(tr("Time left"));
    m_message = new QLabel(tr("Asking IAM Identity Center for a code…"), this);
    m_message->setObjectName(QStringLiteral("message"));
    m_message->setAccessibleName(tr("Message"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto *buttons = new QDialogButtonBox(this);
    m_open = buttons->addButton(tr("Open browser"), QDialogButtonBox::AcceptRole);
    m_open->setObjectName(QStringLiteral("openBrowser"));
    m_open->setAccessibleName(tr("Open browser"));
    m_open->setDefault(true);
    m_copy = buttons->addButton(tr("Copy code"), QDialogButtonBox::ActionRole);
    m_copy->setObjectName(QStringLiteral("copyCode"));
    m_copy->setAccessibleName(tr("Copy code"));
    m_copy->setAutoDefault(false);
    m_cancel = buttons->addButton(tr("Cancel"), QDialogButtonBox::RejectRole);
    m_cancel->setObjectName(QStringLiteral("cancel"));
    m_cancel->setAccessibleName(tr("Cancel"));
    m_cancel->setAutoDefault(false);
    m_open->setEnabled(false);
    m_copy->setEnabled(false);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(m_code);
    layout->addWidget(m_url);
    layout->addWidget(m_timeLeft);
    layout->addWidget(m_message);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 56);

    // Open browser is the accepting button only for Enter: it keeps the dialog open.
    connect(m_open, &QPushButton::clicked, this, &SsoSignInDialog::openBrowser);
    connect(m_copy, &QPushButton::clicked, this, &SsoSignInDialog::copyCode);
    connect(buttons, &QDialogButtonBox::rejected, this, &SsoSignInDialog::reject);
    connect(&signIn, &SsoSignIn::codeReady, this, &SsoSignInDialog::showCode);
    connect(&signIn, &SsoSignIn::succeeded, this, [this] {
        m_ended = true;
        accept();
    });
    connect(&signIn, &SsoSignIn::failed, this, &SsoSignInDialog::showFailure);
    m_tick.setInterval(tickMsecs);
    connect(&m_tick, &QTimer::timeout, this, &SsoSignInDialog::updateTimeLeft);
    connect(&m_clock, &Clock::jumped, this, &SsoSignInDialog::updateTimeLeft);
    // Joining a sign-in that `imsa login` or an earlier window started: its code is out already.
    if (const auto authorization = signIn.authorization())
        showCode(*authorization);
}

void SsoSignInDialog::reject()
{
    // Our own cancel ends in failed(); the window is gone by the time anyone would read it.
    m_ended = true;
    if (m_signIn)
        m_signIn->cancel();
    QDialog::reject();
}

void SsoSignInDialog::showCode(const DeviceAuthorization &authorization)
{
    m_authorization = authorization;
    m_expiresAt = m_signIn ? m_signIn->codeExpiresAt() : QDateTime();
    if (!m_expiresAt.isValid())
        m_expiresAt = m_clock.now().addSecs(authorization.expiresInSeconds);
    m_code->setText(authorization.userCode);
    m_url->setText(tr("Or open %1 and enter the code there.").arg(authorization.verificationUri));
    m_message->clear();
    m_message->hide();
    m_open->setEnabled(true);
    m_copy->setEnabled(true);
    m_open->setFocus();
    updateTimeLeft();
    m_tick.start();
    adjustSize();
}

void SsoSignInDialog::showFailure(const SsoError &error)
{
    if (m_ended)
        return;
    m_ended = true;
    m_tick.stop();
    m_timeLeft->clear();
    m_code->setEnabled(false);
    m_open->setEnabled(false);
    m_copy->setEnabled(false);
    m_cancel->setText(tr("Close"));
    m_cancel->setAccessibleName(tr("Close"));
    m_cancel->setFocus();
    showMessage(ssoSignInErrorText(error, m_profile, TextLanguage::User), true);
}

void SsoSignInDialog::showMessage(const QString &text, bool problem)
{
    m_message->setText(text);
    m_message->setStyleSheet(problem ? QStringLiteral("color: #c62828;") : QString());
    m_message->show();
    adjustSize();
}

void SsoSignInDialog::updateTimeLeft()
{
    if (m_ended || !m_expiresAt.isValid())
        return;
    const QDateTime now = m_clock.now();
    m_timeLeft->setText(
            now.secsTo(m_expiresAt) > 0
                    ? tr("Time left: %1").arg(countdownText(now, m_expiresAt, TextLanguage::User))
                    : tr("The code has expired."));
}

void SsoSignInDialog::openBrowser()
{
    if (m_authorization.verificationUriComplete.isEmpty())
        return;
    const auto opened =
            app::openInBrowser(QUrl(m_authorization.verificationUriComplete), m_browserDirectory,
                               QProcessEnvironment::systemEnvironment(), this);
    if (!opened) {
        qCWarning(lcTray).noquote() << opened.error().message;
        showMessage(opened.error().message, true);
    }
}

void SsoSignInDialog::copyCode()
{
    QGuiApplication::clipboard()->setText(m_authorization.userCode);
    showMessage(tr("The code is on the clipboard."), false);
}

} // namespace imsa::tray
