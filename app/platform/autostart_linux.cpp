#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "autostart.h"

namespace imsa::app {

namespace {

// Exec names the program, not this build's path: the packages install it on PATH, and an
// entry pointing into a build tree would outlive the tree.
constexpr char desktopEntry[] = "[Desktop Entry]\n"
                                "Type=Application\n"
                                "Name=imsa\n"
                                "Comment=AWS credentials for every tool on this computer\n"
                                "Exec=imsa start\n"
                                "Icon=imsa\n"
                                "Terminal=false\n"
                                "X-GNOME-Autostart-enabled=true\n";

} // namespace

QString autostartLocation()
{
    QString config = qEnvironmentVariable("XDG_CONFIG_HOME");
    // The XDG base directory spec: a relative path is invalid and must be ignored.
    if (config.isEmpty() || QDir::isRelativePath(config))
        config = QDir::homePath() + QStringLiteral("/.config");
    return config + QStringLiteral("/autostart/imsa.desktop");
}

namespace {

/// Whether the entry exists and is not switched off with Hidden=true.
bool entryEnabled(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return false;
    while (!file.atEnd()) {
        if (file.readLine().trimmed() == "Hidden=true")
            return false;
    }
    return true;
}

/// The entry a package installed for every user, if any.
QString systemEntry()
{
    QString dirs = qEnvironmentVariable("XDG_CONFIG_DIRS");
    if (dirs.isEmpty())
        dirs = QStringLiteral("/etc/xdg");
    for (const QString &dir : dirs.split(QLatin1Char(':'), Qt::SkipEmptyParts)) {
        QString path = dir + QStringLiteral("/autostart/imsa.desktop");
        if (!QDir::isRelativePath(dir) && QFile::exists(path))
            return path;
    }
    return {};
}

Result<Done, Failure> writeEntry(const QString &path, const QByteArray &content)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Failure{QStringLiteral("cannot create the folder of %1").arg(path)};
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(content) < 0 || !file.commit())
        return Failure{QStringLiteral("cannot write %1: %2").arg(path, file.errorString())};
    return Done{};
}

} // namespace

bool isAutostartEnabled()
{
    const QString own = autostartLocation();
    if (QFile::exists(own))
        return entryEnabled(own);
    const QString shared = systemEntry();
    return !shared.isEmpty() && entryEnabled(shared);
}

Result<Done, Failure> setAutostartEnabled(bool enabled)
{
    const QString path = autostartLocation();
    if (enabled)
        return writeEntry(path, QByteArray(desktopEntry));
    if (!systemEntry().isEmpty())
        return writeEntry(path, QByteArray(desktopEntry) + "Hidden=true\n");
    QFile file(path);
    if (file.exists() && !file.remove())
        return Failure{QStringLiteral("cannot remove %1: %2").arg(path, file.errorString())};
    return Done{};
}

} // namespace imsa::app
