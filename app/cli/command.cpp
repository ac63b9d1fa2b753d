#include "command.h"

namespace imsa::cli {

std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments, Io &io,
                                  const QString &usage)
{
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help."));
    parser.addOption(help);
    if (!parser.parse(arguments)) {
        io.err << "imsa " << arguments.value(0) << ": " << parser.errorText() << "\n"
               << "Try 'imsa " << arguments.value(0) << " --help'.\n";
        return ExitUsage;
    }
    if (parser.isSet(help)) {
        // Qt's own usage line names only the binary; ours names the subcommand.
        io.out << "Usage: " << usage << "\n" << parser.helpText().section(QLatin1Char('\n'), 1);
        return ExitOk;
    }
    return std::nullopt;
}

std::optional<int> requireProfileArgument(const QCommandLineParser &parser, const QString &command,
                                          Io &io)
{
    if (parser.positionalArguments().size() == 1)
        return std::nullopt;
    io.err << "imsa " << command << ": expected exactly one PROFILE argument\n"
           << "Try 'imsa " << command << " --help'.\n";
    return ExitUsage;
}

} // namespace imsa::cli
