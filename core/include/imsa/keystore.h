#pragma once

#include <functional>
#include <optional>

#include <QByteArray>
#include <QObject>
#include <QString>

#include "imsa/result.h"

namespace imsa {

/// Secret storage behind one small asynchronous interface: the OS keychain (QtKeychain) in
/// the app, a 0600 file as fallback, memory in tests. Entries are opaque bytes under an
/// account name. Callbacks run exactly once, later, in the thread of `context`.
class KeyStore
{
public:
    virtual ~KeyStore() = default;

    /// std::nullopt when no entry exists; a Failure when the store could not be read.
    using ReadResult = Result<std::optional<QByteArray>, Failure>;
    using WriteResult = Result<Done, Failure>;
    using ReadDone = std::function<void(ReadResult)>;
    using WriteDone = std::function<void(WriteResult)>;

    virtual void read(const QString &account, QObject *context, ReadDone done) = 0;
    virtual void write(const QString &account, const QByteArray &secret, QObject *context,
                       WriteDone done) = 0;
    virtual void remove(const QString &account, QObject *context, WriteDone done) = 0;

    /// Human-readable name for status output ("Secret Service", "file ~/.local/state/...").
    virtual QString description() const = 0;
};

} // namespace imsa
