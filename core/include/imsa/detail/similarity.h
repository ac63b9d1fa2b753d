#pragma once

#include <algorithm>
#include <utility>

#include <QList>
#include <QString>
#include <QStringList>

namespace imsa::detail {

/// Levenshtein distance, case-insensitive: the number of single-character insertions,
/// deletions and substitutions between the two words.
inline int editDistance(QStringView a, QStringView b)
{
    QList<int> previous(b.size() + 1);
    QList<int> current(b.size() + 1);
    for (qsizetype j = 0; j <= b.size(); ++j)
        previous[j] = int(j);
    for (qsizetype i = 1; i <= a.size(); ++i) {
        current[0] = int(i);
        for (qsizetype j = 1; j <= b.size(); ++j) {
            const bool same = a[i - 1].toCaseFolded() == b[j - 1].toCaseFolded();
            current[j] = std::min(
                    {previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (same ? 0 : 1)});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

/// How far `candidate` is from what the user typed, or -1 when it is too different to
/// suggest. A candidate that contains the typed word ("mfa_serial" in "mfa_serial_number")
/// counts as close however long it is; otherwise up to a third of the characters may differ.
inline int suggestionDistance(const QString &typed, const QString &candidate)
{
    if (typed.isEmpty() || typed == candidate)
        return -1;
    const int distance = editDistance(typed, candidate);
    if (typed.size() >= 3 && candidate.contains(typed, Qt::CaseInsensitive))
        return distance;
    const int allowed = std::max<int>(1, int(std::max(typed.size(), candidate.size()) / 3));
    return distance <= allowed ? distance : -1;
}

/// Up to `max` candidates close to `typed`, closest first, ties by name.
inline QStringList similarWords(const QString &typed, const QStringList &candidates, int max)
{
    QList<std::pair<int, QString>> scored;
    for (const QString &candidate : candidates) {
        const int distance = suggestionDistance(typed, candidate);
        if (distance >= 0)
            scored.append({distance, candidate});
    }
    std::sort(scored.begin(), scored.end());
    QStringList result;
    for (const auto &entry : std::as_const(scored)) {
        if (result.size() >= max)
            break;
        result.append(entry.second);
    }
    return result;
}

/// "; did you mean 'x'?" for the closest candidate, or nothing.
inline QString didYouMean(const QString &typed, const QStringList &candidates)
{
    const QStringList best = similarWords(typed, candidates, 1);
    if (best.isEmpty())
        return {};
    return QStringLiteral("; did you mean '") + best.first() + QStringLiteral("'?");
}

} // namespace imsa::detail
