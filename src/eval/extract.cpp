// Rule-based answer extraction, as VLMEvalKit's can_infer does it without an LLM judge.
#include <algorithm>

#include "dataengine/eval.hpp"

namespace dataengine {
namespace {

// VLMEvalKit's reject_to_answer list: replies that decline the question.
constexpr std::string_view kRefusals[] = {
    "Sorry, I can't help with images of people yet.",
    "I can't process this file.",
    "I'm sorry, but without the image provided",
    "Cannot determine the answer",
};
constexpr std::string_view kApiFailure = "Failed to obtain answer via API";

std::vector<std::string> tokens_of(std::string_view answer) {
    std::string cleaned(answer);
    for (char & c : cleaned)
        if (std::string_view(".()[],:;!*#{}").find(c) != std::string_view::npos) c = ' ';
    std::vector<std::string> tokens;
    size_t i = 0;
    // Python's str.split() splits on any white space run.
    auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
    while (i < cleaned.size()) {
        while (i < cleaned.size() && space(cleaned[i])) ++i;
        const size_t start = i;
        while (i < cleaned.size() && !space(cleaned[i])) ++i;
        if (i > start) tokens.emplace_back(cleaned.substr(start, i - start));
    }
    return tokens;
}

}  // namespace

Extracted extract_option(std::string_view answer, const std::vector<std::string> & options) {
    Extracted result;
    const bool api_failure = answer.find(kApiFailure) != std::string_view::npos;
    if (!api_failure) {
        for (std::string_view refusal : kRefusals)
            if (answer.find(refusal) != std::string_view::npos) return {Extraction::Refused, -1};

        const std::vector<std::string> tokens = tokens_of(answer);
        int count = 0, found = -1;
        for (int k = 0; k < int(options.size()); ++k) {
            const std::string letter(1, option_letter(k));
            if (std::find(tokens.begin(), tokens.end(), letter) != tokens.end()) {
                ++count;
                found = k;
            }
        }
        if (count == 1) {
            // The letter's first occurrence must be among the last 4 tokens ("A" early in a
            // sentence is usually the article).
            const std::string letter(1, option_letter(found));
            const size_t at = size_t(std::find(tokens.begin(), tokens.end(), letter) - tokens.begin());
            if (at + 5 > tokens.size()) return {Extraction::Option, found};
        } else if (count == 0 && std::find(tokens.begin(), tokens.end(), "Z") != tokens.end()) {
            return {Extraction::Refused, -1};
        }
    }
    // Option text matching: exactly one option's text inside the answer.
    const std::string lower = to_lower(answer);
    int count = 0, found = -1;
    for (int k = 0; k < int(options.size()); ++k) {
        if (lower.find(to_lower(options[k])) != std::string::npos) {
            ++count;
            found = k;
        }
    }
    if (count == 1) return {Extraction::Option, found};
    return result;
}

}  // namespace dataengine
