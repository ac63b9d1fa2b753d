#pragma once

#include <optional>

#include <QString>
#include <QStringView>

namespace imsa {

/// The profile key `access`: who may take a profile's credentials from the endpoint.
enum class AccessPolicy {
    Allow, ///< any program of the user (the default); every answer is logged
    Notify, ///< any program, with a desktop notification the first time one takes them
    Ask ///< only programs the user approved (`imsa allow`); others get no credentials
};

/// `allow`, `notify` or `ask`; nullopt for anything else.
inline std::optional<AccessPolicy> parseAccessPolicy(QStringView text)
{
    if (text == QLatin1StringView("allow"))
        return AccessPolicy::Allow;
    if (text == QLatin1StringView("notify"))
        return AccessPolicy::Notify;
    if (text == QLatin1StringView("ask"))
        return AccessPolicy::Ask;
    return std::nullopt;
}

} // namespace imsa
