#pragma once

#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/configerror.h"
#include "imsa/profile.h"

// Text forms of loaded profiles and errors for tst_ssoprofiles and tst_imsassoprofiles, so a
// failed comparison shows the field that differs.
namespace ssoprofiletext {

using namespace Qt::StringLiterals;

inline QStringList strings(const QList<imsa::ConfigError> &errors)
{
    QStringList result;
    for (const imsa::ConfigError &error : errors)
        result.append(error.toString());
    return result;
}

inline QStringList names(const QList<imsa::Profile> &profiles)
{
    QStringList result;
    for (const imsa::Profile &profile : profiles)
        result.append(profile.name);
    return result;
}

/// What an SSO profile is, one field after the other: "name line key-profile role |
/// session url region scopes account role".
inline QString describe(const imsa::Profile &p)
{
    return QStringList{p.name,
                       QString::number(p.sourceLine),
                       p.keyProfile,
                       p.roleArn.isEmpty() ? u"-"_s : p.roleArn,
                       u"|"_s,
                       p.sso.sessionName.isEmpty() ? u"-"_s : p.sso.sessionName,
                       p.sso.startUrl,
                       p.sso.region,
                       p.sso.registrationScopes.isEmpty() ? u"-"_s
                                                          : p.sso.registrationScopes.join(u','),
                       p.sso.accountId,
                       p.sso.roleName}
            .join(u' ');
}

inline QStringList describeAll(const QList<imsa::Profile> &profiles)
{
    QStringList result;
    for (const imsa::Profile &profile : profiles)
        result.append(describe(profile));
    return result;
}

} // namespace ssoprofiletext
