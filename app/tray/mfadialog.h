#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace imsa::tray {

class TrayController;

/// Asks for the one-time code of a profile's MFA device. Non-modal, so the metadata server and
/// the rest of the app keep going while it is open; deletes itself when closed. Submits through
/// the controller, shows AWS's answer to a wrong code and lets the user try again, and closes
/// itself once the code arrived any other way (the terminal, an mfa_process).
class MfaDialog final : public QDialog
{
    Q_OBJECT

public:
    static constexpr int codeLength = 6;

    MfaDialog(TrayController &controller, const QString &profile, const QString &mfaSerial,
              QWidget *parent = nullptr);

    QString profile() const { return m_profile; }

    /// Cancel, Escape or closing the window: the profile stays inactive.
    void reject() override;

private:
    void submit();
    void updateButtons();
    void handleRejected(const QString &profile, const QString &message);
    void handleSatisfied(const QString &profile);

    TrayController &m_controller;
    QString m_profile;
    QLineEdit *m_code = nullptr;
    QLabel *m_message = nullptr;
    QDialogButtonBox *m_buttons = nullptr;
    bool m_checking = false;
};

} // namespace imsa::tray
