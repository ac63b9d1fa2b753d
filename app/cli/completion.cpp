#include "command.h"

namespace imsa::cli {

namespace {

// The scripts ask `imsa __complete-profiles` for names, which reads the configuration files
// directly, so completion works before imsa is started.
//
// Profile names are data: a name like `x$(touch f)` or `a b` or `*` must be offered as it is and
// never run, split or globbed. bash: no `compgen -W` for them (it expands $(...) and backquotes
// in its word list) and no unquoted $(...); the lines are read as they are (while read, which
// bash 3.2 on macOS has too) and each match is inserted escaped with printf %q.
// zsh: compadd quotes what it inserts (so no -Q). fish: the lines of a command substitution are
// arguments as they are. tst_cli's completionOffersHostileProfileNamesLiterally checks all three.
constexpr QLatin1StringView bashScript{R"SH(# bash completion for imsa
_imsa_profiles() {
    local name escaped
    COMPREPLY=()
    while IFS= read -r name; do
        printf -v escaped '%q' "$name"
        if [[ "$name" == "$1"* || "$escaped" == "$1"* ]]; then
            COMPREPLY+=("$escaped")
        fi
    done < <(imsa __complete-profiles 2>/dev/null)
}
_imsa() {
    local cur prev words cword
    cur="${COMP_WORDS[COMP_CWORD]}"
    prev="${COMP_WORDS[COMP_CWORD-1]}"
    local commands="@COMMANDS@"
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version" -- "$cur"))
        return
    fi
    case "$prev" in
        --format)
            [ "${COMP_WORDS[1]}" = prompt ] && return
            COMPREPLY=($(compgen -W "sh fish powershell json" -- "$cur")); return ;;
        --listen|--log-file|--mfa-code|--destination|--region|--since) return ;;
        --profile) [ "${COMP_WORDS[1]}" = log ] && _imsa_profiles "$cur"; return ;;
        --service) COMPREPLY=($(compgen -W "cloudformation cloudwatch ec2 ecs eks iam lambda rds s3 sqs" -- "$cur")); return ;;
        completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur")); return ;;
    esac
    case "${COMP_WORDS[1]}" in
        assume|export|env|credential-process)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--mfa-code --format --help" -- "$cur"))
            else
                _imsa_profiles "$cur"
            fi ;;
        console)
            if [[ "$cur" == -* ]]; then
                COMPREPLY=($(compgen -W "--service --destination --region --print --mfa-code --help" -- "$cur"))
            else
                _imsa_profiles "$cur"
            fi ;;
        start) COMPREPLY=($(compgen -W "--foreground --headless --listen --log-file --imdsv2-only --threads --help" -- "$cur")) ;;
        status|profiles) COMPREPLY=($(compgen -W "--json --help" -- "$cur")) ;;
        log) COMPREPLY=($(compgen -W "--follow --json --profile --since --help" -- "$cur")) ;;
        allow|deny)
            if [ "$COMP_CWORD" -eq 2 ]; then
                _imsa_profiles "$cur"
            else
                COMPREPLY=($(compgen -f -- "$cur"))
            fi ;;
        prompt) COMPREPLY=($(compgen -W "--format --help" -- "$cur")) ;;
        *) COMPREPLY=($(compgen -W "--help" -- "$cur")) ;;
    esac
}
complete -F _imsa imsa
)SH"};

constexpr QLatin1StringView zshScript{R"SH(#compdef imsa
# zsh completion for imsa
_imsa() {
    local -a commands
    commands=(@COMMANDS@)
    if (( CURRENT == 2 )); then
        compadd -- $commands --help --version
        return
    fi
    case "$words[CURRENT-1]" in
        --format) [[ $words[2] == prompt ]] || compadd -- sh fish powershell json; return ;;
        completion) compadd -- bash zsh fish; return ;;
        --service) compadd -- cloudformation cloudwatch ec2 ecs eks iam lambda rds s3 sqs; return ;;
        --destination|--region|--mfa-code|--since) return ;;
        --profile) compadd -- ${(f)"$(imsa __complete-profiles 2>/dev/null)"}; return ;;
    esac
    case "$words[2]" in
        assume|export|env|credential-process)
            if [[ "$PREFIX" == -* ]]; then
                compadd -- --mfa-code --format --help
            else
                compadd -- ${(f)"$(imsa __complete-profiles 2>/dev/null)"}
            fi ;;
        console)
            if [[ "$PREFIX" == -* ]]; then
                compadd -- --service --destination --region --print --mfa-code --help
            else
                compadd -- ${(f)"$(imsa __complete-profiles 2>/dev/null)"}
            fi ;;
        start) compadd -- --foreground --headless --listen --log-file --imdsv2-only --threads --help ;;
        status|profiles) compadd -- --json --help ;;
        log) compadd -- --follow --json --profile --since --help ;;
        allow|deny)
            if (( CURRENT == 3 )); then
                compadd -- ${(f)"$(imsa __complete-profiles 2>/dev/null)"}
            else
                _files
            fi ;;
        prompt) compadd -- --format --help ;;
        *) compadd -- --help ;;
    esac
}
compdef _imsa imsa
)SH"};

constexpr QLatin1StringView fishScript{R"SH(# fish completion for imsa
complete -c imsa -f
complete -c imsa -n __fish_use_subcommand -a "@COMMANDS@"
for cmd in assume export env credential-process console
    complete -c imsa -n "__fish_seen_subcommand_from $cmd" -a "(imsa __complete-profiles 2>/dev/null)"
    complete -c imsa -n "__fish_seen_subcommand_from $cmd" -l mfa-code -r
end
complete -c imsa -n "__fish_seen_subcommand_from export env" -l format -xa "sh fish powershell json"
complete -c imsa -n "__fish_seen_subcommand_from console" -l service -xa "cloudformation cloudwatch ec2 ecs eks iam lambda rds s3 sqs"
complete -c imsa -n "__fish_seen_subcommand_from console" -l destination -r
complete -c imsa -n "__fish_seen_subcommand_from console" -l region -r
complete -c imsa -n "__fish_seen_subcommand_from console" -l print
complete -c imsa -n "__fish_seen_subcommand_from status profiles" -l json
complete -c imsa -n "__fish_seen_subcommand_from prompt" -l format -r
complete -c imsa -n "__fish_seen_subcommand_from start" -l foreground -l headless -l imdsv2-only
complete -c imsa -n "__fish_seen_subcommand_from start" -l listen -r
complete -c imsa -n "__fish_seen_subcommand_from start" -l log-file -r
complete -c imsa -n "__fish_seen_subcommand_from start" -l threads -r
complete -c imsa -n "__fish_seen_subcommand_from completion" -a "bash zsh fish"
complete -c imsa -n "__fish_seen_subcommand_from log" -l follow -l json
complete -c imsa -n "__fish_seen_subcommand_from log" -l profile -xa "(imsa __complete-profiles 2>/dev/null)"
complete -c imsa -n "__fish_seen_subcommand_from log" -l since -r
complete -c imsa -n "__fish_seen_subcommand_from allow deny" -a "(imsa __complete-profiles 2>/dev/null)" -F
)SH"};

} // namespace

int runCompletion(const QStringList &arguments, Io &io)
{
    QCommandLineParser parser;
    parser.addPositionalArgument(QStringLiteral("SHELL"), QStringLiteral("bash, zsh or fish."));
    if (auto exit = parseArguments(
                parser, arguments, io,
                QStringLiteral(
                        "imsa completion bash|zsh|fish\n\n"
                        "Print a completion script for commands, options and profile names:\n"
                        "  source <(imsa completion bash)")))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    const QString shell = positional.value(0);
    QString script;
    if (shell == QLatin1StringView("bash"))
        script = bashScript;
    else if (shell == QLatin1StringView("zsh"))
        script = zshScript;
    else if (shell == QLatin1StringView("fish"))
        script = fishScript;
    if (positional.size() != 1 || script.isEmpty()) {
        io.err << "imsa completion: expected one of bash, zsh, fish\n";
        return ExitUsage;
    }
    io.out << script.replace(QStringLiteral("@COMMANDS@"),
                             publicCommandNames().join(QLatin1Char(' ')));
    return ExitOk;
}

} // namespace imsa::cli
