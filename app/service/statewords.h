#pragma once

#include <string_view>

#include <QString>

#include "imsa/profilestatus.h"
#include "runtime/appstate.h"

namespace imsa::app {

/// A profile's state as the state file (runtime/appstate.h) names it.
inline std::string_view stateWord(ProfileState state)
{
    switch (state) {
    case ProfileState::Inactive:
        return runtime::states::inactive;
    case ProfileState::NeedsMfa:
        return runtime::states::needsMfa;
    case ProfileState::Fetching:
        return runtime::states::fetching;
    case ProfileState::Ready:
        return runtime::states::ready;
    case ProfileState::Failed:
        return runtime::states::failed;
    }
    return {};
}

/// The same word for the control socket's `status` and `profiles`.
inline QString stateName(ProfileState state)
{
    const std::string_view word = stateWord(state);
    return QString::fromLatin1(word.data(), static_cast<qsizetype>(word.size()));
}

} // namespace imsa::app
