#include "installpaths.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>

#include "runtime/runtimepaths.h"

namespace imsa::app {

QString internalProgramPath(const QString &applicationDir, const QString &name)
{
    const std::string path = runtime::internalProgramPath(
            QFile::encodeName(applicationDir).toStdString(), QFile::encodeName(name).toStdString());
    return QDir::cleanPath(QFile::decodeName(path.c_str()));
}

QString internalProgramPath(const QString &name)
{
    return internalProgramPath(QCoreApplication::applicationDirPath(), name);
}

} // namespace imsa::app
