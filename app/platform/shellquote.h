#pragma once

#include <optional>

#include <QString>

namespace imsa::cli {

enum class ShellSyntax {
    Sh,
    Fish,
    PowerShell
};

std::optional<ShellSyntax> shellSyntax(const QString &name);

/// `export NAME='value'` in the given shell's syntax, quoted so that eval can't be tricked.
QString exportLine(ShellSyntax syntax, const QString &name, const QString &value);

/// `value` as one sh word in single quotes: nothing in it is expanded, split or run. The tray's
/// copied commands use it too, so they quote exactly as `imsa export` does.
QString shQuoted(const QString &value);

} // namespace imsa::cli
