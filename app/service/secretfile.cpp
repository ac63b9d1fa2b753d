#include "secretfile.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include "imsa/secretlinemover.h"

namespace imsa::app {

namespace {

Result<QByteArray, Failure> readAll(const QString &file)
{
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly))
        return Failure{QStringLiteral("cannot read %1: %2").arg(file, input.errorString())};
    return input.readAll();
}

Result<Done, Failure> writeAtomically(const QString &file, const QByteArray &content,
                                      QFileDevice::Permissions permissions)
{
    QSaveFile output(file);
    if (!output.open(QIODevice::WriteOnly) || !output.setPermissions(permissions)
        || output.write(content) != content.size() || !output.commit())
        return Failure{QStringLiteral("cannot write %1: %2").arg(file, output.errorString())};
    return Done{};
}

/// A new file renamed over a read-only one would replace it all the same: the user's "do not
/// change this file" has to be read from its mode.
Result<Done, Failure> checkWritable(const QString &file)
{
    if (!QFileInfo(file).isWritable())
        return Failure{QStringLiteral("%1 is read-only").arg(file)};
    return Done{};
}

} // namespace

Result<SecretLineRemoval, Failure> prepareSecretLineRemoval(const QString &file,
                                                            const QString &profile)
{
    const auto text = readAll(file);
    if (!text)
        return text.error();
    const auto rewritten = removeSecretLine(text.value(), profile);
    if (!rewritten)
        return rewritten.error();
    if (const auto writable = checkWritable(file); !writable)
        return writable.error();
    return SecretLineRemoval{file, profile, text.value(), rewritten.value()};
}

Result<Done, Failure> applySecretLineRemoval(const SecretLineRemoval &removal)
{
    // What was read may be stale by now (an editor saved, another move ran): the line to take
    // out was found in those bytes, and the secret now in the key store came from them.
    const auto current = readAll(removal.file);
    if (!current)
        return current.error();
    if (current.value() != removal.before)
        return Failure{QStringLiteral("%1 changed while the secret was being stored; nothing "
                                      "was taken out of it")
                               .arg(removal.file)};
    if (const auto writable = checkWritable(removal.file); !writable)
        return writable.error();
    // The backup holds the secret too, so it gets the file's own permissions, not the umask's.
    const QFileDevice::Permissions permissions = QFile(removal.file).permissions();
    const auto backup =
            writeAtomically(removal.file + QStringLiteral(".bak"), removal.before, permissions);
    if (!backup)
        return backup.error();
    return writeAtomically(removal.file, removal.after, permissions);
}

} // namespace imsa::app
