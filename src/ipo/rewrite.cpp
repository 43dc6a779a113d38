// Rewriting a generation prompt from review feedback: the meta-prompt, the checks a rewritten
// prompt must pass, and the world's offline rewriter.
#include <algorithm>
#include <cstdlib>
#include <map>

#include "dataengine/ipo.hpp"

namespace dataengine {

namespace {

constexpr std::string_view kOpen = "<<<PROMPT\n", kClose = "\nPROMPT>>>";

// Placeholders a generation prompt may use (render_prompt knows these).
const std::vector<std::string> & known_placeholders() {
    static const std::vector<std::string> known = {"type", "definition", "description", "examples", "rules"};
    return known;
}

}  // namespace

const std::vector<std::string> & required_placeholders() {
    static const std::vector<std::string> required = {"type", "definition", "description", "examples"};
    return required;
}

std::string prompt_with_rules(const PromptTemplate & prompt) {
    std::string rules;
    for (size_t i = 0; i < prompt.rules.size(); ++i) rules += (i ? "\n" : "") + std::to_string(i + 1) + ". " + prompt.rules[i];
    std::string text = prompt.text;
    for (size_t at; (at = text.find("{rules}")) != std::string::npos;) text.replace(at, 7, rules);
    return text;
}

std::string rewrite_meta_prompt(const std::string & current_prompt, const std::vector<Feedback> & rejected,
                                const std::vector<std::string> & accepted_examples) {
    std::string out =
        "You improve a prompt that asks an LLM to write multiple-choice training questions about images it\n"
        "cannot see (it gets a text description of each image).\n\n"
        "The current prompt is between the lines <<<PROMPT and PROMPT>>>:\n";
    out += std::string(kOpen) + current_prompt + std::string(kClose) + "\n\n";
    std::map<std::string, std::vector<const Feedback *>> by_category;
    for (const Feedback & f : rejected) by_category[f.category].push_back(&f);
    if (by_category.empty()) out += "Reviewers rejected none of its questions.\n";
    else out += "Reviewers rejected some of the questions it produced. By reason:\n";
    for (const auto & [category, list] : by_category) {
        out += "\n## " + category + " (" + std::to_string(list.size()) + ")\n";
        for (size_t i = 0; i < list.size() && i < 5; ++i) {
            out += "- " + list[i]->question + "\n";
            if (!list[i]->comment.empty()) out += "  Comment: " + list[i]->comment + "\n";
        }
    }
    if (!accepted_examples.empty()) {
        out += "\nAccepted questions, for contrast:\n";
        for (size_t i = 0; i < accepted_examples.size() && i < 3; ++i) out += "- " + accepted_examples[i] + "\n";
    }
    out += "\nWrite the complete new prompt. Keep the placeholders {type}, {definition}, {description} and {examples}\n"
           "exactly as written and keep the reply layout; add or change instructions so that the mistakes above\n"
           "stop. Reply with the new prompt only.\n";
    return out;
}

PromptTemplate prompt_from_rewrite(std::string_view reply, std::string version) {
    std::string text = trim(reply);
    // LLMs like to fence what they return.
    if (text.rfind("```", 0) == 0) {
        const size_t first_line = text.find('\n');
        const size_t fence_end  = text.rfind("```");
        text = first_line != std::string::npos && fence_end > first_line ? trim(text.substr(first_line + 1, fence_end - first_line - 1)) : "";
    }
    if (text.empty()) throw Error(Status::Format, "the rewritten prompt is empty");
    for (size_t at = 0; (at = text.find('{', at)) != std::string::npos; ++at) {
        const size_t close = text.find('}', at);
        const std::string name = close == std::string::npos ? "" : text.substr(at + 1, close - at - 1);
        const auto & known = known_placeholders();
        if (std::find(known.begin(), known.end(), name) == known.end())
            throw Error(Status::Format, "the rewritten prompt has an unknown placeholder '" + text.substr(at, std::min<size_t>(20, text.size() - at)) +
                                            "' (known: {type}, {definition}, {description}, {examples}, {rules})");
    }
    for (const std::string & name : required_placeholders())
        if (text.find("{" + name + "}") == std::string::npos)
            throw Error(Status::Format, "the rewritten prompt dropped the placeholder {" + name + "}");
    PromptTemplate p;
    p.version = std::move(version);
    p.text    = std::move(text);
    return p;
}

std::string prompt_diff(const std::string & before, const std::string & after) {
    const auto a = split(before, '\n'), b = split(after, '\n');
    // Longest common subsequence of lines; prompts are a few dozen lines.
    std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
    for (size_t i = a.size(); i-- > 0;)
        for (size_t j = b.size(); j-- > 0;)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::string out;
    size_t i = 0, j = 0;
    while (i < a.size() || j < b.size()) {
        if (i < a.size() && j < b.size() && a[i] == b[j]) out += "  " + a[i++] + "\n", ++j;
        else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) out += "+ " + b[j++] + "\n";
        else out += "- " + a[i++] + "\n";
    }
    return out;
}

namespace {

// What the offline rewriter writes for a kind of feedback, in a few wordings, and the mistake
// the wording must address (so that it knows when the prompt already does).
struct Instruction {
    std::vector<std::string_view> categories;
    std::optional<Mistake>        mistake;
    std::vector<std::string_view> wordings;
};

const std::vector<Instruction> & instructions() {
    static const std::vector<Instruction> all = {
        {{"wrong_answer"}, Mistake::WrongAnswer,
         {"Check the answer against the description before you write it: the marked choice must be the one the image shows.",
          "Verify that the answer letter points at the choice the description supports."}},
        {{"answer_not_in_options"}, Mistake::AnswerNotInOptions,
         {"The answer letter must be one of the listed choices.", "Make sure the letter you answer with is among the choices."}},
        {{"duplicate_options"}, Mistake::DuplicateOptions,
         {"All four choices must be distinct from each other.", "Never repeat a choice: each one must differ from the others."}},
        {{"coordinates", "leaks_coordinates"}, Mistake::Coordinates,
         {"Never mention coordinates or bounding boxes; describe positions in words.",
          "Do not quote the box numbers of the description; say where things are in words."}},
        {{"missing_rationale", "poor_rationale"}, Mistake::MissingRationale,
         {"Always give a short explanation after the answer.", "Every answer must include a one-sentence explanation of why it is right."}},
        {{"skipped"}, Mistake::Skip,
         {"Reply Skip only when the image truly cannot support such a question.",
          "Only skip when the description lacks what the question needs."}},
        {{"malformed", "empty_field", "too_few_options"}, Mistake::Malformed,
         {"Follow the reply layout exactly: the question line, all four choices on the Choices line, then the answer.",
          "Stick strictly to the reply format given below."}},
        {{"off_type", "type_mismatch"}, Mistake::OffType,
         {"Only ask the kind of question named above, \"{type}\", and nothing else.",
          "The question must be of the requested type only; do not drift to other kinds of question."}},
        {{"ambiguous"}, std::nullopt,
         {"Name each object so that exactly one object in the image fits (use its colour and size)."}},
    };
    return all;
}

// An LLM rewriter addresses the complaints it is shown, most frequent first; the cap only bounds
// what one rewrite adds when the feedback is long.
constexpr size_t kPerRewrite = 6;

class WorldRewriter final : public LlmBackend {
public:
    explicit WorldRewriter(uint64_t seed) : seed_(seed) {}
    std::string name() const override { return "world-rewriter"; }

    std::string complete(const GenerationRequest & request) override {
        const std::string & meta = request.prompt;
        const size_t open = meta.find(kOpen), close = meta.find(kClose);
        if (open == std::string::npos || close == std::string::npos || close < open)
            throw Error(Status::Format, "world rewriter: the meta-prompt has no <<<PROMPT ... PROMPT>>> section");
        std::string prompt = meta.substr(open + kOpen.size(), close - open - kOpen.size());
        // Categories are the "## name (count)" headings after the prompt. Like a person editing a
        // prompt, it fixes the most frequent complaints first: at most kPerRewrite new instructions.
        std::vector<std::pair<int, std::string>> categories;  // (-count, name): most frequent first
        for (const std::string & line : split(meta.substr(close), '\n'))
            if (line.rfind("## ", 0) == 0) {
                const size_t paren = line.find(" (");
                categories.emplace_back(-std::atoi(line.c_str() + (paren == std::string::npos ? line.size() : paren + 2)),
                                        line.substr(3, paren == std::string::npos ? std::string::npos : paren - 3));
            }
        std::stable_sort(categories.begin(), categories.end());
        Rng rng(seed_ ^ stable_hash(prompt));
        std::vector<std::string> added;
        for (const auto & category : categories) {
            for (const Instruction & ins : instructions()) {
                if (added.size() >= kPerRewrite) break;
                if (std::find(ins.categories.begin(), ins.categories.end(), category.second) == ins.categories.end()) continue;
                const std::string wording(ins.wordings[rng.below(ins.wordings.size())]);
                const bool already = ins.mistake ? prompt_addresses(prompt, *ins.mistake) : prompt.find(wording) != std::string::npos;
                if (!already && std::find(added.begin(), added.end(), wording) == added.end()) added.push_back(wording);
            }
        }
        if (added.empty()) return prompt;
        // New instructions go before the reply layout, where the rules are.
        std::string block;
        for (const std::string & a : added) block += "- " + a + "\n";
        size_t at = prompt.find("\nReply");
        if (at == std::string::npos) return prompt + "\n" + block;
        at = prompt.rfind('\n', at > 0 ? at - 1 : 0);  // after the blank line's predecessor
        const size_t insert = at == std::string::npos ? 0 : at + 1;
        return prompt.substr(0, insert) + block + prompt.substr(insert);
    }

private:
    uint64_t seed_;
};

}  // namespace

std::unique_ptr<LlmBackend> world_rewriter(uint64_t seed) { return std::make_unique<WorldRewriter>(seed); }

}  // namespace dataengine
