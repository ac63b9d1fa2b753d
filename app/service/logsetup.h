#pragma once

#include <QString>

namespace imsa::app {

/// Sends Qt's log output to stderr (foreground) or appends it to `logFile` (0600).
/// Default rules hide debug chatter; QT_LOGGING_RULES="imsa.sts.debug=true" turns it on.
void setUpLogging(const QString &logFile);

} // namespace imsa::app
