#pragma once

#include <QString>

namespace imsa {

/// A problem in a configuration file, located as precisely as the file allows.
struct ConfigError
{
    QString file;
    int line = 0; ///< 1-based; 0 when the problem has no single place (a missing file)
    int column = 0; ///< 1-based; 0 when unknown
    QString profile; ///< empty for file-level problems
    QString key; ///< empty when the problem is not about one key
    QString message;

    /// "FILE:LINE:COL: profile 'P', key 'K': MESSAGE", leaving out the parts that are empty.
    QString toString() const
    {
        QString text = file;
        if (line > 0) {
            text += QLatin1Char(':') + QString::number(line);
            if (column > 0)
                text += QLatin1Char(':') + QString::number(column);
        }
        text += QStringLiteral(": ");
        if (!profile.isEmpty()) {
            text += QStringLiteral("profile '") + profile + QLatin1Char('\'');
            text += key.isEmpty() ? QStringLiteral(": ") : QStringLiteral(", ");
        }
        if (!key.isEmpty())
            text += QStringLiteral("key '") + key + QStringLiteral("': ");
        return text + message;
    }

    friend bool operator==(const ConfigError &, const ConfigError &) = default;
};

} // namespace imsa
