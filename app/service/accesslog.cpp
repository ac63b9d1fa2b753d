#include "accesslog.h"

#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QFile>

#include "imsa/logging.h"

namespace imsa::app {

AccessLog::AccessLog(QString path, qint64 limit)
    : m_path(std::move(path))
    , m_limit(limit)
{ }

AccessLog::~AccessLog()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool AccessLog::open()
{
    const QByteArray native = QFile::encodeName(m_path);
    m_fd = ::open(native.constData(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (m_fd < 0) {
        if (!m_failureLogged)
            qCWarning(lcImds) << "cannot write the access log" << m_path << ":"
                              << qt_error_string(errno);
        m_failureLogged = true;
        return false;
    }
    // A file an older version or the user made readable by others is narrowed.
    ::fchmod(m_fd, 0600);

    struct stat status
    { };

    m_size = ::fstat(m_fd, &status) == 0 ? status.st_size : 0;
    m_failureLogged = false;
    return true;
}

void AccessLog::rotate()
{
    ::close(m_fd);
    m_fd = -1;
    QFile::remove(m_path + QStringLiteral(".1"));
    QFile::rename(m_path, m_path + QStringLiteral(".1"));
}

void AccessLog::append(const AccessEvent &event)
{
    if (m_fd < 0 && !open())
        return;
    const QByteArray line = event.toJsonLine();
    if (m_size > 0 && m_size + line.size() > m_limit) {
        rotate();
        if (!open())
            return;
    }
    const ssize_t written = ::write(m_fd, line.constData(), size_t(line.size()));
    if (written > 0)
        m_size += written;
}

} // namespace imsa::app
