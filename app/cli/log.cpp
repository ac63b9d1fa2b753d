#include <QThread>

#include "accesslogview.h"
#include "command.h"
#include "platform/accesslogreader.h"
#include "platform/statedir.h"

namespace imsa::cli {

namespace {

/// How often --follow looks for new lines: the file is local and small, a poll is enough and
/// needs no watcher that a rotation would confuse.
constexpr unsigned long followIntervalMs = 250;

void show(const QList<AccessEvent> &events, const AccessLogFilter &filter, bool json, Io &io)
{
    for (const AccessEvent &event : events) {
        if (!filter.matches(event))
            continue;
        if (json)
            io.out << QString::fromUtf8(event.toJsonLine());
        else
            io.out << formatAccessEvent(event) << "\n";
    }
    io.out.flush();
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

    app::AccessLogReader reader(app::accessLogPath());
    show(reader.readNew(), filter, parser.isSet(json), io);
    if (!parser.isSet(follow))
        return ExitOk;
    for (;;) {
        QThread::msleep(followIntervalMs);
        show(reader.readNew(), filter, parser.isSet(json), io);
    }
}

} // namespace imsa::cli
