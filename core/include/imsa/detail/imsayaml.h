#pragma once

#include <algorithm>
#include <array>
#include <exception>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include "imsa/configerror.h"
#include "imsa/detail/rawprofile.h"
#include "imsa/detail/similarity.h"
#include "imsa/detail/yamldocumentscan.h"

// Reading ~/.imsa: yaml-cpp builds the node tree, this walks it by hand because yaml-cpp 0.7
// keeps duplicate keys silently (first wins on lookup) and its conversions throw.
namespace imsa::detail {

struct ImsaKey
{
    const char *name;
    Setting setting;
};

/// The keys of the original Python imsa (github.com/sblask/imsa) first, then imsa's own.
/// `region_name` is how the Python imsa's first README spelled `region`.
inline constexpr std::array<ImsaKey, 21> imsaKeys{{
        {"aws_access_key_id", Setting::AccessKeyId},
        {"aws_secret_access_key", Setting::SecretAccessKey},
        {"role_session_name", Setting::RoleSessionName},
        {"mfa_serial_number", Setting::MfaSerial},
        {"role_arn", Setting::RoleArn},
        {"extends", Setting::Parent},
        {"region", Setting::Region},
        {"region_name", Setting::Region},
        {"role_duration_seconds", Setting::RoleDurationSeconds},
        {"mfa_session_duration_seconds", Setting::MfaSessionDurationSeconds},
        {"external_id", Setting::ExternalId},
        {"sts_endpoint", Setting::StsEndpoint},
        {"sts_region", Setting::StsRegion},
        {"mfa_process", Setting::MfaProcess},
        {"sso_start_url", Setting::SsoStartUrl},
        {"sso_region", Setting::SsoRegion},
        {"sso_account_id", Setting::SsoAccountId},
        {"sso_role_name", Setting::SsoRoleName},
        {"sso_session", Setting::SsoSession},
        {"sso_registration_scopes", Setting::SsoRegistrationScopes},
        {"access", Setting::Access},
}};

/// YAML merge keys (`<<: *base`) nested deeper than this are refused.
inline constexpr int maxMergeDepth = 8;
/// A profile may bring in at most this many mappings through merge keys. Aliases let a small
/// file name the same mapping over and over (`<<: [*a, *a, *a]` at every level), which would
/// otherwise be read an exponential number of times.
inline constexpr int maxMergedMappings = 64;
/// All merge keys of one file together may bring in at most this many keys (a mapping counts
/// as one plus its keys). The per-profile cap alone still let every profile read 64 large
/// mappings: a 270 KB file took seconds per profile. Real files merge a few hundred keys.
inline constexpr int maxMergedKeysPerFile = 10'000;

struct ImsaDocument
{
    QList<RawProfile> profiles; ///< file order; a duplicated name appears once
    QList<ConfigError> fileErrors;
};

class ImsaYamlReader
{
public:
    explicit ImsaYamlReader(const QString &fileName)
        : m_fileName(fileName)
    { }

    ImsaDocument read(const QByteArray &text)
    {
        try {
            const std::string yaml(text.constData(), size_t(text.size()));
            if (scanDocuments(yaml))
                readDocument(YAML::Load(yaml));
        } catch (const YAML::DeepRecursion &e) {
            // yaml-cpp 0.7 gives this one the message "bad file".
            failFile(e.mark, QStringLiteral("YAML syntax error: nested too deeply"));
        } catch (const YAML::ParserException &e) {
            failFile(e.mark, QStringLiteral("YAML syntax error: ") + QString::fromStdString(e.msg));
        } catch (const YAML::Exception &e) { // not expected from parsing, but never let one out
            failFile(e.mark,
                     QStringLiteral("cannot read the YAML: ") + QString::fromStdString(e.msg));
        } catch (const std::exception &e) {
            failFile(YAML::Mark::null_mark(),
                     QStringLiteral("cannot read the YAML: ") + QString::fromUtf8(e.what()));
        }
        return std::move(m_document);
    }

private:
    using Values = std::map<Setting, RawValue>;

    static QString kind(const YAML::Node &node)
    {
        switch (node.Type()) {
        case YAML::NodeType::Scalar:
            return QStringLiteral("a string");
        case YAML::NodeType::Sequence:
            return QStringLiteral("a sequence");
        case YAML::NodeType::Map:
            return QStringLiteral("a mapping");
        default:
            return QStringLiteral("nothing");
        }
    }

    Place place(const YAML::Mark &mark, const QString &profile = {}, const QString &key = {}) const
    {
        const bool known = mark.line >= 0;
        return Place{
                m_fileName, known ? mark.line + 1 : 0, known ? mark.column + 1 : 0, profile, key,
                {}};
    }

    void failFile(const YAML::Mark &mark, const QString &message)
    {
        m_document.profiles.clear();
        m_document.fileErrors = {errorAt(place(mark), message)};
    }

    /// True when the first document has content and nothing is wrong with the stream.
    bool scanDocuments(const std::string &yaml)
    {
        std::istringstream stream(yaml);
        YAML::Parser parser(stream);
        DocumentScan scan;
        while (parser.HandleNextDocument(scan)) {
            if (scan.secondContent) {
                failFile(*scan.secondContent,
                         QStringLiteral("a second YAML document; the file holds one mapping of "
                                        "profile names to settings"));
                return false;
            }
            if (scan.documents >= DocumentScan::maxDocuments) {
                failFile(scan.lastEmpty,
                         QStringLiteral("YAML syntax error: unexpected text after the document"));
                return false;
            }
        }
        return scan.firstHasContent; // else empty, or only comments
    }

    void readDocument(const YAML::Node &root)
    {
        if (!root.IsMap())
            return failFile(root.Mark(),
                            QStringLiteral("the file must be a mapping of profile names to "
                                           "settings, found ")
                                    + kind(root));
        for (auto it = root.begin(); it != root.end() && !m_mergeBudgetSpent; ++it)
            readProfile(it->first, it->second);
    }

    void readProfile(const YAML::Node &nameNode, const YAML::Node &body)
    {
        if (!nameNode.IsScalar() || nameNode.Scalar().empty()) {
            m_document.fileErrors.append(
                    errorAt(place(nameNode.Mark()),
                            QStringLiteral("a profile name must be a non-empty string, found ")
                                    + (nameNode.IsScalar() ? QStringLiteral("an empty string")
                                                           : kind(nameNode))));
            return;
        }
        RawProfile raw;
        raw.name = QString::fromStdString(nameNode.Scalar());
        raw.place = place(nameNode.Mark(), raw.name);

        if (const auto seen = m_indexByName.constFind(raw.name); seen != m_indexByName.cend()) {
            RawProfile &first = m_document.profiles[*seen];
            // Which of the two was meant is unknown: the name is unusable until one is removed.
            first.error = errorAt(raw.place,
                                  QStringLiteral("profile defined twice (first on line %1)")
                                          .arg(first.place.line));
            return;
        }
        if (!body.IsMap()) {
            const YAML::Mark mark = body.IsNull() ? nameNode.Mark() : body.Mark();
            raw.fail(errorAt(place(mark, raw.name),
                             QStringLiteral("a profile must be a mapping of settings, found ")
                                     + kind(body)));
        } else {
            MergeWalk walk;
            raw.values = readSettings(raw, body, walk);
            if (m_mergeBudgetSpent)
                return;
        }
        m_indexByName.insert(raw.name, m_document.profiles.size());
        m_document.profiles.append(std::move(raw));
    }

    static std::optional<Setting> settingFor(const QString &key)
    {
        for (const ImsaKey &known : imsaKeys) {
            if (key == QLatin1StringView(known.name))
                return known.setting;
        }
        return std::nullopt;
    }

    static QString unknownKeyMessage(const QString &key)
    {
        // AWS config spellings people carry over; similarity alone would not find these.
        if (key == QLatin1StringView("source_profile"))
            return QStringLiteral("unknown key; did you mean 'extends'?");
        QStringList names;
        for (const ImsaKey &known : imsaKeys)
            names.append(QLatin1StringView(known.name));
        return QStringLiteral("unknown key") + didYouMean(key, names);
    }

    /// Where the merge keys of one profile have led so far.
    struct MergeWalk
    {
        std::vector<YAML::Node> path; ///< the mappings being read, outermost first
        int mappingsLeft = maxMergedMappings;
        YAML::Mark profileMerge; ///< the profile's own `<<` key being followed
    };

    /// The settings of one mapping: its own keys, then what `<<` merge keys bring in for the
    /// keys it does not set (YAML 1.1 merge, which the Python imsa's PyYAML applied).
    Values readSettings(RawProfile &raw, const YAML::Node &mapping, MergeWalk &walk)
    {
        Values values;
        std::vector<std::pair<YAML::Mark, YAML::Node>> merges; // the `<<` key's place, its value
        for (auto it = mapping.begin(); it != mapping.end(); ++it) {
            // Copies: the iterator hands out a temporary pair of node handles.
            const YAML::Node keyNode = it->first;
            const YAML::Node valueNode = it->second;
            if (!keyNode.IsScalar()) {
                raw.fail(errorAt(place(keyNode.Mark(), raw.name),
                                 QStringLiteral("a key must be a string, found ") + kind(keyNode)));
                continue;
            }
            const QString key = QString::fromStdString(keyNode.Scalar());
            if (key == QLatin1StringView("<<")) {
                merges.emplace_back(keyNode.Mark(), valueNode);
                continue;
            }
            const Place keyPlace = place(keyNode.Mark(), raw.name, key);
            const std::optional<Setting> setting = settingFor(key);
            if (!setting) {
                // Only the first problem is kept; "did you mean" is too dear to compute for
                // each of thousands of unknown keys.
                if (!raw.error)
                    raw.fail(errorAt(keyPlace, unknownKeyMessage(key)));
                continue;
            }
            if (const auto first = values.find(*setting); first != values.end()) {
                raw.fail(errorAt(keyPlace,
                                 QStringLiteral("set twice in this profile (first on line %1)")
                                         .arg(first->second.place.line)));
                continue;
            }
            if (valueNode.IsNull() || (valueNode.IsScalar() && valueNode.Scalar().empty())) {
                raw.fail(errorAt(keyPlace, QStringLiteral("has no value")));
                continue;
            }
            const Place valuePlace = place(valueNode.Mark(), raw.name, key);
            if (*setting == Setting::SsoRegistrationScopes && valueNode.IsSequence()) {
                values.emplace(*setting, RawValue{scopeList(raw, valueNode), valuePlace});
                continue;
            }
            if (!valueNode.IsScalar()) {
                raw.fail(errorAt(valuePlace,
                                 QStringLiteral("must be a string, found ") + kind(valueNode)));
                continue;
            }
            RawValue value{QString::fromStdString(valueNode.Scalar()), valuePlace};
            if (const QString problem = checkSetting(*setting, value.text); !problem.isEmpty())
                raw.fail(errorAt(valuePlace, problem));
            // Kept even when invalid, so that a later duplicate still names the first line.
            values.emplace(*setting, std::move(value));
        }
        walk.path.push_back(mapping);
        for (const auto &[keyMark, merge] : merges) {
            if (walk.path.size() == 1)
                walk.profileMerge = keyMark;
            mergeInto(values, raw, merge, walk);
            if (m_mergeBudgetSpent)
                break;
        }
        walk.path.pop_back();
        return values;
    }

    /// A YAML list of scopes in the comma-separated form ~/.aws/config uses.
    QString scopeList(RawProfile &raw, const YAML::Node &list) const
    {
        QStringList scopes;
        for (auto it = list.begin(); it != list.end(); ++it) {
            if (!it->IsScalar() || it->Scalar().empty()
                || it->Scalar().find(',') != std::string::npos)
                raw.fail(errorAt(
                        place(it->Mark(), raw.name, QStringLiteral("sso_registration_scopes")),
                        QStringLiteral("each scope must be a string without commas")));
            else
                scopes.append(QString::fromStdString(it->Scalar()));
        }
        return scopes.join(QLatin1Char(','));
    }

    /// Charges bringing in `source` to the file's merge budget; false, with the file failed,
    /// when the budget is spent.
    bool chargeMerge(const RawProfile &raw, const YAML::Node &source, const MergeWalk &walk)
    {
        if (m_mergeBudgetSpent)
            return false;
        m_mergedKeysLeft -= 1 + qint64(source.size());
        if (m_mergedKeysLeft >= 0)
            return true;
        // A file-level error: the file is as unusable as one with a syntax error, and a
        // running imsa keeps its last good configuration.
        failFile(walk.profileMerge,
                 QStringLiteral("merge keys bring in more than %1 keys in this file (the limit "
                                "was reached in profile '%2')")
                         .arg(maxMergedKeysPerFile)
                         .arg(raw.name));
        m_mergeBudgetSpent = true;
        return false;
    }

    void mergeInto(Values &values, RawProfile &raw, const YAML::Node &merge, MergeWalk &walk)
    {
        const Place mergePlace = place(merge.Mark(), raw.name, QStringLiteral("<<"));
        if (walk.path.size() > size_t(maxMergeDepth)) {
            raw.fail(errorAt(mergePlace, QStringLiteral("merge keys nested too deeply")));
            return;
        }
        std::vector<YAML::Node> sources;
        if (merge.IsMap()) {
            sources.push_back(merge);
        } else if (merge.IsSequence()) {
            for (auto it = merge.begin(); it != merge.end(); ++it)
                sources.push_back(*it);
        }
        const bool allMappings = !sources.empty()
                && std::all_of(sources.cbegin(), sources.cend(), [](const YAML::Node &node) {
                       return node.IsMap();
                   });
        if (!allMappings) {
            raw.fail(errorAt(mergePlace,
                             QStringLiteral("must be a mapping or a list of mappings "
                                            "(like *base), found ")
                                     + kind(merge)));
            return;
        }
        // Earlier sources win, and the profile's own keys win over all of them (YAML 1.1 merge).
        for (const YAML::Node &source : sources) {
            const bool cycle =
                    std::any_of(walk.path.cbegin(), walk.path.cend(), [&](const YAML::Node &open) {
                        return open.is(source);
                    });
            if (cycle) {
                raw.fail(errorAt(mergePlace,
                                 QStringLiteral("merges a mapping that contains this merge key "
                                                "(an alias refers back to its own anchor)")));
                return;
            }
            if (--walk.mappingsLeft < 0) {
                // Named at the profile: the place where the budget ran out is somewhere
                // inside the mappings it brings in.
                raw.fail(errorAt(raw.place,
                                 QStringLiteral("merge keys bring in more than %1 mappings")
                                         .arg(maxMergedMappings)));
                return;
            }
            if (!chargeMerge(raw, source, walk))
                return;
            for (auto &[setting, value] : readSettings(raw, source, walk))
                values.try_emplace(setting, std::move(value));
        }
    }

    QString m_fileName;
    ImsaDocument m_document;
    QHash<QString, qsizetype> m_indexByName;
    qint64 m_mergedKeysLeft = maxMergedKeysPerFile;
    bool m_mergeBudgetSpent = false;
};

} // namespace imsa::detail
