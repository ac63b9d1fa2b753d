#include "shellquote.h"

namespace imsa::cli {

std::optional<ShellSyntax> shellSyntax(const QString &name)
{
    if (name == QLatin1StringView("sh") || name == QLatin1StringView("bash")
        || name == QLatin1StringView("zsh"))
        return ShellSyntax::Sh;
    if (name == QLatin1StringView("fish"))
        return ShellSyntax::Fish;
    if (name == QLatin1StringView("powershell") || name == QLatin1StringView("pwsh"))
        return ShellSyntax::PowerShell;
    return std::nullopt;
}

QString exportLine(ShellSyntax syntax, const QString &name, const QString &value)
{
    QString quoted = value;
    switch (syntax) {
    case ShellSyntax::Sh:
        return QStringLiteral("export %1=%2").arg(name, shQuoted(value));
    case ShellSyntax::Fish:
        quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"));
        quoted.replace(QLatin1Char('\''), QStringLiteral("\\'"));
        return QStringLiteral("set -gx %1 '%2'").arg(name, quoted);
    case ShellSyntax::PowerShell:
        // PowerShell ends a single-quoted string at U+2018..U+201B as at ', and reads any of
        // them doubled as that one character.
        for (const char16_t quote : {u'\'', u'\u2018', u'\u2019', u'\u201A', u'\u201B'})
            quoted.replace(QChar(quote), QString(2, QChar(quote)));
        return QStringLiteral("$Env:%1 = '%2'").arg(name, quoted);
    }
    return {};
}

QString shQuoted(const QString &value)
{
    QString quoted = value;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

} // namespace imsa::cli
