#include "json.h"

#include <charconv>

namespace imsa::runtime {

std::optional<bool> JsonValue::boolean() const
{
    if (const bool *value = std::get_if<bool>(&m_value))
        return *value;
    return std::nullopt;
}

std::optional<double> JsonValue::number() const
{
    if (const double *value = std::get_if<double>(&m_value))
        return *value;
    return std::nullopt;
}

const std::string *JsonValue::string() const
{
    return std::get_if<std::string>(&m_value);
}

const JsonValue::Array *JsonValue::array() const
{
    const auto *value = std::get_if<std::shared_ptr<Array>>(&m_value);
    return value ? value->get() : nullptr;
}

const JsonValue::Object *JsonValue::object() const
{
    const auto *value = std::get_if<std::shared_ptr<Object>>(&m_value);
    return value ? value->get() : nullptr;
}

const JsonValue *JsonValue::member(std::string_view key) const
{
    const Object *members = object();
    if (!members)
        return nullptr;
    const auto found = members->find(key);
    return found == members->end() ? nullptr : &found->second;
}

std::string_view JsonValue::stringMember(std::string_view key) const
{
    const JsonValue *value = member(key);
    const std::string *text = value ? value->string() : nullptr;
    return text ? std::string_view(*text) : std::string_view();
}

namespace {

constexpr int maxDepth = 32;

void appendUtf8(std::string &out, char32_t codePoint)
{
    if (codePoint < 0x80) {
        out += static_cast<char>(codePoint);
    } else if (codePoint < 0x800) {
        out += static_cast<char>(0xC0 | (codePoint >> 6));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else if (codePoint < 0x10000) {
        out += static_cast<char>(0xE0 | (codePoint >> 12));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (codePoint >> 18));
        out += static_cast<char>(0x80 | ((codePoint >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((codePoint >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (codePoint & 0x3F));
    }
}

/// The length of the valid UTF-8 sequence at the start of `text` (shortest form, no surrogates,
/// at most U+10FFFF), or 0.
std::size_t utf8SequenceLength(std::string_view text)
{
    const auto byte = [&](std::size_t i) {
        return static_cast<unsigned char>(text[i]);
    };
    const unsigned char lead = byte(0);
    std::size_t length = 0;
    char32_t codePoint = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
    } else {
        return 0;
    }
    if (text.size() < length)
        return 0;
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xC0) != 0x80)
            return 0;
        codePoint = (codePoint << 6) | (byte(i) & 0x3F);
    }
    const char32_t shortest = length == 3 ? 0x800 : length == 4 ? 0x10000 : 0x80;
    if (codePoint < shortest || codePoint > 0x10FFFF
        || (codePoint >= 0xD800 && codePoint <= 0xDFFF))
        return 0;
    return length;
}

class Reader
{
public:
    explicit Reader(std::string_view text)
        : m_text(text)
    { }

    std::optional<JsonValue> document()
    {
        std::optional<JsonValue> value = this->value(0);
        skipSpace();
        if (!value || m_pos != m_text.size())
            return std::nullopt;
        return value;
    }

private:
    std::optional<JsonValue> value(int depth)
    {
        skipSpace();
        if (m_pos == m_text.size() || depth >= maxDepth)
            return std::nullopt;
        switch (m_text[m_pos]) {
        case '{':
            return object(depth);
        case '[':
            return array(depth);
        case '"':
            if (auto text = string())
                return JsonValue(std::move(*text));
            return std::nullopt;
        case 't':
            return literal("true", JsonValue(true));
        case 'f':
            return literal("false", JsonValue(false));
        case 'n':
            return literal("null", JsonValue());
        default:
            return number();
        }
    }

    std::optional<JsonValue> literal(std::string_view word, JsonValue value)
    {
        if (m_text.substr(m_pos, word.size()) != word)
            return std::nullopt;
        m_pos += word.size();
        return value;
    }

    std::optional<JsonValue> object(int depth)
    {
        ++m_pos; // '{'
        JsonValue::Object members;
        skipSpace();
        if (consume('}'))
            return JsonValue(std::move(members));
        do {
            skipSpace();
            std::optional<std::string> key = peek('"') ? string() : std::nullopt;
            skipSpace();
            if (!key || !consume(':'))
                return std::nullopt;
            std::optional<JsonValue> member = value(depth + 1);
            if (!member || !members.emplace(std::move(*key), std::move(*member)).second)
                return std::nullopt;
            skipSpace();
        } while (consume(','));
        if (!consume('}'))
            return std::nullopt;
        return JsonValue(std::move(members));
    }

    std::optional<JsonValue> array(int depth)
    {
        ++m_pos; // '['
        JsonValue::Array elements;
        skipSpace();
        if (consume(']'))
            return JsonValue(std::move(elements));
        do {
            std::optional<JsonValue> element = value(depth + 1);
            if (!element)
                return std::nullopt;
            elements.push_back(std::move(*element));
            skipSpace();
        } while (consume(','));
        if (!consume(']'))
            return std::nullopt;
        return JsonValue(std::move(elements));
    }

    std::optional<std::string> string()
    {
        ++m_pos; // '"'
        std::string out;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '"') {
                ++m_pos;
                return out;
            }
            if (static_cast<unsigned char>(c) < 0x20)
                return std::nullopt;
            if (c == '\\') {
                if (!escape(out))
                    return std::nullopt;
                continue;
            }
            if (static_cast<unsigned char>(c) < 0x80) {
                out += c;
                ++m_pos;
                continue;
            }
            const std::size_t length = utf8SequenceLength(m_text.substr(m_pos));
            if (length == 0)
                return std::nullopt;
            out.append(m_text.substr(m_pos, length));
            m_pos += length;
        }
        return std::nullopt;
    }

    bool escape(std::string &out)
    {
        if (++m_pos == m_text.size())
            return false;
        const char c = m_text[m_pos++];
        switch (c) {
        case '"':
        case '\\':
        case '/':
            out += c;
            return true;
        case 'b':
            out += '\b';
            return true;
        case 'f':
            out += '\f';
            return true;
        case 'n':
            out += '\n';
            return true;
        case 'r':
            out += '\r';
            return true;
        case 't':
            out += '\t';
            return true;
        case 'u':
            break;
        default:
            return false;
        }
        std::optional<char32_t> unit = hex4();
        if (!unit || (*unit >= 0xDC00 && *unit <= 0xDFFF))
            return false;
        char32_t codePoint = *unit;
        if (codePoint >= 0xD800 && codePoint <= 0xDBFF) {
            // A high surrogate must be followed by an escaped low one.
            if (m_text.substr(m_pos, 2) != "\\u")
                return false;
            m_pos += 2;
            const std::optional<char32_t> low = hex4();
            if (!low || *low < 0xDC00 || *low > 0xDFFF)
                return false;
            codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (*low - 0xDC00);
        }
        appendUtf8(out, codePoint);
        return true;
    }

    std::optional<char32_t> hex4()
    {
        if (m_text.size() - m_pos < 4)
            return std::nullopt;
        char32_t value = 0;
        for (int i = 0; i < 4; ++i) {
            const char c = m_text[m_pos++];
            value <<= 4;
            if (c >= '0' && c <= '9')
                value |= static_cast<char32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                value |= static_cast<char32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                value |= static_cast<char32_t>(c - 'A' + 10);
            else
                return std::nullopt;
        }
        return value;
    }

    std::optional<JsonValue> number()
    {
        // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
        const std::size_t start = m_pos;
        consume('-');
        if (consume('0')) {
            // no leading zeros
        } else if (!digits()) {
            return std::nullopt;
        }
        if (consume('.') && !digits())
            return std::nullopt;
        if (consume('e') || consume('E')) {
            if (!consume('+'))
                consume('-');
            if (!digits())
                return std::nullopt;
        }
        // from_chars, not strtod: it ignores the locale (imsa-cli sets the user's).
        double value = 0;
        const auto [end, error] =
                std::from_chars(m_text.data() + start, m_text.data() + m_pos, value);
        if (error != std::errc() || end != m_text.data() + m_pos)
            return std::nullopt;
        return JsonValue(value);
    }

    bool digits()
    {
        const std::size_t start = m_pos;
        while (m_pos < m_text.size() && m_text[m_pos] >= '0' && m_text[m_pos] <= '9')
            ++m_pos;
        return m_pos > start;
    }

    void skipSpace()
    {
        while (m_pos < m_text.size()
               && (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\n'
                   || m_text[m_pos] == '\r'))
            ++m_pos;
    }

    bool peek(char c) const { return m_pos < m_text.size() && m_text[m_pos] == c; }

    bool consume(char c)
    {
        if (!peek(c))
            return false;
        ++m_pos;
        return true;
    }

    std::string_view m_text;
    std::size_t m_pos = 0;
};

} // namespace

std::optional<JsonValue> parseJson(std::string_view text)
{
    return Reader(text).document();
}

} // namespace imsa::runtime
