#pragma once

#include <QDateTime>
#include <QDialog>
#include <QPointer>
#include <QString>
#include <QTimer>

#include "imsa/ssoapi.h"

class QLabel;
class QPushButton;

namespace imsa {
class Clock;
class SsoSignIn;
} // namespace imsa

namespace imsa::tray {

/// Shows the code of an IAM Identity Center device sign-in (SsoSignIn) for the user to approve
/// in a browser: the code in large type, the page to enter it on, and the time left. Opens the
/// browser and copies the code on request; Cancel, Escape or closing the window cancel the
/// sign-in. Closes itself when the sign-in succeeds and shows why when it fails. Non-modal and
/// deletes itself when closed.
class SsoSignInDialog final : public QDialog
{
    Q_OBJECT

public:
    /// `browserDirectory` holds the page that passes the approval address to the browser
    /// (app::openInBrowser).
    SsoSignInDialog(SsoSignIn &signIn, Clock &clock, const QString &profile,
                    const QString &browserDirectory, QWidget *parent = nullptr);

    /// The session this dialog signs in to (SsoSettings::tokenCacheKey()).
    QString tokenCacheKey() const { return m_tokenCacheKey; }

    /// True until the sign-in has succeeded or failed.
    bool isWaiting() const { return !m_signIn.isNull() && !m_ended; }

    void reject() override;

private:
    void showCode(const DeviceAuthorization &authorization);
    void showFailure(const SsoError &error);
    void showMessage(const QString &text, bool problem);
    void updateTimeLeft();
    void openBrowser();
    void copyCode();

    QPointer<SsoSignIn> m_signIn;
    Clock &m_clock;
    QString m_profile;
    QString m_tokenCacheKey;
    QString m_browserDirectory;
    DeviceAuthorization m_authorization;
    QDateTime m_expiresAt;
    QLabel *m_code = nullptr;
    QLabel *m_url = nullptr;
    QLabel *m_timeLeft = nullptr;
    QLabel *m_message = nullptr;
    QPushButton *m_open = nullptr;
    QPushButton *m_copy = nullptr;
    QPushButton *m_cancel = nullptr;
    QTimer m_tick;
    bool m_ended = false;
};

} // namespace imsa::tray
