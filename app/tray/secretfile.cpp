#include "secretfile.h"

#include <QFile>
#include <QSaveFile>

#include "imsa/secretlinemover.h"

namespace imsa::tray {

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

} // namespace

Result<Done, Failure> checkSecretRemovable(const QString &file, const QString &profile)
{
    const auto text = readAll(file);
    if (!text)
        return text.error();
    const auto rewritten = removeSecretLine(text.value(), profile);
    if (!rewritten)
        return rewritten.error();
    return Done{};
}

Result<Done, Failure> removeSecretFromFile(const QString &file, const QString &profile)
{
    const auto text = readAll(file);
    if (!text)
        return text.error();
    const auto rewritten = removeSecretLine(text.value(), profile);
    if (!rewritten)
        return rewritten.error();
    // The backup holds the secret too, so it gets the file's own permissions, not the umask's.
    const QFileDevice::Permissions permissions = QFile(file).permissions();
    const auto backup = writeAtomically(file + QStringLiteral(".bak"), text.value(), permissions);
    if (!backup)
        return backup.error();
    return writeAtomically(file, rewritten.value(), permissions);
}

} // namespace imsa::tray
