#include "logsetup.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDateTime>
#include <QFile>
#include <QLoggingCategory>

namespace imsa::app {

namespace {

int logFd = STDERR_FILENO;

void writeMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static constexpr const char *levels[] = {"debug", "warning", "critical", "fatal", "info"};
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8() + ' '
            + levels[type] + ' ' + (context.category ? context.category : "default") + ": "
            + message.toUtf8() + '\n';
    // One write per line, so concurrent writers never interleave within a line.
    [[maybe_unused]] const ssize_t written = ::write(logFd, line.constData(), line.size());
}

/// A log an older version made 0644 becomes 0600. Only a regular file: --log-file /dev/stderr
/// must not change a terminal's mode.
void narrowOldLog(int fd)
{
    struct stat info
    { };

    if (::fstat(fd, &info) == 0 && S_ISREG(info.st_mode) && (info.st_mode & 077) != 0)
        ::fchmod(fd, 0600);
}

} // namespace

void setUpLogging(const QString &logFile)
{
    QLoggingCategory::setFilterRules(QStringLiteral("imsa.*.debug=false\nqt.*.debug=false"));
    if (!logFile.isEmpty()) {
        const int fd = ::open(QFile::encodeName(logFile).constData(),
                              O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0) {
            narrowOldLog(fd);
            logFd = fd;
        }
    }
    qInstallMessageHandler(writeMessage);
}

} // namespace imsa::app
