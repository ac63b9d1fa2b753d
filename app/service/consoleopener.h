#pragma once

#include <QObject>
#include <QProcessEnvironment>
#include <QString>

class QNetworkAccessManager;

namespace imsa {
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

/// Opens the AWS console in the browser as a profile, for the tray: the same sign-in as the
/// control command `console` (core/consolesignin.h, requestConsoleUrl, openInBrowser), waiting
/// for the profile's credentials while the tray's MFA dialog asks for a code. The browser pages
/// it writes to `runtimeDir` go with it at the latest.
class ConsoleOpener final : public QObject
{
    Q_OBJECT

public:
    ConsoleOpener(CredentialBroker &broker, QNetworkAccessManager &network, QString runtimeDir,
                  QObject *parent = nullptr);

    /// IMSA_SIGNIN_URL and BROWSER come from here; the process's by default.
    void setEnvironment(const QProcessEnvironment &environment) { m_environment = environment; }

    /// Starts; ends in opened() or failed(), never before this returns.
    void open(const QString &profile);

Q_SIGNALS:
    void opened(const QString &profile);
    /// `message` says what went wrong and what to do; it never holds the sign-in URL.
    void failed(const QString &profile, const QString &message);

private:
    friend class SigninWait;

    CredentialBroker &m_broker;
    QNetworkAccessManager &m_network;
    QString m_runtimeDir;
    QProcessEnvironment m_environment = QProcessEnvironment::systemEnvironment();
};

} // namespace imsa::app
