#pragma once

#include <QObject>

#include "imsa/profile.h"

namespace imsa::app {
class Service;
} // namespace imsa::app

namespace imsa::tray {

class AccountPicker;
class TrayController;

/// Keeps the account picker filled from the service (the accounts and roles the IAM Identity
/// Center sessions listed, the sign-ins, the active profile, whether a listing runs or failed)
/// and carries out what the user picks in it.
class AccountPickerFeed final : public QObject
{
    Q_OBJECT

public:
    AccountPickerFeed(app::Service &service, TrayController &controller, AccountPicker &picker);

Q_SIGNALS:
    /// The user asked to sign in to this session from the picker.
    void signInRequested(const imsa::SsoSettings &signIn);

private:
    void update();
    void requestSignIn(const QString &tokenCacheKey);

    app::Service &m_service;
    AccountPicker &m_picker;
};

} // namespace imsa::tray
