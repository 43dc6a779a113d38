// A person at the terminal reviews generated samples: line-based prompts (a / r / q), so it works
// in any terminal and under tmux; end of input counts as quitting.
#include <cstdlib>
#include <string>

#include "dataengine/ipo.hpp"

namespace dataengine {
namespace {

class TerminalReviewer final : public Reviewer {
public:
    TerminalReviewer(std::FILE * in, std::FILE * out) : in_(in), out_(out) {
        if (!in_ || !out_) throw Error(Status::Invalid, "terminal_reviewer: no input or output stream");
    }
    std::string name() const override { return "terminal"; }

    std::optional<Verdict> review(const ReviewItem & item) override {
        show(item);
        for (;;) {
            const auto key = ask("[a]ccept  [r]eject  [q]uit > ");
            if (!key || *key == "q") return std::nullopt;
            if (*key == "a") return Verdict{true, std::nullopt, ""};
            if (*key == "r") return reject();
            std::fprintf(out_, "please type a, r or q\n");
        }
    }

private:
    std::optional<Verdict> reject() {
        std::fprintf(out_, "why:");
        const auto & categories = all_review_categories();
        for (size_t i = 0; i < categories.size(); ++i) std::fprintf(out_, "  %zu %s", i + 1, review_category_name(categories[i]));
        std::fprintf(out_, "\n");
        Verdict v;
        for (;;) {
            const auto choice = ask("category number > ");
            if (!choice || *choice == "q") return std::nullopt;
            const int n = std::atoi(choice->c_str());
            if (n >= 1 && n <= int(categories.size())) {
                v.category = categories[size_t(n - 1)];
                break;
            }
            std::fprintf(out_, "please type a number from 1 to %zu\n", categories.size());
        }
        const auto comment = ask("comment (Enter for none) > ");
        if (!comment) return std::nullopt;
        v.comment = *comment;
        return v;
    }

    void show(const ReviewItem & item) {
        const Sample & s = item.sample;
        std::fprintf(out_, "\n=== sample %zu of %zu · %s ===\n", item.index + 1, item.total, item.type.c_str());
        std::fprintf(out_, "image: %s\n", item.image_path.c_str());
        std::fprintf(out_, "description:\n%s\n\n", item.description.c_str());
        std::fprintf(out_, "Question: %s\n", s.question.c_str());
        for (size_t k = 0; k < s.options.size(); ++k)
            std::fprintf(out_, "  (%c) %s%s\n", char('A' + k), s.options[k].c_str(), int(k) == s.answer ? "   <- marked answer" : "");
        std::fprintf(out_, "Rationale: %s\n", s.rationales.empty() ? "(none)" : s.rationales.front().c_str());
        std::fflush(out_);
    }

    // One trimmed line, or nothing at end of input.
    std::optional<std::string> ask(const char * prompt) {
        std::fputs(prompt, out_);
        std::fflush(out_);
        std::string line;
        for (int c; (c = std::fgetc(in_)) != EOF;) {
            if (c == '\n') return trim(line);
            line += char(c);
        }
        if (line.empty()) return std::nullopt;
        return trim(line);
    }

    std::FILE * in_;
    std::FILE * out_;
};

}  // namespace

std::unique_ptr<Reviewer> terminal_reviewer(std::FILE * in, std::FILE * out) {
    return std::make_unique<TerminalReviewer>(in, out);
}

}  // namespace dataengine
