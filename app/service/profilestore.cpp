#include "profilestore.h"

#include <utility>

#include <QFileInfo>
#include <QThread>

#include "imsa/logging.h"

namespace imsa::app {

namespace {

bool hasFileLevelError(const ProfileSet &set)
{
    return std::any_of(set.errors.cbegin(), set.errors.cend(), [](const ConfigError &error) {
        return error.profile.isEmpty();
    });
}

} // namespace

ProfileStore::ProfileStore(ConfigPaths paths, QObject *parent)
    : QObject(parent)
    , m_paths(std::move(paths))
{
    // Editors save by writing a new file and renaming it over the old one, in several steps:
    // wait for the burst to end, then read once.
    m_debounce.setSingleShot(true);
    m_debounce.setInterval(200);
    connect(&m_debounce, &QTimer::timeout, this, &ProfileStore::reload);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_debounce, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_debounce,
            qOverload<>(&QTimer::start));
}

ProfileStore::~ProfileStore()
{
    if (m_reader) {
        m_reader->wait();
        delete m_reader;
    }
}

void ProfileStore::load()
{
    m_files = loadProfiles(m_paths);
    merge();
    for (const ConfigError &error : std::as_const(m_files.errors))
        qCWarning(lcConfig).noquote() << error.toString();
    watchFiles();
}

void ProfileStore::watchFiles()
{
    // A file renamed over by an editor drops out of the watch list, so this runs after every
    // change. A file that does not exist yet is noticed through its directory.
    for (const QString &file :
         {m_paths.imsaFile, m_paths.awsConfigFile, m_paths.awsCredentialsFile}) {
        if (QFileInfo::exists(file)) {
            if (!m_watcher.files().contains(file))
                m_watcher.addPath(file);
            continue;
        }
        const QString directory = QFileInfo(file).absolutePath();
        if (QFileInfo::exists(directory) && !m_watcher.directories().contains(directory))
            m_watcher.addPath(directory);
    }
}

void ProfileStore::reload()
{
    watchFiles();
    if (m_reader) {
        m_readAgain = true;
        return;
    }
    // The reader touches only m_paths (never changed) and m_read (not used until it finished).
    m_reader = QThread::create([this] {
        m_read = loadProfiles(m_paths);
    });
    m_reader->setObjectName(QStringLiteral("imsa config reader"));
    // Queued: finished is emitted on the reader's thread.
    connect(m_reader, &QThread::finished, this, &ProfileStore::readFinished, Qt::QueuedConnection);
    m_reader->start();
}

void ProfileStore::readFinished()
{
    m_reader->wait(); // finished comes just before the thread ends
    delete m_reader;
    m_reader = nullptr;
    apply(std::exchange(m_read, {}));
    if (std::exchange(m_readAgain, false))
        reload();
}

void ProfileStore::apply(ProfileSet fresh)
{
    if (hasFileLevelError(fresh) && !hasFileLevelError(m_files)) {
        m_rejectedErrors = fresh.errors;
        for (const ConfigError &error : std::as_const(fresh.errors))
            qCWarning(lcConfig).noquote() << "configuration change rejected:" << error.toString();
        Q_EMIT changed();
        return;
    }
    if (fresh.profiles == m_files.profiles && fresh.errors == m_files.errors
        && fresh.ssoSessions == m_files.ssoSessions && m_rejectedErrors.isEmpty())
        return;
    m_rejectedErrors.clear();
    m_files = std::move(fresh);
    qCInfo(lcConfig) << "configuration reloaded:" << m_files.profiles.size() << "profiles";
    merge();
    Q_EMIT changed();
}

void ProfileStore::setSsoAccountProfiles(const QString &tokenCacheKey,
                                         const QList<Profile> &profiles)
{
    if (m_listed.value(tokenCacheKey) == profiles && m_listedOrder.contains(tokenCacheKey))
        return;
    if (!m_listedOrder.contains(tokenCacheKey))
        m_listedOrder.append(tokenCacheKey);
    m_listed.insert(tokenCacheKey, profiles);
    merge();
    Q_EMIT changed();
}

void ProfileStore::merge()
{
    m_profiles = m_files;
    QStringList signIns;
    for (const SsoSettings &signIn : m_files.ssoSignIns())
        signIns.append(signIn.tokenCacheKey());
    QSet<QString> names;
    for (const Profile &profile : std::as_const(m_files.profiles))
        names.insert(profile.name);
    // Only while the files still name the session: one removed from them takes its list along.
    for (const QString &key : std::as_const(m_listedOrder)) {
        if (!signIns.contains(key))
            continue;
        for (const Profile &profile : m_listed.value(key)) {
            if (names.contains(profile.name))
                continue;
            names.insert(profile.name);
            m_profiles.profiles.append(profile);
        }
    }
}

} // namespace imsa::app
