#pragma once

#include <optional>
#include <string>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/mark.h>

namespace imsa::detail {

/// Finds what yaml-cpp's LoadAll would: syntax errors anywhere and a second document with
/// content. LoadAll itself is not used: in yaml-cpp 0.7 a stray `,` after a flow collection
/// or quoted scalar makes it produce empty documents until memory runs out
/// (github.com/jbeder/yaml-cpp/issues/1040, fixed upstream after 0.8 by pull request 1319).
class DocumentScan final : public YAML::EventHandler
{
public:
    /// Parsing stops after this many documents: only the looping bug produces so many.
    static constexpr int maxDocuments = 100;

    int documents = 0;
    bool firstHasContent = false;
    std::optional<YAML::Mark> secondContent; ///< where content in a later document starts
    YAML::Mark lastEmpty = YAML::Mark::null_mark();

    void OnDocumentStart(const YAML::Mark &) override { ++documents; }

    void OnDocumentEnd() override { }

    void OnNull(const YAML::Mark &mark, YAML::anchor_t) override { lastEmpty = mark; }

    void OnAlias(const YAML::Mark &mark, YAML::anchor_t) override { content(mark); }

    void OnScalar(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                  const std::string &) override
    {
        content(mark);
    }

    void OnSequenceStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                         YAML::EmitterStyle::value) override
    {
        content(mark);
    }

    void OnSequenceEnd() override { }

    void OnMapStart(const YAML::Mark &mark, const std::string &, YAML::anchor_t,
                    YAML::EmitterStyle::value) override
    {
        content(mark);
    }

    void OnMapEnd() override { }

private:
    void content(const YAML::Mark &mark)
    {
        if (documents == 1)
            firstHasContent = true;
        else if (!secondContent)
            secondContent = mark;
    }
};

} // namespace imsa::detail
