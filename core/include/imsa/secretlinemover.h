#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include "imsa/result.h"

namespace imsa {

namespace detail {

/// One physical line of a YAML file, located in the original bytes.
struct YamlSourceLine
{
    qsizetype start = 0; ///< first byte of the line
    qsizetype next = 0; ///< first byte of the following line (after "\n", or the end)
    QByteArray content; ///< without the line break (and a "\r" before it) and a leading BOM
    int number = 0; ///< 1-based
    int indent = 0; ///< leading spaces
    bool blank = true; ///< only whitespace
    bool comment = false; ///< the first non-space character is '#'
    bool tabIndent = false; ///< a tab before the first non-space character

    bool isContent() const { return !blank && !comment; }
};

inline QList<YamlSourceLine> splitYamlLines(const QByteArray &text)
{
    QList<YamlSourceLine> lines;
    qsizetype start = 0;
    int number = 0;
    while (start < text.size()) {
        YamlSourceLine line;
        line.start = start;
        line.number = ++number;
        const qsizetype newline = text.indexOf('\n', start);
        const qsizetype end = newline < 0 ? text.size() : newline;
        line.next = newline < 0 ? text.size() : newline + 1;
        line.content = text.mid(start, end - start);
        if (line.content.endsWith('\r'))
            line.content.chop(1);
        if (start == 0 && line.content.startsWith("\xEF\xBB\xBF"))
            line.content.remove(0, 3);
        qsizetype i = 0;
        while (i < line.content.size() && (line.content[i] == ' ' || line.content[i] == '\t')) {
            if (line.content[i] == '\t')
                line.tabIndent = true;
            else if (!line.tabIndent)
                ++line.indent;
            ++i;
        }
        line.blank = i == line.content.size();
        line.comment = !line.blank && line.content[i] == '#';
        lines.append(line);
        start = line.next;
    }
    return lines;
}

/// A block-mapping key at the start of `text` (indentation removed): the key without quotes
/// and what follows its colon. Nullopt for anything else (a sequence item, a complex key,
/// flow style, a line that is not `key: ...`).
struct YamlKeyLine
{
    QByteArray key;
    QByteArray rest;
};

inline std::optional<YamlKeyLine> parseYamlKeyLine(const QByteArray &text)
{
    if (text.isEmpty())
        return std::nullopt;
    qsizetype afterKey = 0;
    QByteArray key;
    const char first = text.front();
    if (first == '"' || first == '\'') {
        qsizetype i = 1;
        for (; i < text.size(); ++i) {
            const char c = text[i];
            if (first == '"' && c == '\\' && i + 1 < text.size()) {
                key += text[++i];
            } else if (first == '\'' && c == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
                key += '\'';
                ++i;
            } else if (c == first) {
                break;
            } else {
                key += c;
            }
        }
        if (i >= text.size())
            return std::nullopt;
        afterKey = i + 1;
        while (afterKey < text.size() && text[afterKey] == ' ')
            ++afterKey;
        if (afterKey >= text.size() || text[afterKey] != ':')
            return std::nullopt;
    } else {
        if (QByteArrayView("-?{}[]#&*!|>%@`,").contains(first))
            return std::nullopt;
        qsizetype colon = -1;
        for (qsizetype i = 0; i < text.size(); ++i) {
            if (text[i] == '#' && i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t'))
                return std::nullopt;
            if (text[i] == ':'
                && (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\t')) {
                colon = i;
                break;
            }
        }
        if (colon < 0)
            return std::nullopt;
        key = text.left(colon).trimmed();
        afterKey = colon;
    }
    const QByteArray rest = text.mid(afterKey + 1);
    if (!rest.isEmpty() && rest.front() != ' ' && rest.front() != '\t')
        return std::nullopt;
    return YamlKeyLine{key, rest.trimmed()};
}

/// The value without a trailing comment; empty for `key:` or `key: # comment`.
inline QByteArray withoutComment(const QByteArray &value)
{
    if (value.startsWith('#'))
        return {};
    for (qsizetype i = 1; i < value.size(); ++i) {
        if (value[i] == '#' && (value[i - 1] == ' ' || value[i - 1] == '\t'))
            return value.left(i).trimmed();
    }
    return value;
}

/// Why a secret's value can't be removed as one line, or an empty string when it can.
inline QString singleLineValueProblem(const QByteArray &value)
{
    if (value.isEmpty())
        return {};
    const char first = value.front();
    if (first == '|' || first == '>')
        return QStringLiteral("its value is a multi-line block scalar");
    if (first == '&' || first == '*')
        return QStringLiteral("its value uses a YAML anchor or alias that other lines may share");
    if (first == '{' || first == '[' || first == '!')
        return QStringLiteral("its value is written in flow style or with a tag");
    if (first == '"' || first == '\'') {
        for (qsizetype i = 1; i < value.size(); ++i) {
            // An escaped character ("...\"...") or a doubled quote ('...''...') is skipped.
            if ((first == '"' && value[i] == '\\')
                || (first == '\'' && value[i] == '\'' && i + 1 < value.size()
                    && value[i + 1] == '\'')) {
                ++i;
            } else if (value[i] == first) {
                if (!withoutComment(value.mid(i + 1).trimmed()).isEmpty())
                    return QStringLiteral("its line has more than the quoted value");
                return {};
            }
        }
        return QStringLiteral("its quoted value continues on the next line");
    }
    return {};
}

inline Failure lineFailure(const QString &profile, int line, const QString &problem)
{
    return Failure{
            QStringLiteral("profile '%1' (line %2): %3").arg(profile).arg(line).arg(problem)};
}

} // namespace detail

/// ~/.imsa text with the `aws_secret_access_key` line of `profile` taken out and every other
/// byte, comments and line breaks included, kept as it was. Only the plain block style the
/// file is written in is understood: when the line can't be told apart with certainty (flow
/// style, a multi-line or anchored value, the key set twice, the secret inherited from a merge
/// key) this fails with a message that says why, rather than guess at a user's file.
inline Result<QByteArray, Failure> removeSecretLine(const QByteArray &text, const QString &profile)
{
    using namespace detail;
    static const QByteArray secretKey = QByteArrayLiteral("aws_secret_access_key");
    const QList<YamlSourceLine> lines = splitYamlLines(text);
    const QByteArray wanted = profile.toUtf8();

    // The top level: profiles as keys of one block mapping, possibly after a `---`.
    int topIndent = -1;
    qsizetype profileLine = -1;
    bool documentStarted = false;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const YamlSourceLine &line = lines[i];
        if (!line.isContent())
            continue;
        const QByteArray trimmed = line.content.trimmed();
        if (line.indent == 0
            && (trimmed.startsWith("---") || trimmed.startsWith("...")
                || trimmed.startsWith('%'))) {
            if (topIndent >= 0 || documentStarted || trimmed.startsWith("..."))
                return Failure{QStringLiteral("line %1: the file holds more than one YAML document")
                                       .arg(line.number)};
            if (trimmed.startsWith("---")) {
                if (!withoutComment(trimmed.mid(3).trimmed()).isEmpty())
                    return Failure{QStringLiteral("line %1: content after '---'").arg(line.number)};
                documentStarted = true;
            }
            continue;
        }
        if (line.tabIndent)
            return Failure{QStringLiteral("line %1: indented with a tab").arg(line.number)};
        if (topIndent < 0)
            topIndent = line.indent;
        if (line.indent < topIndent)
            return Failure{QStringLiteral("line %1: indented less than the first profile")
                                   .arg(line.number)};
        if (line.indent > topIndent)
            continue;
        const auto key = parseYamlKeyLine(line.content.mid(line.indent));
        if (!key)
            return Failure{QStringLiteral("line %1: not written as 'profile:' in block style")
                                   .arg(line.number)};
        if (key->key != wanted)
            continue;
        if (profileLine >= 0)
            return lineFailure(profile, line.number,
                               QStringLiteral("defined more than once (also on line %1)")
                                       .arg(lines[profileLine].number));
        profileLine = i;
    }
    if (profileLine < 0)
        return Failure{QStringLiteral("no profile '%1' in the file").arg(profile)};

    const YamlSourceLine &header = lines[profileLine];
    const QByteArray headerValue =
            withoutComment(parseYamlKeyLine(header.content.mid(header.indent))->rest);
    if (headerValue.startsWith('&'))
        return lineFailure(profile, header.number,
                           QStringLiteral("it carries a YAML anchor, so other profiles may share "
                                          "its lines"));
    if (!headerValue.isEmpty())
        return lineFailure(profile, header.number,
                           QStringLiteral("its settings are not written one per line"));

    // The profile's own settings: the more-indented lines up to the next top-level line.
    int childIndent = -1;
    qsizetype secretLine = -1;
    bool inSecretValue = false;
    for (qsizetype i = profileLine + 1; i < lines.size(); ++i) {
        const YamlSourceLine &line = lines[i];
        if (!line.isContent())
            continue;
        if (line.indent <= topIndent)
            break;
        if (childIndent < 0)
            childIndent = line.indent;
        if (line.indent > childIndent) {
            if (inSecretValue)
                return lineFailure(profile, lines[secretLine].number,
                                   QStringLiteral("its value continues on the next line"));
            continue;
        }
        if (line.indent < childIndent)
            return lineFailure(profile, line.number, QStringLiteral("inconsistent indentation"));
        inSecretValue = false;
        const auto key = parseYamlKeyLine(line.content.mid(line.indent));
        if (!key)
            return lineFailure(profile, line.number,
                               QStringLiteral("a setting not written as 'key: value'"));
        if (key->key != secretKey)
            continue;
        if (secretLine >= 0)
            return lineFailure(profile, line.number,
                               QStringLiteral("aws_secret_access_key is set twice"));
        const QString problem = singleLineValueProblem(key->rest);
        if (!problem.isEmpty())
            return lineFailure(profile, line.number, problem);
        secretLine = i;
        inSecretValue = true;
    }
    if (secretLine < 0)
        return lineFailure(profile, header.number,
                           QStringLiteral("no aws_secret_access_key line of its own (it may come "
                                          "from a merge key or another profile)"));

    const YamlSourceLine &secret = lines[secretLine];
    return QByteArray(text.left(secret.start) + text.mid(secret.next));
}

} // namespace imsa
