#pragma once

#include <QByteArray>
#include <QObject>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QUrl>

#include "imsa/result.h"

namespace imsa::app {

/// How long the page that sends the browser on stays on disk: long enough for a browser that
/// is still starting, short for a file that holds a bearer credential.
inline constexpr int browserPageLifetimeMs = 60 * 1000;

/// Opens `url` in the user's browser without putting it on a command line, where every local
/// user could read it in /proc/PID/cmdline for the browser's lifetime: writes a 0600 page to
/// `directory` (the per-user runtime directory) that sends the browser on to `url`, and opens
/// file://PAGE with $BROWSER or xdg-open. The page is removed after browserPageLifetimeMs, or
/// when `context` is destroyed if that comes first.
Result<Done, Failure> openInBrowser(const QUrl &url, const QString &directory,
                                    const QProcessEnvironment &environment, QObject *context);

/// The program and arguments that open `target`: the first entry of the colon-separated
/// $BROWSER (split into words like a command line, "%s" replaced by `target`, else `target`
/// appended), else xdg-open. Run without a shell.
QStringList browserCommand(const QString &browserVariable, const QString &target);

/// An HTML page that replaces itself with `url` (meta refresh, and location.replace so that
/// Back does not return to it).
QByteArray redirectPage(const QUrl &url);

} // namespace imsa::app
