#pragma once

#include <QObject>
#include <QPointer>

#include "imsa/credentials.h"
#include "imsa/profile.h"

namespace imsa {
class CredentialBroker;
struct StsError;
} // namespace imsa

namespace imsa::app {

class ControlConnection;

/// One control request waiting for a profile's credentials. Relays the broker's MFA prompts to
/// the client as events (so the terminal can ask for the code) and sends the single final
/// reply: the credentials, or the error that ended the wait. Deletes itself when done or when
/// the client goes away.
class CredentialWait final : public QObject
{
    Q_OBJECT

public:
    using Finish =
            std::function<void(ControlConnection &, const QString &id, const AwsCredentials &)>;

    CredentialWait(CredentialBroker &broker, ControlConnection &connection, QString requestId,
                   Profile profile, bool hasMfaDialog, Finish finish);

    /// Starts waiting; may finish at once when credentials are already there.
    void start();

private:
    bool concernsMe(const QString &otherProfile) const;
    void checkCredentials();
    void handleStatusChanged(const QString &profile);
    void fail(const QString &code, const QString &message);
    void sendMfaRequired();

    CredentialBroker &m_broker;
    QPointer<ControlConnection> m_connection;
    QString m_requestId;
    Profile m_profile;
    Finish m_finish;
    bool m_hasMfaDialog;
    bool m_done = false;
};

} // namespace imsa::app
