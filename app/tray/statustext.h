#pragma once

#include <QCoreApplication>
#include <QDateTime>
#include <QString>

#include "imsa/profile.h"
#include "imsa/stserror.h"

namespace imsa::tray {

/// The words the tray uses for times, profiles and STS errors, translated.
class StatusText
{
    Q_DECLARE_TR_FUNCTIONS(StatusText)

public:
    /// "3 h 12 min", "42 min": minutes rounded up, so "1 min" is the last thing shown.
    static QString duration(const QDateTime &now, const QDateTime &until);
    /// A configured duration: "12 h", "90 min", "3601 s".
    static QString seconds(int value);
    /// "~/.imsa" rather than "/home/alice/.imsa": shorter, and what people type.
    static QString path(const QString &file);
    /// "prod (role Admin)", or just the name for a profile without a role.
    static QString profileLabel(const Profile &profile);
    /// One sentence a user can act on.
    static QString error(const StsError &error, const Profile &profile);
};

} // namespace imsa::tray
