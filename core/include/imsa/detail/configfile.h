#pragma once

#include <optional>

#include <QByteArray>
#include <QFile>
#include <QFileInfo>
#include <QString>

#include "imsa/configerror.h"

namespace imsa::detail {

/// Configuration files are a few kilobytes; the cap keeps a path like /dev/zero from eating
/// memory.
inline constexpr qint64 maxConfigFileSize = qint64(1024) * 1024;

struct ConfigFileText
{
    bool exists = false;
    QByteArray text;
    std::optional<ConfigError> error;
};

inline ConfigFileText readConfigFile(const QString &path, bool required)
{
    ConfigFileText result;
    if (path.isEmpty() || !QFileInfo::exists(path)) {
        if (required)
            result.error = ConfigError{path, 0, 0, {}, {}, QStringLiteral("file not found")};
        return result;
    }
    result.exists = true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        result.error = ConfigError{
                path, 0, 0, {}, {}, QStringLiteral("cannot read the file: ") + file.errorString()};
        return result;
    }
    result.text = file.read(maxConfigFileSize + 1);
    if (result.text.size() > maxConfigFileSize) {
        result.text.clear();
        result.error = ConfigError{
                path, 0,  0,
                {},   {}, QStringLiteral("file is larger than 1 MiB; not a configuration file")};
    } else if (file.error() != QFileDevice::NoError) {
        result.text.clear();
        result.error = ConfigError{
                path, 0, 0, {}, {}, QStringLiteral("cannot read the file: ") + file.errorString()};
    }
    return result;
}

} // namespace imsa::detail
