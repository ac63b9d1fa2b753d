#pragma once

#include <QString>

#include "imsa/accessevent.h"

namespace imsa::app {

/// The access log: one JSON line per credentials answer (imsa/accessevent.h), appended to a
/// file only the user can read (0600). At maxBytes the file becomes PATH.1 (replacing the one
/// before) and a new one starts, so the log keeps between maxBytes and twice that: about 10 000
/// to 20 000 answers. Each line is one write(2) to an O_APPEND file, so a reader never sees half
/// a line and nothing is lost when the app is killed.
class AccessLog
{
public:
    static constexpr qint64 maxBytes = 4 * 1024 * 1024;

    explicit AccessLog(QString path, qint64 limit = maxBytes);
    ~AccessLog();
    AccessLog(const AccessLog &) = delete;
    AccessLog &operator=(const AccessLog &) = delete;

    void append(const AccessEvent &event);

    QString path() const { return m_path; }

private:
    bool open();
    void rotate();

    QString m_path;
    qint64 m_limit;
    int m_fd = -1;
    qint64 m_size = 0;
    bool m_failureLogged = false;
};

} // namespace imsa::app
