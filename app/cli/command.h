#pragma once

#include <functional>
#include <optional>

#include <QCommandLineParser>
#include <QStringList>
#include <QTextStream>

#include "platform/exitcode.h"

namespace imsa::cli {

using app::ExitCode;
using enum app::ExitCode;

/// Where commands write; tests swap in buffers.
struct Io
{
    QTextStream &out;
    QTextStream &err;
};

/// One `imsa` subcommand: its name, a one-line summary for `imsa --help`, and its entry point.
/// `arguments` starts with the command name, which QCommandLineParser skips like a program name.
struct Command
{
    QLatin1StringView name;
    QLatin1StringView summary;
    std::function<int(const QStringList &arguments, Io &io)> run;
};

struct DoctorProbes;

/// Every command, in the order `imsa --help` lists them (commandtable.cpp).
QList<Command> commands(const DoctorProbes &probes);

/// The names `imsa --help` and the completion scripts offer.
QStringList publicCommandNames();

/// Parses a command's arguments. Returns an exit code when the command must stop here: 0 after
/// printing --help, 2 after printing a usage error.
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments, Io &io,
                                  const QString &usage);

/// The single positional PROFILE argument, or an exit code after printing the usage error.
std::optional<int> requireProfileArgument(const QCommandLineParser &parser, const QString &command,
                                          Io &io);

} // namespace imsa::cli
