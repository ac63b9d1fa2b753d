#include "prompt.h"

#include <ctime>

#include "runtimepaths.h"

namespace imsa::runtime {

namespace {

constexpr std::string_view usage =
        "Usage: imsa prompt [--format FORMAT]\n\n"
        "Print the active profile and the time until imsa needs you (a new MFA code), for a "
        "shell prompt.\nPrints nothing when imsa is not running or no profile is active.\n\n"
        "  --format FORMAT  %p profile, %t time left or state (42m, mfa?, ..., err),\n"
        "                   %s state (ready, needs-mfa, fetching, failed, inactive),\n"
        "                   %r seconds left, %% a percent sign. Default: \"%p %t\".\n";

std::string durationText(std::int64_t seconds)
{
    const std::int64_t minutes = seconds / 60;
    if (minutes < 60)
        return std::to_string(minutes) + "m";
    const std::int64_t rest = minutes % 60;
    return std::to_string(minutes / 60) + "h" + (rest < 10 ? "0" : "") + std::to_string(rest) + "m";
}

std::string_view trimSpaces(std::string_view text)
{
    while (!text.empty() && text.front() == ' ')
        text.remove_prefix(1);
    while (!text.empty() && text.back() == ' ')
        text.remove_suffix(1);
    return text;
}

} // namespace

std::string promptTimeText(const AppState &state, std::int64_t now)
{
    if (state.state == states::needsMfa)
        return "mfa?";
    if (state.state == states::fetching)
        return "...";
    if (state.state == states::failed)
        return "err";
    if (state.state != states::ready || !state.actBy)
        return {};
    // Past the end the app is about to say it needs a code; say it first.
    if (*state.actBy <= now)
        return "mfa?";
    return durationText(*state.actBy - now);
}

std::string renderPrompt(const AppState &state, std::string_view format, std::int64_t now)
{
    if (state.profile.empty())
        return {};
    std::string text;
    for (std::size_t i = 0; i < format.size(); ++i) {
        if (format[i] != '%' || i + 1 == format.size()) {
            text += format[i];
            continue;
        }
        switch (format[++i]) {
        case 'p':
            text += state.profile;
            break;
        case 't':
            text += promptTimeText(state, now);
            break;
        case 's':
            text += state.state;
            break;
        case 'r':
            if (state.actBy)
                text += std::to_string(*state.actBy > now ? *state.actBy - now : 0);
            break;
        case '%':
            text += '%';
            break;
        default:
            // Unknown: kept as written, so that a typo shows in the prompt instead of vanishing.
            text += '%';
            text += format[i];
        }
    }
    return std::string(trimSpaces(text));
}

int runPrompt(const std::vector<std::string> &arguments, std::string &out, std::string &err)
{
    std::string_view format = defaultPromptFormat;
    for (std::size_t i = 0; i < arguments.size(); ++i) {
        const std::string &argument = arguments[i];
        if (argument == "--help" || argument == "-h") {
            out = usage;
            return 0;
        }
        if (argument == "--format" && i + 1 < arguments.size()) {
            format = arguments[++i];
        } else if (argument.starts_with("--format=")) {
            format = std::string_view(argument).substr(9);
        } else {
            err = "imsa prompt: unexpected argument '" + argument + "'\n\n" + std::string(usage);
            return 2;
        }
    }
    const std::optional<AppState> state = readRunningAppState(runtimeDirectory());
    if (!state)
        return 0;
    const std::string text = renderPrompt(*state, format, std::time(nullptr));
    if (!text.empty())
        out = text + "\n";
    return 0;
}

} // namespace imsa::runtime
