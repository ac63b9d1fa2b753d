#pragma once

#include <QCoreApplication>
#include <QString>

#include "imsa/profile.h"

namespace imsa::tray {

/// The words the tray uses for files and profiles, translated. Times and STS errors are
/// imsa/usertext.h's, shared with the CLI; both use the Linguist context "StatusText".
class StatusText
{
    Q_DECLARE_TR_FUNCTIONS(StatusText)

public:
    /// "~/.imsa" rather than "/home/alice/.imsa": shorter, and what people type.
    static QString path(const QString &file);
    /// "prod (role Admin)", or just the name for a profile without a role.
    static QString profileLabel(const Profile &profile);
};

} // namespace imsa::tray
