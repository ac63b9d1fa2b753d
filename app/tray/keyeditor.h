#pragma once

#include <QGroupBox>

#include "imsa/profile.h"

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;

namespace imsa::app {
class KeyManager;
struct KeyResult;
} // namespace imsa::app

namespace imsa::tray {

/// The keys of one base profile: enter or replace them in the key store (account = profile
/// name, the JSON the broker reads), or move a secret out of ~/.imsa into it. Secrets are
/// typed into a password field and never shown again once saved. The KeyManager does the work;
/// this shows it and passes on what the user asks.
class KeyEditor final : public QGroupBox
{
    Q_OBJECT

public:
    explicit KeyEditor(app::KeyManager &keys, QWidget *parent = nullptr);

    /// Shows the editor for a base profile; hides it for any other.
    void setProfile(const Profile &profile);

private:
    void saveKeys();
    void moveSecret();
    void showFinished(const app::KeyResult &result);
    QString describe(const app::KeyResult &result) const;
    void showResult(const QString &message, bool failed);
    void showBusy(bool busy);

    app::KeyManager &m_keys;
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
