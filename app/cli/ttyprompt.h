#pragma once

#include <QObject>
#include <QSocketNotifier>

namespace imsa::cli {

/// Asks for a 6-digit MFA code on the controlling terminal without blocking the event loop, so
/// the tray dialog can answer first. Writes to /dev/tty, not stdout: `eval "$(imsa export P)"`
/// captures stdout. Echo stays on: a one-time code is no secret once used.
class TtyPrompt final : public QObject
{
    Q_OBJECT

public:
    ~TtyPrompt() override;

    /// Opens /dev/tty; false when there is no terminal (scripts, CI, a desktop launcher).
    bool open();
    void ask(const QString &question);
    /// Stops asking, e.g. because the code arrived another way.
    void cancel(const QString &why = {});

Q_SIGNALS:
    void answered(const QString &code);

private:
    void handleReadable();
    void write(const QString &text);

    int m_fd = -1;
    QSocketNotifier *m_notifier = nullptr;
    QString m_question;
    QByteArray m_buffer;
    bool m_asking = false;
};

} // namespace imsa::cli
