#pragma once

#include <QString>

#include "imsa/profile.h"
#include "imsa/ssoapi.h"

namespace imsa {

/// A part of a profile name that the AWS CLI reads back unquoted (botocore splits section names
/// with shlex): anything but letters, digits and -_.@+=, becomes '-'.
inline QString ssoProfileNamePart(const QString &text)
{
    QString part = text;
    for (QChar &c : part) {
        if (!c.isLetterOrNumber() && !QStringLiteral("-_.@+=,").contains(c))
            c = QLatin1Char('-');
    }
    return part;
}

/// The name a role in an account listed by IAM Identity Center goes by without any config:
/// "ACCOUNT-NAME/ROLE", as the tray's picker, `imsa assume` and `imsa sso profiles` write it.
/// An account without a name goes by its id; one whose name another listed account shares
/// (`nameShared`) gets its id added.
inline QString ssoAccountProfileName(const SsoAccount &account, const QString &role,
                                     bool nameShared)
{
    QString prefix = ssoProfileNamePart(account.accountName.isEmpty() ? account.accountId
                                                                      : account.accountName);
    if (nameShared)
        prefix += QLatin1Char('-') + account.accountId;
    return prefix + QLatin1Char('/') + ssoProfileNamePart(role);
}

/// The profile `name` that serves `role` in `account` through the sign-in `signIn`, in `region`
/// (where its credentials are used; the sign-in's own region when empty).
inline Profile ssoAccountProfile(const QString &name, const SsoSettings &signIn,
                                 const SsoAccount &account, const QString &role,
                                 const QString &region)
{
    Profile profile;
    profile.name = name;
    profile.source = ProfileSource::IdentityCenter;
    profile.sourceFile = QStringLiteral("IAM Identity Center ") + signIn.tokenCacheKey();
    profile.keyProfile = profile.name;
    profile.region = region.isEmpty() ? signIn.region : region;
    profile.sso = signIn;
    profile.sso.accountId = account.accountId;
    profile.sso.roleName = role;
    return profile;
}

} // namespace imsa
