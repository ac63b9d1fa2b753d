#include "processidentity.h"

#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace imsa::app {

namespace {

const QLatin1StringView hidden("***");

bool namesSecret(QStringView option)
{
    static const QRegularExpression secretWords(
            QStringLiteral("pass(word|wd|phrase)?|secret|token|key"),
            QRegularExpression::CaseInsensitiveOption);
    return secretWords.match(option).hasMatch();
}

QString shown(const QString &argument)
{
    QString text = argument.size() > maxShownArgumentChars
            ? argument.first(maxShownArgumentChars - 1) + u'…'
            : argument;
    if (text.isEmpty() || text.contains(QRegularExpression(QStringLiteral("\\s"))))
        text = u'\'' + text + u'\'';
    return text;
}

enum class Interpreter {
    None,
    Python,
    Node,
    Shell,
    Perl,
    Ruby,
    Java
};

Interpreter interpreterOf(const QString &executable)
{
    static const QList<std::pair<QRegularExpression, Interpreter>> names{
            {QRegularExpression(QStringLiteral("^(python|pypy)[0-9.]*$")), Interpreter::Python},
            {QRegularExpression(QStringLiteral("^node(js)?$")), Interpreter::Node},
            {QRegularExpression(QStringLiteral("^(ba|da|z|k)?sh$")), Interpreter::Shell},
            {QRegularExpression(QStringLiteral("^perl[0-9.]*$")), Interpreter::Perl},
            {QRegularExpression(QStringLiteral("^ruby[0-9.]*$")), Interpreter::Ruby},
            {QRegularExpression(QStringLiteral("^java$")), Interpreter::Java},
    };
    const QString name = QFileInfo(executable).fileName();
    for (const auto &[pattern, interpreter] : names) {
        if (pattern.match(name).hasMatch())
            return interpreter;
    }
    return Interpreter::None;
}

/// How an interpreter's options read: which take the next argument as their value, which name
/// what is run (module, archive) and which run inline code.
struct OptionRules
{
    QStringList withValue;
    QStringList namingWhatRuns;
    QStringList inlineCode;
};

OptionRules rulesOf(Interpreter interpreter)
{
    switch (interpreter) {
    case Interpreter::Python:
        return {{QStringLiteral("-W"), QStringLiteral("-X")},
                {QStringLiteral("-m")},
                {QStringLiteral("-c")}};
    case Interpreter::Node:
        return {{QStringLiteral("-r"), QStringLiteral("--require"), QStringLiteral("--import"),
                 QStringLiteral("--loader")},
                {},
                {QStringLiteral("-e"), QStringLiteral("--eval"), QStringLiteral("-p"),
                 QStringLiteral("--print")}};
    case Interpreter::Shell:
        return {{QStringLiteral("-o"), QStringLiteral("-O"), QStringLiteral("--rcfile"),
                 QStringLiteral("--init-file")},
                {},
                {QStringLiteral("-c")}};
    case Interpreter::Perl:
    case Interpreter::Ruby:
        return {{QStringLiteral("-I"), QStringLiteral("-r")}, {}, {QStringLiteral("-e")}};
    case Interpreter::Java:
        return {{QStringLiteral("-cp"), QStringLiteral("-classpath"),
                 QStringLiteral("--class-path"), QStringLiteral("-p"),
                 QStringLiteral("--module-path")},
                {QStringLiteral("-jar"), QStringLiteral("-m"), QStringLiteral("--module")},
                {}};
    case Interpreter::None:
        break;
    }
    return {};
}

} // namespace

QString shortCommandLine(const QStringList &arguments)
{
    QStringList parts;
    bool hideNext = false;
    for (const QString &argument : arguments) {
        if (hideNext) {
            parts.append(hidden);
            hideNext = false;
            continue;
        }
        const qsizetype equals = argument.indexOf(u'=');
        if (argument.startsWith(u'-') && equals > 0 && namesSecret(argument.first(equals))) {
            parts.append(shown(argument.first(equals + 1) + hidden));
            continue;
        }
        if (argument.startsWith(u'-') && namesSecret(argument))
            hideNext = true;
        parts.append(shown(argument));
    }
    QString line = parts.join(u' ');
    if (line.size() > maxShownCommandLineChars)
        line = line.first(maxShownCommandLineChars - 1) + u'…';
    return line;
}

bool isInterpreter(const QString &executable)
{
    return interpreterOf(executable) != Interpreter::None;
}

QString programIdentity(const QString &executable, const QStringList &arguments,
                        const QString &workingDirectory)
{
    const Interpreter interpreter = interpreterOf(executable);
    if (interpreter == Interpreter::None)
        return executable;
    const OptionRules rules = rulesOf(interpreter);
    for (qsizetype i = 1; i < arguments.size(); ++i) {
        const QString &argument = arguments.at(i);
        if (rules.inlineCode.contains(argument))
            return executable + u' ' + argument;
        if (rules.namingWhatRuns.contains(argument) && i + 1 < arguments.size())
            return executable + u' ' + argument + u' ' + arguments.at(i + 1);
        if (rules.withValue.contains(argument)) {
            ++i;
            continue;
        }
        if (argument == QLatin1StringView("--") && i + 1 < arguments.size()) {
            ++i;
        } else if (argument.startsWith(u'-')) {
            continue;
        }
        const QString script =
                QDir::cleanPath(QDir(workingDirectory).absoluteFilePath(arguments.at(i)));
        return executable + u' ' + script;
    }
    return executable;
}

} // namespace imsa::app
