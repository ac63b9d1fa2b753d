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

} // namespace imsa::cli
