#include "statusview.h"

#include <algorithm>
#include <cmath>

namespace imsa::runtime {

namespace {

/// The number of `digits` digits at `text[at]`, or nothing.
std::optional<int> fixedNumber(std::string_view text, std::size_t at, std::size_t digits)
{
    if (text.size() < at + digits)
        return std::nullopt;
    int value = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
        if (text[i] < '0' || text[i] > '9')
            return std::nullopt;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

int daysInMonth(int year, int month)
{
    static constexpr int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/// `value` as an integer when it is one that fits (as QJsonValue::toInteger() reads it), else
/// nothing: converting any other double is undefined behaviour.
std::optional<std::int64_t> wholeNumber(double value)
{
    // 2^63 is exactly representable; every double below it converts.
    constexpr double limit = 9223372036854775808.0;
    if (!(value >= -limit && value < limit) || std::trunc(value) != value)
        return std::nullopt;
    return static_cast<std::int64_t>(value);
}

void appendLine(std::string &out, std::string_view label, std::string_view value)
{
    out.append(label).append(value).append("\n");
}

} // namespace

std::optional<std::int64_t> parseIsoTime(std::string_view text)
{
    // YYYY-MM-DDThh:mm:ss
    const auto year = fixedNumber(text, 0, 4);
    const auto month = fixedNumber(text, 5, 2);
    const auto day = fixedNumber(text, 8, 2);
    const auto hour = fixedNumber(text, 11, 2);
    const auto minute = fixedNumber(text, 14, 2);
    const auto second = fixedNumber(text, 17, 2);
    if (!year || !month || !day || !hour || !minute || !second || text[4] != '-' || text[7] != '-'
        || text[10] != 'T' || text[13] != ':' || text[16] != ':')
        return std::nullopt;
    if (*month < 1 || *month > 12 || *day < 1 || *day > daysInMonth(*year, *month) || *hour > 23
        || *minute > 59 || *second > 59)
        return std::nullopt;
    std::size_t at = 19;
    if (at < text.size() && text[at] == '.') {
        const std::size_t digitsStart = ++at;
        while (at < text.size() && text[at] >= '0' && text[at] <= '9')
            ++at;
        if (at == digitsStart)
            return std::nullopt;
    }
    std::int64_t offset = 0;
    const std::string_view zone = text.substr(std::min(at, text.size()));
    if (zone == "Z") {
        offset = 0;
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        const auto offsetHours = fixedNumber(zone, 1, 2);
        const auto offsetMinutes = fixedNumber(zone, 4, 2);
        if (!offsetHours || !offsetMinutes || *offsetHours > 23 || *offsetMinutes > 59)
            return std::nullopt;
        offset = (*offsetHours * 60 + *offsetMinutes) * 60 * (zone[0] == '-' ? -1 : 1);
    } else {
        return std::nullopt;
    }
    const std::int64_t days =
            daysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    return days * 86400 + *hour * 3600 + *minute * 60 + *second - offset;
}

std::string remainingText(std::int64_t now, std::int64_t until)
{
    if (until - now <= 0)
        return "expired";
    const std::int64_t minutes = (until - now + 59) / 60;
    if (minutes < 60)
        return std::to_string(minutes) + " min left";
    return std::to_string(minutes / 60) + " h " + std::to_string(minutes % 60) + " min left";
}

std::string renderStatus(const JsonValue &status, std::int64_t now)
{
    std::string out;
    const JsonValue *pidValue = status.member("pid");
    const std::int64_t pid = pidValue ? wholeNumber(pidValue->number().value_or(0)).value_or(0) : 0;
    out.append("imsa is running (pid ").append(std::to_string(pid)).append(")\n");
    appendLine(out, "  endpoint:     ", status.stringMember("endpoint"));
    const std::string_view profile = status.stringMember("profile");
    appendLine(out, "  profile:      ",
               profile.empty() ? std::string_view("(none; run: imsa assume PROFILE)") : profile);
    if (const std::string_view role = status.stringMember("sso_role_name"); !role.empty()) {
        appendLine(out, "  sign-in:      ",
                   std::string(status.stringMember("sso_start_url")) + " (IAM Identity Center)");
        appendLine(out, "  SSO role:     ",
                   std::string(role) + " in account "
                           + std::string(status.stringMember("sso_account_id")));
    }
    if (const std::string_view role = status.stringMember("role_arn"); !role.empty())
        appendLine(out, "  role:         ", role);
    if (!profile.empty())
        appendLine(out, "  state:        ", status.stringMember("state"));
    if (status.member("sts_endpoint"))
        appendLine(out, "  STS endpoint: ",
                   std::string(status.stringMember("sts_endpoint")) + " (not AWS)");
    const auto appendExpiry = [&](std::string_view label, std::string_view key) {
        const std::string_view iso = status.stringMember(key);
        if (const std::optional<std::int64_t> time = parseIsoTime(iso))
            appendLine(out, label, std::string(iso) + " (" + remainingText(now, *time) + ")");
    };
    appendExpiry("  credentials:  ", "expiration");
    appendExpiry("  MFA session:  ", "mfa_session_expiration");
    appendLine(out, "  key store:    ", status.stringMember("key_store"));
    if (status.member("last_error"))
        appendLine(out, "  last error:   ", status.stringMember("last_error"));
    const auto appendEach = [&](std::string_view prefix, std::string_view key) {
        const JsonValue *list = status.member(key);
        if (!list || !list->array())
            return;
        for (const JsonValue &item : *list->array())
            appendLine(out, prefix, item.string() ? std::string_view(*item.string()) : "");
    };
    appendEach("warning: ", "warnings");
    appendEach("configuration change rejected: ", "config_errors");
    return out;
}

} // namespace imsa::runtime
