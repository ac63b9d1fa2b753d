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
    const QString path = base + QStringLiteral("/imsa");
    QDir().mkpath(path);
    chmod(QFile::encodeName(path).constData(), 0700);
    return path;
}

} // namespace imsa::app
