#include "statustext.h"

#include <QDir>

namespace imsa::tray {

QString StatusText::path(const QString &file)
{
    const QString home = QDir::homePath();
    if (file.startsWith(home + QLatin1Char('/')))
        return QStringLiteral("~") + file.mid(home.size());
    return file;
}

QString StatusText::profileLabel(const Profile &profile)
{
    if (!profile.hasRole())
        return profile.name;
    return tr("%1 (role %2)").arg(profile.name, profile.roleName());
}

} // namespace imsa::tray
