#include "filekeystore.h"

#include <cerrno>
#include <cstring>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLockFile>
#include <QSaveFile>
#include <QTimer>

#include "imsa/logging.h"
#include "platform/statedir.h"

using namespace Qt::StringLiterals;

namespace imsa::app {

namespace {

constexpr int formatVersion = 1;
// Far above what a few accounts need; stops a stray huge file from being read into memory.
constexpr qint64 maxFileSize = 1024 * 1024;
constexpr int lockTimeoutMs = 5000;

QString octal(mode_t mode)
{
    return u"%1"_s.arg(static_cast<uint>(mode & 07777), 4, 8, QChar(u'0'));
}

std::optional<struct stat> statOf(int fd)
{
    struct stat info = {};
    if (::fstat(fd, &info) != 0)
        return std::nullopt;
    return info;
}

/// Refuses a file that is not ours alone. Checked on the descriptor that is then read, so the
/// file cannot be swapped between check and use.
Result<Done, Failure> checkOwnership(const QString &path, int fd)
{
    const std::optional<struct stat> info = statOf(fd);
    if (!info)
        return Failure{
                u"cannot check %1: %2"_s.arg(path, QString::fromLocal8Bit(::strerror(errno)))};
    if (!S_ISREG(info->st_mode))
        return Failure{u"refusing to use %1: it is not a regular file"_s.arg(path)};
    if (info->st_uid != ::geteuid()) {
        return Failure{u"refusing to use %1: it belongs to uid %2, not to you (uid %3); "
                       "fix it with: chown %3 %1"_s.arg(path, QString::number(info->st_uid),
                                                        QString::number(::geteuid()))};
    }
    if ((info->st_mode & 077) != 0) {
        return Failure{u"refusing to use %1: other users can access it (mode %2); "
                       "fix it with: chmod 600 %1"_s.arg(path, octal(info->st_mode))};
    }
    return Done{};
}

Failure corrupt(const QString &path, const QString &why)
{
    return Failure{u"%1 is not a valid imsa key store (%2); it was left untouched, "
                   "move it away to start over"_s.arg(path, why)};
}

/// Creates the file's directory 0700 when it is missing. An existing directory is left as it
/// is: the path is injectable, and tightening e.g. /tmp would break the system.
Result<Done, Failure> ensureDirectory(const QString &dirPath)
{
    const QDir dir(dirPath);
    if (dir.exists())
        return Done{};
    const QString parent = QFileInfo(dirPath).absolutePath();
    if (!QDir().mkpath(parent)
        || !QDir().mkdir(dirPath, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner))
        return Failure{u"cannot create directory %1"_s.arg(dirPath)};
    return Done{};
}

} // namespace

FileKeyStore::FileKeyStore(QString path)
    : m_path(std::move(path))
{ }

QString FileKeyStore::defaultPath()
{
    return keyStoreFilePath();
}

QString FileKeyStore::description() const
{
    return u"file %1 (not encrypted)"_s.arg(m_path);
}

void FileKeyStore::read(const QString &account, QObject *context, ReadDone done)
{
    const Result<Entries, Failure> loaded = load();
    ReadResult result(std::nullopt);
    if (!loaded)
        result = ReadResult(loaded.error());
    else if (loaded.value().contains(account))
        result = ReadResult(std::optional(loaded.value().value(account)));
    QTimer::singleShot(0, context, [done = std::move(done), result = std::move(result)] {
        done(result);
    });
}

void FileKeyStore::write(const QString &account, const QByteArray &secret, QObject *context,
                         WriteDone done)
{
    WriteResult written = update([&](Entries &entries) {
        entries.insert(account, secret);
        return true;
    });
    QTimer::singleShot(0, context, [done = std::move(done), written = std::move(written)] {
        done(written);
    });
}

void FileKeyStore::remove(const QString &account, QObject *context, WriteDone done)
{
    WriteResult removed = update([&](Entries &entries) {
        return entries.remove(account) > 0;
    });
    QTimer::singleShot(0, context, [done = std::move(done), removed = std::move(removed)] {
        done(removed);
    });
}

Result<FileKeyStore::Entries, Failure> FileKeyStore::load() const
{
    QFile file(m_path);
    if (!file.exists())
        return Entries();
    // A FIFO or device would block open() or read() forever: refuse before opening.
    if (!QFileInfo(m_path).isFile())
        return Failure{u"refusing to use %1: it is not a regular file"_s.arg(m_path)};
    if (!file.open(QIODevice::ReadOnly))
        return Failure{u"cannot read %1: %2"_s.arg(m_path, file.errorString())};
    if (auto owned = checkOwnership(m_path, file.handle()); !owned) {
        qCWarning(lcKeyStore).noquote() << owned.error().message;
        return owned.error();
    }
    if (file.size() > maxFileSize)
        return corrupt(m_path, u"larger than %1 bytes"_s.arg(maxFileSize));

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return corrupt(m_path, u"not JSON: %1"_s.arg(parseError.errorString()));
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value("version"_L1).toInt() != formatVersion)
        return corrupt(m_path, u"expected an object with \"version\": %1"_s.arg(formatVersion));
    if (!root.value("entries"_L1).isObject())
        return corrupt(m_path, u"\"entries\" is not an object"_s);

    Entries entries;
    const QJsonObject stored = root.value("entries"_L1).toObject();
    for (auto it = stored.constBegin(); it != stored.constEnd(); ++it) {
        // The message names the account only: the value is a secret, even when it is garbage.
        auto decoded = QByteArray::fromBase64Encoding(it.value().toString().toLatin1(),
                                                      QByteArray::AbortOnBase64DecodingErrors);
        if (!it.value().isString() || !decoded)
            return corrupt(m_path, u"the entry for \"%1\" is not a base64 string"_s.arg(it.key()));
        entries.insert(it.key(), *decoded);
    }
    return entries;
}

KeyStore::WriteResult FileKeyStore::save(const Entries &entries) const
{
    QJsonObject stored;
    for (auto it = entries.constBegin(); it != entries.constEnd(); ++it)
        stored.insert(it.key(), QString::fromLatin1(it.value().toBase64()));
    const QJsonObject root{{"version"_L1, formatVersion}, {"entries"_L1, stored}};

    QSaveFile file(m_path);
    if (!file.open(QIODevice::WriteOnly))
        return Failure{u"cannot write %1: %2"_s.arg(m_path, file.errorString())};

    // QSaveFile creates a new file 0666 & ~umask. Narrow it while it is still empty, then check
    // on the descriptor: a file system that ignores modes (vfat, some mounts) gets no secrets.
    const bool narrowed = file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    const std::optional<struct stat> info = statOf(file.handle());
    if (!narrowed || !info || (info->st_mode & 077) != 0) {
        file.cancelWriting();
        return Failure{
                u"cannot write %1: the file system does not keep it private (mode 0600)"_s.arg(
                        m_path)};
    }
    file.write(QJsonDocument(root).toJson(QJsonDocument::Indented));
    if (!file.commit())
        return Failure{u"cannot write %1: %2"_s.arg(m_path, file.errorString())};
    return Done{};
}

KeyStore::WriteResult FileKeyStore::update(const std::function<bool(Entries &)> &change) const
{
    if (auto directory = ensureDirectory(QFileInfo(m_path).absolutePath()); !directory)
        return directory.error();
    QLockFile lock(m_path + u".lock"_s);
    if (!lock.tryLock(lockTimeoutMs))
        return Failure{u"cannot lock %1: another imsa process holds %1.lock"_s.arg(m_path)};

    Result<Entries, Failure> loaded = load();
    if (!loaded)
        return loaded.error();
    if (!change(loaded.value()))
        return Done{};
    return save(loaded.value());
}

} // namespace imsa::app
