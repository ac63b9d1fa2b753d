#include <sys/stat.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "statedir.h"

namespace imsa::app {

QString stateDirPath()
{
    const QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty() || QDir::isRelativePath(base))
        return QDir::homePath() + QStringLiteral("/.local/state/imsa");
    return base + QStringLiteral("/imsa");
}

QString stateDir()
{
    QString path = stateDirPath();
    QDir().mkpath(QFileInfo(path).path());
    // 0700 from creation on; one an older version made too open is narrowed.
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0)
        ::chmod(native.constData(), 0700);
    return path;
}

QString keyStoreFilePath()
{
    return stateDirPath() + QStringLiteral("/keystore.json");
}

QString accessLogPath()
{
    return stateDirPath() + QStringLiteral("/access.log");
}

QString defaultLogFile()
{
    return stateDir() + QStringLiteral("/imsa.log");
}

} // namespace imsa::app
