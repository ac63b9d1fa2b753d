#include "ttyprompt.h"

#include <fcntl.h>
#include <unistd.h>

#include <QRegularExpression>

namespace imsa::cli {

TtyPrompt::~TtyPrompt()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool TtyPrompt::open()
{
    if (m_fd >= 0)
        return true;
    m_fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
    if (m_fd < 0)
        return false;
    m_notifier = new QSocketNotifier(m_fd, QSocketNotifier::Read, this);
    m_notifier->setEnabled(false);
    connect(m_notifier, &QSocketNotifier::activated, this, &TtyPrompt::handleReadable);
    return true;
}

void TtyPrompt::write(const QString &text)
{
    const QByteArray bytes = text.toLocal8Bit();
    // Best effort: a terminal that went away just doesn't see the prompt.
    [[maybe_unused]] const ssize_t written = ::write(m_fd, bytes.constData(), bytes.size());
}

void TtyPrompt::ask(const QString &question)
{
    m_question = question;
    m_asking = true;
    m_buffer.clear();
    write(question);
    m_notifier->setEnabled(true);
}

void TtyPrompt::cancel(const QString &why)
{
    if (!m_asking)
        return;
    m_asking = false;
    m_notifier->setEnabled(false);
    write(why.isEmpty() ? QStringLiteral("\n") : QStringLiteral("\n") + why + QLatin1Char('\n'));
}

void TtyPrompt::handleReadable()
{
    char chunk[256];
    const ssize_t count = ::read(m_fd, chunk, sizeof(chunk));
    if (count <= 0) {
        // EOF (Ctrl-D) or the terminal is gone: stop asking; another answer may still come.
        m_notifier->setEnabled(false);
        m_asking = false;
        return;
    }
    m_buffer.append(chunk, count);
    const qsizetype newline = m_buffer.indexOf('\n');
    if (newline < 0)
        return;
    const QString line = QString::fromLocal8Bit(m_buffer.left(newline)).trimmed();
    m_buffer.clear();
    static const QRegularExpression sixDigits(QStringLiteral("^\\d{6}$"));
    if (!sixDigits.match(line).hasMatch()) {
        write(QStringLiteral("An MFA code is exactly 6 digits. ") + m_question);
        return;
    }
    m_asking = false;
    m_notifier->setEnabled(false);
    Q_EMIT answered(line);
}

} // namespace imsa::cli
