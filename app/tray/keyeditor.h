#pragma once

#include <QGroupBox>

#include "imsa/profile.h"

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace imsa {
class CredentialBroker;
class KeyStore;
} // namespace imsa

namespace imsa::tray {

/// The keys of one base profile: enter or replace them in the key store (account = profile
/// name, the JSON the broker reads), or move a secret out of ~/.imsa into it. Secrets are
/// typed into a password field and never shown again once saved.
class KeyEditor final : public QGroupBox
{
    Q_OBJECT

public:
    KeyEditor(KeyStore &keyStore, CredentialBroker &broker, QWidget *parent = nullptr);

    /// Shows the editor for a base profile; hides it for any other.
    void setProfile(const Profile &profile);

private:
    void saveKeys();
    void moveSecret();
    void finishMove(const QString &storeError);
    void showResult(const QString &message, bool failed);
    void setBusy(bool busy);
    void retryProfiles();

    KeyStore &m_keyStore;
    CredentialBroker &m_broker;
    Profile m_profile;
    QFormLayout *m_form = nullptr;
    QLabel *m_where = nullptr;
    QLineEdit *m_keyId = nullptr;
    QLineEdit *m_secret = nullptr;
    QPushButton *m_save = nullptr;
    QPushButton *m_move = nullptr;
    QLabel *m_result = nullptr;
};

} // namespace imsa::tray
