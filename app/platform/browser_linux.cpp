#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

#include <QFile>
#include <QProcess>
#include <QTimer>
#include <QUuid>

#include "browser.h"

namespace imsa::app {

namespace {

/// Removes the page it owns when it goes, whichever comes first: its timer or its parent.
class BrowserPage final : public QObject
{
public:
    BrowserPage(QString path, QObject *parent)
        : QObject(parent)
        , m_path(std::move(path))
    {
        QTimer::singleShot(browserPageLifetimeMs, this, &QObject::deleteLater);
    }

    ~BrowserPage() override { QFile::remove(m_path); }

    BrowserPage(const BrowserPage &) = delete;
    BrowserPage &operator=(const BrowserPage &) = delete;

private:
    QString m_path;
};

QString htmlEscaped(const QString &text)
{
    return text.toHtmlEscaped().replace(QLatin1Char('\''), QStringLiteral("&#39;"));
}

/// A JavaScript string literal that cannot end the string or the script element.
QString scriptString(const QString &text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
            .replace(QLatin1Char('"'), QStringLiteral("\\\""))
            .replace(QLatin1Char('<'), QStringLiteral("\\u003c"))
            .replace(QLatin1Char('>'), QStringLiteral("\\u003e"));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

Result<Done, Failure> writePrivateFile(const QString &path, const QByteArray &content)
{
    const QByteArray native = QFile::encodeName(path);
    // O_EXCL and O_NOFOLLOW: never write through something already there.
    const int fd =
            ::open(native.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return Failure{QStringLiteral("cannot create %1: %2")
                               .arg(path, QString::fromLocal8Bit(strerror(errno)))};
    qsizetype written = 0;
    while (written < content.size()) {
        const ssize_t n = ::write(fd, content.constData() + written,
                                  static_cast<size_t>(content.size() - written));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const QString reason = QString::fromLocal8Bit(strerror(errno));
            ::close(fd);
            ::unlink(native.constData());
            return Failure{QStringLiteral("cannot write %1: %2").arg(path, reason)};
        }
        written += n;
    }
    ::close(fd);
    return Done{};
}

} // namespace

QStringList browserCommand(const QString &browserVariable, const QString &target)
{
    const QString first = browserVariable.section(QLatin1Char(':'), 0, 0).trimmed();
    QStringList command = QProcess::splitCommand(first);
    if (command.isEmpty())
        return {QStringLiteral("xdg-open"), target};
    bool replaced = false;
    for (QString &word : command) {
        if (word.contains(QLatin1StringView("%s"))) {
            word.replace(QLatin1StringView("%s"), target);
            replaced = true;
        }
    }
    if (!replaced)
        command.append(target);
    return command;
}

QByteArray redirectPage(const QUrl &url)
{
    const QString target = url.toString(QUrl::FullyEncoded);
    return QStringLiteral("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">\n"
                          "<meta name=\"referrer\" content=\"no-referrer\">\n"
                          "<meta http-equiv=\"refresh\" content=\"0;url=%1\">\n"
                          "<title>imsa: opening the AWS console</title>\n"
                          "<script>location.replace(%2);</script>\n"
                          "</head><body><p><a href=\"%1\">Open the AWS console</a></p>"
                          "</body></html>\n")
            .arg(htmlEscaped(target), scriptString(target))
            .toUtf8();
}

Result<Done, Failure> openInBrowser(const QUrl &url, const QString &directory,
                                    const QProcessEnvironment &environment, QObject *context)
{
    const QString path = directory + QStringLiteral("/console-")
            + QUuid::createUuid().toString(QUuid::Id128) + QStringLiteral(".html");
    auto written = writePrivateFile(path, redirectPage(url));
    if (!written)
        return written.error();
    auto *page = new BrowserPage(path, context);

    const QStringList command = browserCommand(environment.value(QStringLiteral("BROWSER")),
                                               QUrl::fromLocalFile(path).toString());
    QProcess process;
    process.setProgram(command.first());
    process.setArguments(command.mid(1));
    process.setProcessEnvironment(environment);
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(QProcess::nullDevice());
    process.setStandardErrorFile(QProcess::nullDevice());
    if (!process.startDetached()) {
        delete page;
        return Failure{QStringLiteral("cannot start the browser '%1' (%2); set BROWSER, or use "
                                      "imsa console --print")
                               .arg(command.first(),
                                    environment.contains(QStringLiteral("BROWSER"))
                                            ? QStringLiteral("from BROWSER")
                                            : QStringLiteral("no BROWSER set"))};
    }
    return Done{};
}

} // namespace imsa::app
