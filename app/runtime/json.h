#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// Just enough JSON for the `imsa` launcher to read the app's `status` reply without Qt: a strict
// RFC 8259 reader (no comments, no trailing commas, no duplicate keys, nesting bounded) and a
// value type with lookups that answer "absent" for the wrong type.
namespace imsa::runtime {

class JsonValue
{
public:
    using Array = std::vector<JsonValue>;
    using Object = std::map<std::string, JsonValue, std::less<>>;

    JsonValue() = default; ///< null

    explicit JsonValue(bool value)
        : m_value(value)
    { }

    explicit JsonValue(double value)
        : m_value(value)
    { }

    explicit JsonValue(std::string value)
        : m_value(std::move(value))
    { }

    explicit JsonValue(Array value)
        : m_value(std::make_shared<Array>(std::move(value)))
    { }

    explicit JsonValue(Object value)
        : m_value(std::make_shared<Object>(std::move(value)))
    { }

    bool isNull() const { return std::holds_alternative<std::monostate>(m_value); }

    bool isObject() const { return std::holds_alternative<std::shared_ptr<Object>>(m_value); }

    std::optional<bool> boolean() const;
    std::optional<double> number() const;
    /// The string (UTF-8), or nothing for any other type.
    const std::string *string() const;
    const Array *array() const;
    const Object *object() const;

    /// The member `key` of an object; nothing when this is not an object or has no such member.
    const JsonValue *member(std::string_view key) const;
    /// The string member `key`, or "" when it is absent or not a string.
    std::string_view stringMember(std::string_view key) const;

private:
    std::variant<std::monostate, bool, double, std::string, std::shared_ptr<Array>,
                 std::shared_ptr<Object>>
            m_value;
};

/// The JSON document in `text` (leading and trailing white space allowed), or nothing when it
/// is not valid JSON, holds a string that is not valid UTF-8, or nests deeper than 32 levels.
std::optional<JsonValue> parseJson(std::string_view text);

} // namespace imsa::runtime
