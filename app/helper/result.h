#pragma once

#include <utility>
#include <variant>

namespace imsa::helper {

/// Either a value or an error, like imsa::Result in core. The helper keeps its own copy because
/// core's header includes Qt, and nothing from Qt may be linked into the privileged helper.
template <typename T, typename E>
class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    { }

    Result(E error)
        : m_state(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_state.index() == 0; }

    explicit operator bool() const { return ok(); }

    /// Valid only when ok().
    const T &value() const & { return std::get<0>(m_state); }

    /// Valid only when !ok().
    const E &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, E> m_state;
};

/// For operations that produce no value.
struct Done
{ };

} // namespace imsa::helper
