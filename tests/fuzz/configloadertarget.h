#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include "imsa/profileloader.h"

// Fuzz input for the config loader: a selector byte, then either a ~/.imsa YAML document
// (even selector) or ~/.aws/config and ~/.aws/credentials separated by the first NUL (odd).
namespace imsa::fuzz {

/// Parses one fuzzed configuration; false when the result breaks an invariant of the loader.
inline bool fuzzConfigLoader(QByteArrayView data)
{
    if (data.isEmpty())
        return true;
    const QByteArray text = data.sliced(1).toByteArray();
    ProfileSet set;
    if ((data.front() & 1) == 0) {
        set = parseImsaYaml(text, QStringLiteral("fuzz.imsa"));
    } else {
        const qsizetype split = text.indexOf('\0');
        const QByteArray config = split < 0 ? text : text.first(split);
        const QByteArray credentials = split < 0 ? QByteArray() : text.sliced(split + 1);
        set = parseAwsConfig(config, QStringLiteral("config"), credentials,
                             QStringLiteral("credentials"));
    }
    // Every profile that loaded has a name that finds it again.
    for (const Profile &profile : set.profiles) {
        if (profile.name.isEmpty() || set.find(profile.name) == nullptr)
            return false;
    }
    return true;
}

} // namespace imsa::fuzz
