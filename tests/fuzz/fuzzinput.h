#pragma once

#include <cstddef>
#include <cstdint>

#include <QByteArrayView>
#include <QLoggingCategory>

namespace imsa::fuzz {

/// libFuzzer's bytes as a view; Qt takes unsigned char pointers as bytes.
inline QByteArrayView bytes(const std::uint8_t *data, std::size_t size)
{
    return QByteArrayView(data, static_cast<qsizetype>(size));
}

/// The targets log refusals on purpose; printing them would cost most of the fuzzer's time.
inline void silenceLogging()
{
    QLoggingCategory::setFilterRules(QStringLiteral("imsa.*=false"));
}

} // namespace imsa::fuzz
