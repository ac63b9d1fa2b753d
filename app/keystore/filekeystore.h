#pragma once

#include <QMap>

#include "imsa/keystore.h"

namespace imsa::app {

/// The fallback key store when no keychain works (headless servers, minimal desktops): one JSON
/// file, mode 0600 in a 0700 directory, values base64. It is NOT encrypted: whoever can read
/// the file as this user has the secrets. A file that others can read or that belongs to
/// someone else is refused, never repaired silently. POSIX only (file modes, owner uid).
///
/// The file I/O runs at call time (it is small and local); the callback is queued to
/// `context`, so it never runs before the caller returns to the event loop.
class FileKeyStore final : public KeyStore
{
public:
    explicit FileKeyStore(QString path = defaultPath());

    /// $XDG_STATE_HOME/imsa/keystore.json, else ~/.local/state/imsa/keystore.json. Computed
    /// here because Qt 6.4 has no QStandardPaths::GenericStateLocation.
    static QString defaultPath();

    QString path() const { return m_path; }

    void read(const QString &account, QObject *context, ReadDone done) override;
    void write(const QString &account, const QByteArray &secret, QObject *context,
               WriteDone done) override;
    void remove(const QString &account, QObject *context, WriteDone done) override;

    /// "file PATH (not encrypted)".
    QString description() const override;

private:
    using Entries = QMap<QString, QByteArray>;

    Result<Entries, Failure> load() const;
    WriteResult save(const Entries &entries) const;
    /// Load, change, save under a lock file, so that the CLI and the service never lose each
    /// other's writes. An unreadable or corrupt file is left as it is.
    WriteResult update(const std::function<bool(Entries &)> &change) const;

    QString m_path;
};

} // namespace imsa::app
