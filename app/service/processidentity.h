#pragma once

#include <QString>
#include <QStringList>

namespace imsa::app {

/// Longest argument shown whole in a shortened command line; longer ones end in "…".
inline constexpr qsizetype maxShownArgumentChars = 80;
/// Longest shortened command line.
inline constexpr qsizetype maxShownCommandLineChars = 300;

/// `arguments` (argv, argv[0] first) for the access log: arguments that contain blanks quoted,
/// each cut at maxShownArgumentChars, the whole at maxShownCommandLineChars, and the value of any
/// option whose name says it holds a secret (password, secret, token, key) replaced by "***":
/// the log must not become a place where other programs' secrets pile up.
QString shortCommandLine(const QStringList &arguments);

/// Whether `executable` (a path) runs scripts: python*, pypy*, node, bash, sh, dash, zsh, ksh,
/// perl*, ruby*, java.
bool isInterpreter(const QString &executable);

/// What approvals are kept by: `executable` itself, or for an interpreter the executable plus
/// what it runs, so that approving one Python tool does not approve every Python program
/// (a PyPI install script runs under the same /usr/bin/python3). What it runs is the first
/// argument that is not an option (the script, made absolute against `workingDirectory`),
/// "-m MODULE" / "-jar FILE" for a module or archive, or "-c" / "-e" for inline code, which all
/// count as one program because nothing names them.
QString programIdentity(const QString &executable, const QStringList &arguments,
                        const QString &workingDirectory);

} // namespace imsa::app
