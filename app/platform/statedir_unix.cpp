#include <sys/stat.h>

#include <QDir>
#include <QFile>

#include "statedir.h"

namespace imsa::app {

QString stateDir()
{
    QString base = qEnvironmentVariable("XDG_STATE_HOME");
    if (base.isEmpty())
        base = QDir::homePath() + QStringLiteral("/.local/state");
    QString path = base + QStringLiteral("/imsa");
    QDir().mkpath(base);
    // 0700 from creation on; one an older version made too open is narrowed.
    const QByteArray native = QFile::encodeName(path);
    if (::mkdir(native.constData(), 0700) != 0)
        ::chmod(native.constData(), 0700);
    return path;
}

QString defaultLogFile()
{
    return stateDir() + QStringLiteral("/imsa.log");
}

} // namespace imsa::app
