#pragma once

#include <QObject>
#include <QSet>

namespace imsa {
class CredentialBroker;
} // namespace imsa

namespace imsa::app {

/// Answers the broker's MFA requests for profiles that name an `mfa_process` (a command that
/// prints the current code, e.g. `ykman oath accounts code -s aws`). Runs it asynchronously
/// through MfaCommand (bounded output, a timeout, killed with the app); whatever answers first
/// (this, the terminal, the tray dialog) wins.
class MfaProcessRunner final : public QObject
{
    Q_OBJECT

public:
    explicit MfaProcessRunner(CredentialBroker &broker, QObject *parent = nullptr);

private:
    void handleMfaRequired(const QString &profile);

    CredentialBroker &m_broker;
    QSet<QString> m_running;
};

} // namespace imsa::app
