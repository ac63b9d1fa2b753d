#pragma once

#include <algorithm>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/configerror.h"

// The INI dialect of ~/.aws/config and ~/.aws/credentials as botocore reads it (Python's
// configparser): `[section]` headers, `key = value` or `key: value`, whole-line comments
// starting with # or ;, and lines indented deeper than the setting above them continue it
// (nested settings such as `s3 =` followed by `  max_concurrent_requests = 10`).
namespace imsa {

struct IniEntry
{
    QString key;
    QString value;
    ConfigError keyPlace;
    ConfigError valuePlace;
};

struct IniSection
{
    QString header; ///< the text between the brackets, trimmed
    ConfigError place;
    QList<IniEntry> entries;
};

struct IniFile
{
    QList<IniSection> sections;
    std::optional<ConfigError> syntaxError; ///< set: the file is unusable as a whole
};

inline qsizetype indentOf(const QString &line)
{
    qsizetype indent = 0;
    while (indent < line.size() && (line[indent] == u' ' || line[indent] == u'\t'))
        ++indent;
    return indent;
}

/// The value without an inline comment: `#` or `;` after whitespace starts one. botocore keeps
/// such text in the value, but the other SDKs drop it and no value imsa reads contains it.
inline qsizetype valueEnd(const QString &line, qsizetype from)
{
    for (qsizetype i = from; i < line.size(); ++i) {
        if ((line[i] == u'#' || line[i] == u';') && i > from && line[i - 1].isSpace())
            return i;
    }
    return line.size();
}

inline IniFile parseIni(const QByteArray &text, const QString &fileName)
{
    IniFile file;
    const QStringList lines = QString::fromUtf8(text).split(QLatin1Char('\n'));
    qsizetype settingIndent = -1; // indent of the last setting, -1 before the first
    const auto fail = [&file, &fileName](int line, qsizetype column, const QString &message) {
        file.sections.clear();
        file.syntaxError = ConfigError{fileName, line, int(column), {}, {}, message};
    };
    for (qsizetype n = 0; n < lines.size(); ++n) {
        QString line = lines[n];
        if (line.endsWith(u'\r'))
            line.chop(1);
        const int lineNumber = int(n + 1);
        const qsizetype indent = indentOf(line);
        if (indent == line.size() || line[indent] == u'#' || line[indent] == u';')
            continue;
        if (settingIndent >= 0 && indent > settingIndent)
            continue; // continuation or nested setting: nothing imsa reads
        if (line[indent] == u'[') {
            const qsizetype close = line.indexOf(u']', indent);
            const QString header =
                    close < 0 ? QString() : line.mid(indent + 1, close - indent - 1).trimmed();
            if (header.isEmpty()) {
                fail(lineNumber, indent + 1,
                     close < 0 ? QStringLiteral("section header without a closing ']'")
                               : QStringLiteral("empty section name"));
                return file;
            }
            file.sections.append(
                    {header, ConfigError{fileName, lineNumber, int(indent + 1), {}, {}, {}}, {}});
            settingIndent = -1;
            continue;
        }
        const qsizetype equals = line.indexOf(u'=', indent);
        const qsizetype colon = line.indexOf(u':', indent);
        const qsizetype delimiter =
                equals < 0 ? colon : (colon < 0 ? equals : std::min(equals, colon));
        if (delimiter < 0) {
            fail(lineNumber, indent + 1,
                 QStringLiteral("expected a [section] header, a 'key = value' setting or a "
                                "comment"));
            return file;
        }
        const QString key = line.mid(indent, delimiter - indent).trimmed();
        if (key.isEmpty() || file.sections.isEmpty()) {
            fail(lineNumber, indent + 1,
                 key.isEmpty() ? QStringLiteral("setting without a name")
                               : QStringLiteral("setting before the first [section] header"));
            return file;
        }
        qsizetype valueStart = delimiter + 1;
        while (valueStart < line.size() && line[valueStart].isSpace())
            ++valueStart;
        const QString value =
                line.mid(valueStart, valueEnd(line, valueStart) - valueStart).trimmed();
        file.sections.last().entries.append(
                {key, value, ConfigError{fileName, lineNumber, int(indent + 1), {}, key, {}},
                 ConfigError{fileName, lineNumber, int(valueStart + 1), {}, key, {}}});
        settingIndent = indent;
    }
    return file;
}

} // namespace imsa
