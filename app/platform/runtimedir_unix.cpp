#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>

#include "runtime/runtimepaths.h"
#include "runtimedir.h"

namespace imsa::app {

Result<QString, Failure> ensureRuntimeDir()
{
    const QString path = QFile::decodeName(runtime::runtimeDirectory().c_str());
    const QByteArray native = QFile::encodeName(path);
    if (mkdir(native.constData(), 0700) != 0 && errno != EEXIST)
        return Failure{QStringLiteral("cannot create %1: %2")
                               .arg(path, QString::fromLocal8Bit(strerror(errno)))};

    // lstat, not stat: a symlink planted in /tmp by someone else must not be followed.
    struct stat info
    { };

    if (lstat(native.constData(), &info) != 0)
        return Failure{QStringLiteral("cannot inspect %1: %2")
                               .arg(path, QString::fromLocal8Bit(strerror(errno)))};
    if (!S_ISDIR(info.st_mode))
        return Failure{QStringLiteral("%1 is not a directory; remove it and try again").arg(path)};
    if (info.st_uid != getuid())
        return Failure{QStringLiteral("%1 belongs to another user (uid %2); refusing to use it")
                               .arg(path)
                               .arg(info.st_uid)};
    if ((info.st_mode & 0077) != 0) {
        // Ours but too open (created by hand or an old version): tighten instead of failing.
        if (chmod(native.constData(), 0700) != 0)
            return Failure{QStringLiteral("%1 is accessible by others and cannot be fixed: %2")
                                   .arg(path, QString::fromLocal8Bit(strerror(errno)))};
    }
    return QDir::cleanPath(path);
}

QString controlSocketPath(const QString &runtimeDir)
{
    return QFile::decodeName(
            runtime::controlSocketPath(QFile::encodeName(runtimeDir).toStdString()).c_str());
}

QString instanceLockPath(const QString &runtimeDir)
{
    return runtimeDir + QStringLiteral("/instance.lock");
}

} // namespace imsa::app
