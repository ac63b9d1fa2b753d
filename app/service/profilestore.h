#pragma once

#include <QFileSystemWatcher>
#include <QTimer>

#include "imsa/profileloader.h"

namespace imsa::app {

/// The profiles currently in force, reloaded when one of the files changes. A reload that finds
/// a file-level error (a YAML syntax error, an unreadable file) keeps the previous profiles, so
/// a half-saved edit never takes the running session away; the error stays visible in status.
class ProfileStore final : public QObject
{
    Q_OBJECT

public:
    explicit ProfileStore(ConfigPaths paths, QObject *parent = nullptr);

    void load();

    const ProfileSet &profiles() const { return m_profiles; }

    /// Errors of the last reload that was rejected; empty when the last reload was applied.
    const QList<ConfigError> &rejectedReloadErrors() const { return m_rejectedErrors; }

    const ConfigPaths &paths() const { return m_paths; }

Q_SIGNALS:
    void changed();

private:
    void watchFiles();
    void reload();

    ConfigPaths m_paths;
    ProfileSet m_profiles;
    QList<ConfigError> m_rejectedErrors;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
};

} // namespace imsa::app
