#include <QFile>
#include <QThread>

#include "accesslogview.h"
#include "command.h"
#include "platform/statedir.h"

namespace imsa::cli {

namespace {

/// How often --follow looks for new lines: the file is local and small, a poll is enough and
/// needs no watcher that a rotation would confuse.
constexpr unsigned long followIntervalMs = 250;

void show(const QByteArray &line, const AccessLogFilter &filter, bool json, Io &io)
{
    const std::optional<AccessEvent> event = AccessEvent::fromJsonLine(line);
    if (!event || !filter.matches(*event))
        return;
    if (json)
        io.out << QString::fromUtf8(event->toJsonLine());
    else
        io.out << formatAccessEvent(*event) << "\n";
}

/// Shows the complete lines of `file` from where it is; returns the offset after the last one.
qint64 showNewLines(QFile &file, const AccessLogFilter &filter, bool json, Io &io)
{
    qint64 end = file.pos();
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (!line.endsWith('\n'))
            break; // being written: read again from its start next time
        show(line, filter, json, io);
        end = file.pos();
    }
    io.out.flush();
    return end;
}

} // namespace

int runLog(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    const QCommandLineOption follow(QStringLiteral("follow"),
                                    QStringLiteral("Keep showing new lines as they come."));
    const QCommandLineOption json(QStringLiteral("json"),
                                  QStringLiteral("One JSON object per line, as stored."));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     QStringLiteral("Only this profile's credentials."),
                                     QStringLiteral("PROFILE"));
    const QCommandLineOption since(QStringLiteral("since"),
                                   QStringLiteral("Only from this time on: 10m, 2h, 7d or an ISO "
                                                  "time."),
                                   QStringLiteral("TIME"));
    parser.addOptions({follow, json, profile, since});
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral("imsa log [--follow] [--json] [--profile PROFILE] [--since TIME]\n\n"
                               "Show which programs took which profile's credentials.")))
        return *exit;
    if (!parser.positionalArguments().isEmpty()) {
        io.err << "imsa log: takes no arguments\n";
        return ExitUsage;
    }
    AccessLogFilter filter;
    filter.profile = parser.value(profile);
    if (parser.isSet(since)) {
        const std::optional<QDateTime> start =
                parseSince(parser.value(since), QDateTime::currentDateTimeUtc());
        if (!start) {
            io.err << "imsa log: --since takes 10m, 2h, 7d or an ISO time like "
                      "2026-12-03T17:00:00Z\n";
            return ExitUsage;
        }
        filter.since = *start;
    }

    const QString path = app::accessLogPath();
    QFile previous(path + QStringLiteral(".1"));
    if (previous.open(QIODevice::ReadOnly))
        showNewLines(previous, filter, parser.isSet(json), io);
    QFile current(path);
    if (!current.open(QIODevice::ReadOnly) && !parser.isSet(follow))
        return ExitOk; // nothing was served yet
    qint64 offset = showNewLines(current, filter, parser.isSet(json), io);
    if (!parser.isSet(follow))
        return ExitOk;
    for (;;) {
        QThread::msleep(followIntervalMs);
        // Rotated (a new, shorter file) or created since: start over at its beginning.
        if (!current.isOpen() || QFile(path).size() < offset) {
            current.close();
            if (!current.open(QIODevice::ReadOnly))
                continue;
            offset = 0;
        }
        current.seek(offset);
        offset = showNewLines(current, filter, parser.isSet(json), io);
    }
}

} // namespace imsa::cli
