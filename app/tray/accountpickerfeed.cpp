#include "accountpickerfeed.h"

#include "accountpicker.h"
#include "imsa/credentialbroker.h"
#include "imsa/ssorolecredentials.h"
#include "service/profilestore.h"
#include "service/service.h"
#include "service/ssoaccountprofiles.h"
#include "traycontroller.h"

namespace imsa::tray {

AccountPickerFeed::AccountPickerFeed(app::Service &service, TrayController &controller,
                                     AccountPicker &picker)
    : QObject(&picker)
    , m_service(service)
    , m_picker(picker)
{
    app::SsoAccountProfiles &accounts = service.ssoAccountProfiles();
    connect(&picker, &AccountPicker::profileChosen, &controller, &TrayController::activateProfile);
    connect(&picker, &AccountPicker::signInRequested, this, &AccountPickerFeed::requestSignIn);
    // Each show: the list as it is, then a new listing.
    connect(&picker, &AccountPicker::refreshRequested, this, [this, &accounts] {
        update();
        accounts.refresh();
    });
    connect(&service.profileStore(), &app::ProfileStore::changed, this, &AccountPickerFeed::update);
    connect(&accounts, &app::SsoAccountProfiles::refreshingChanged, this,
            &AccountPickerFeed::update);
    connect(&service.broker(), &CredentialBroker::activeProfileChanged, &picker,
            &AccountPicker::setActiveProfile);
}

void AccountPickerFeed::update()
{
    // A hidden picker is filled when it shows: no token-cache reads for a window nobody sees.
    if (!m_picker.isVisible())
        return;
    const app::SsoAccountProfiles &accounts = m_service.ssoAccountProfiles();
    const ProfileSet &set = m_service.profileStore().profiles();
    QList<AccountPickerEntry> entries;
    for (const Profile &profile : set.profiles) {
        if (profile.source != ProfileSource::IdentityCenter)
            continue;
        const SsoAccount account = accounts.accountOf(profile.name);
        entries.append({profile.name,
                        account.accountName.isEmpty() ? profile.sso.accountId : account.accountName,
                        profile.sso.accountId, profile.sso.roleName, profile.sso.tokenCacheKey()});
    }
    QList<AccountPickerSignIn> signIns;
    for (const SsoSettings &signIn : set.ssoSignIns())
        signIns.append({signIn.tokenCacheKey(),
                        signIn.sessionName.isEmpty() ? signIn.startUrl : signIn.sessionName,
                        m_service.ssoCredentials().isSignedIn(signIn)});
    m_picker.setEntries(entries);
    m_picker.setSignIns(signIns);
    m_picker.setActiveProfile(m_service.broker().activeProfile());
    m_picker.setBusy(accounts.isRefreshing());
    m_picker.setError(accounts.errors().join(QLatin1Char('\n')));
}

void AccountPickerFeed::requestSignIn(const QString &tokenCacheKey)
{
    for (const SsoSettings &signIn : m_service.profileStore().profiles().ssoSignIns()) {
        if (signIn.tokenCacheKey() == tokenCacheKey)
            Q_EMIT signInRequested(signIn);
    }
}

} // namespace imsa::tray
