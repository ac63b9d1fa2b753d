#include "logsetup.h"

#include <fcntl.h>
#include <unistd.h>

#include <QDateTime>
#include <QFile>
#include <QLoggingCategory>

#include "platform/statedir.h"

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

} // namespace

QString defaultLogFile()
{
    return stateDir() + QStringLiteral("/imsa.log");
}

void setUpLogging(const QString &logFile)
{
    QLoggingCategory::setFilterRules(QStringLiteral("imsa.*.debug=false\nqt.*.debug=false"));
    if (!logFile.isEmpty()) {
        const int fd = ::open(QFile::encodeName(logFile).constData(),
                              O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            logFd = fd;
    }
    qInstallMessageHandler(writeMessage);
}

} // namespace imsa::app
