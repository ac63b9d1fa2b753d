#include "installpaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>

namespace imsa::app {

QString internalProgramPath(const QString &applicationDir, const QString &name)
{
    const QDir dir(applicationDir);
    for (const QString &candidate :
         {dir.filePath(QStringLiteral("../libexec/imsa/") + name), dir.filePath(name)}) {
        if (QFileInfo::exists(candidate))
            return QDir::cleanPath(candidate);
    }
    return QStringLiteral("/usr/libexec/imsa/") + name;
}

QString internalProgramPath(const QString &name)
{
    return internalProgramPath(QCoreApplication::applicationDirPath(), name);
}

} // namespace imsa::app
