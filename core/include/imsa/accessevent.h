#pragma once

#include <optional>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

#include "imsa/detail/jsonstring.h"

namespace imsa {

/// One line of the access log: which program took (or was refused) which profile's
/// credentials, and how. The app writes it, `imsa log` reads it; never holds a secret.
struct AccessEvent
{
    QDateTime time;
    QString profile;
    QString route; ///< "imds", "container" or "cli" (export, credential-process)
    QString result; ///< "served" or "denied"
    qint64 uid = -1; ///< -1: unknown
    qint64 pid = -1; ///< -1: not resolved, see `unresolved`
    QString executable; ///< /proc/PID/exe
    QString commandLine; ///< shortened, secrets blanked (processidentity.h)
    QString parentExecutable;
    QString program; ///< what approvals are kept by: the executable, or interpreter + script
    QString unresolved; ///< why the process is unknown ("other user", "closed", …); empty if known
    /// 0 for one answer; N for a line that stands for N more answers like the one before it on
    /// one connection, written when the connection ended or its answer changed (accessguard.h).
    qint64 repeats = 0;

    /// One line of the log, newline included. Written by hand, not through QJsonObject: a burst
    /// of fresh connections writes a line each, and the generic path cost 10 % of the serving
    /// thread's time in one (measured with perf, 2026-12-04).
    QByteArray toJsonLine() const
    {
        using detail::appendJsonMember;
        using detail::jsonString;
        QByteArray line = "{";
        line.reserve(320);
        const auto addText = [&line](QLatin1StringView key, const QString &value) {
            if (!value.isEmpty())
                appendJsonMember(line, key, jsonString(value));
        };
        appendJsonMember(line, QLatin1StringView("time"),
                         jsonString(time.toUTC().toString(Qt::ISODateWithMs)));
        appendJsonMember(line, QLatin1StringView("profile"), jsonString(profile));
        appendJsonMember(line, QLatin1StringView("route"), jsonString(route));
        appendJsonMember(line, QLatin1StringView("result"), jsonString(result));
        appendJsonMember(line, QLatin1StringView("uid"), QByteArray::number(uid));
        appendJsonMember(line, QLatin1StringView("pid"), QByteArray::number(pid));
        addText(QLatin1StringView("exe"), executable);
        addText(QLatin1StringView("cmdline"), commandLine);
        addText(QLatin1StringView("parent"), parentExecutable);
        addText(QLatin1StringView("program"), program);
        addText(QLatin1StringView("unresolved"), unresolved);
        if (repeats > 0)
            appendJsonMember(line, QLatin1StringView("repeats"), QByteArray::number(repeats));
        line += "}\n";
        return line;
    }

    /// A line of the log; nullopt for anything that is not an object with a valid time.
    static std::optional<AccessEvent> fromJsonLine(QByteArrayView line)
    {
        const QJsonDocument document = QJsonDocument::fromJson(line.toByteArray());
        if (!document.isObject())
            return std::nullopt;
        const QJsonObject json = document.object();
        AccessEvent event;
        event.time = QDateTime::fromString(json.value(QStringLiteral("time")).toString(),
                                           Qt::ISODateWithMs);
        if (!event.time.isValid())
            return std::nullopt;
        event.profile = json.value(QStringLiteral("profile")).toString();
        event.route = json.value(QStringLiteral("route")).toString();
        event.result = json.value(QStringLiteral("result")).toString();
        event.uid = json.value(QStringLiteral("uid")).toInteger(-1);
        event.pid = json.value(QStringLiteral("pid")).toInteger(-1);
        event.executable = json.value(QStringLiteral("exe")).toString();
        event.commandLine = json.value(QStringLiteral("cmdline")).toString();
        event.parentExecutable = json.value(QStringLiteral("parent")).toString();
        event.program = json.value(QStringLiteral("program")).toString();
        event.unresolved = json.value(QStringLiteral("unresolved")).toString();
        event.repeats = json.value(QStringLiteral("repeats")).toInteger(0);
        return event;
    }
};

} // namespace imsa
