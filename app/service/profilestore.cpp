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
    m_profiles = loadProfiles(m_paths);
    for (const ConfigError &error : std::as_const(m_profiles.errors))
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
    if (hasFileLevelError(fresh) && !hasFileLevelError(m_profiles)) {
        m_rejectedErrors = fresh.errors;
        for (const ConfigError &error : std::as_const(fresh.errors))
            qCWarning(lcConfig).noquote() << "configuration change rejected:" << error.toString();
        Q_EMIT changed();
        return;
    }
    if (fresh.profiles == m_profiles.profiles && fresh.errors == m_profiles.errors
        && m_rejectedErrors.isEmpty())
        return;
    m_rejectedErrors.clear();
    m_profiles = std::move(fresh);
    qCInfo(lcConfig) << "configuration reloaded:" << m_profiles.profiles.size() << "profiles";
    Q_EMIT changed();
}

} // namespace imsa::app
