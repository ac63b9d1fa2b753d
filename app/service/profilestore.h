#pragma once

#include <QFileSystemWatcher>
#include <QTimer>

#include "imsa/profileloader.h"

class QThread;

namespace imsa::app {

/// The profiles currently in force, reloaded when one of the files changes. A reload that finds
/// a file-level error (a YAML syntax error, an unreadable file) keeps the previous profiles, so
/// a half-saved edit never takes the running session away; the error stays visible in status.
/// Reloads read the files on a thread of their own: the event loop that answers metadata
/// requests never waits for a large file to be parsed.
class ProfileStore final : public QObject
{
    Q_OBJECT

public:
    explicit ProfileStore(ConfigPaths paths, QObject *parent = nullptr);
    /// Waits for a reload in progress; reading a file is bounded by its size cap.
    ~ProfileStore() override;

    /// Reads the files now, before anything is served.
    void load();

    /// The files' profiles, then the accounts and roles of the signed-in IAM Identity Center
    /// sessions the files name.
    const ProfileSet &profiles() const { return m_profiles; }

    /// The accounts and roles the session with this token cache key listed, as profiles
    /// (ProfileSource::IdentityCenter). A name the files define stays the files' profile, and
    /// so does the first of two sessions listing the same name.
    void setSsoAccountProfiles(const QString &tokenCacheKey, const QList<Profile> &profiles);

    /// Errors of the last reload that was rejected; empty when the last reload was applied.
    const QList<ConfigError> &rejectedReloadErrors() const { return m_rejectedErrors; }

    const ConfigPaths &paths() const { return m_paths; }

Q_SIGNALS:
    void changed();

private:
    void watchFiles();
    void reload();
    void readFinished();
    void apply(ProfileSet fresh);
    void merge();

    const ConfigPaths m_paths;
    ProfileSet m_files; ///< as read from the files
    QHash<QString, QList<Profile>> m_listed; ///< by the token cache key of the session
    QStringList m_listedOrder; ///< token cache keys, first listed first
    ProfileSet m_profiles; ///< m_files and m_listed
    QList<ConfigError> m_rejectedErrors;
    QFileSystemWatcher m_watcher;
    QTimer m_debounce;
    QThread *m_reader = nullptr; ///< the reload being read, if any
    ProfileSet m_read; ///< what m_reader read; written by it, used once it has finished
    bool m_readAgain = false; ///< the files changed again while m_reader was reading
};

} // namespace imsa::app
