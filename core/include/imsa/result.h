#pragma once

#include <utility>
#include <variant>

#include <QString>

namespace imsa {

/// Either a value or an error, never both. Core functions return this instead of throwing.
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

    T &value() & { return std::get<0>(m_state); }

    T &&value() && { return std::get<0>(std::move(m_state)); }

    /// Valid only when !ok().
    const E &error() const { return std::get<1>(m_state); }

    const T *operator->() const { return &value(); }

private:
    std::variant<T, E> m_state;
};

/// For operations that produce no value.
struct Done
{ };

/// An error that is only a message for the user (where a typed code would have no reader).
struct Failure
{
    QString message;
};

} // namespace imsa
