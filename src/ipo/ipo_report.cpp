// What IPO did, for a person: acceptance by round (Markdown table and SVG chart with 95 %
// intervals), the prompt diff between versions, and rejections by category.
#include <fmt/format.h>
#include <map>
#include <set>

#include "dataengine/ipo.hpp"

namespace dataengine {

namespace {

std::string reason_of(const BatchItem & item) {
    if (!item.auto_rejection.empty()) return item.auto_rejection + " (validator)";
    if (item.verdict && !item.verdict->accepted) return review_category_name(item.verdict->category.value_or(ReviewCategory::Other));
    return "";
}

}  // namespace

std::string PromptOptimizer::report_markdown() const {
    std::string md = "## Prompt optimisation (IPO)\n\n| round | prompt | accepted | acceptance | 95 % interval |\n|---:|---|---:|---:|---|\n";
    for (const ReviewBatch & b : batches_) {
        const Acceptance a = b.acceptance();
        md += fmt::format("| {} | {} | {} / {} | {:.1f} % | {:.1f} – {:.1f} % |\n", b.round, b.version, a.accepted, a.total,
                          100 * a.rate(), 100 * a.low(), 100 * a.high());
    }
    md += fmt::format("\nBest version: **{}**", best().prompt.version);
    if (stopped_ != IpoStop::None) md += fmt::format(" (stopped: {})", ipo_stop_name(stopped_));
    md += ".\n";

    // Rejections: reason x round.
    std::set<std::string>                        reasons;
    std::vector<std::map<std::string, int>>      by_round(batches_.size());
    for (size_t r = 0; r < batches_.size(); ++r)
        for (const BatchItem & item : batches_[r].items) {
            const std::string reason = reason_of(item);
            if (reason.empty()) continue;
            reasons.insert(reason);
            ++by_round[r][reason];
        }
    if (!reasons.empty()) {
        md += "\n### Rejections by category\n\n| category |";
        for (const ReviewBatch & b : batches_) md += fmt::format(" round {} |", b.round);
        md += "\n|---|";
        for (size_t r = 0; r < batches_.size(); ++r) md += "---:|";
        md += "\n";
        for (const std::string & reason : reasons) {
            md += "| " + reason + " |";
            for (const auto & counts : by_round) md += fmt::format(" {} |", counts.count(reason) ? counts.at(reason) : 0);
            md += "\n";
        }
    }
    for (size_t i = 1; i < versions_.size(); ++i) {
        const PromptVersion & v = versions_[i];
        const PromptVersion * parent = &versions_[i - 1];
        for (const PromptVersion & p : versions_)
            if (p.prompt.version == v.parent) parent = &p;
        md += fmt::format("\n### {} (from {}; feedback: {})\n\n```diff\n{}```\n", v.prompt.version, v.parent, v.feedback,
                          prompt_diff(prompt_with_rules(parent->prompt), prompt_with_rules(v.prompt)));
    }
    if (!refused_.empty()) {
        md += "\n### Refused rewrites\n\n";
        for (const std::string & r : refused_) md += "- " + r + "\n";
    }
    return md;
}

std::string PromptOptimizer::acceptance_svg() const {
    const double left = 60, top = 40, width = 420, height = 260;
    const int    last = std::max(1, int(batches_.size()) - 1);
    auto x = [&](int round) { return left + width * round / last; };
    auto y = [&](double rate) { return top + height * (1.0 - rate); };
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{}\" y=\"22\" font-size=\"15\">Acceptance of generated samples by IPO round (%, 95 % interval)</text>\n",
        left + width + 80, top + height + 50, left);
    for (int pct = 0; pct <= 100; pct += 20) {
        svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, left + width, y(pct / 100.0), y(pct / 100.0));
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y(pct / 100.0) + 4, pct);
    }
    std::string points;
    for (const ReviewBatch & b : batches_) {
        const Acceptance a = b.acceptance();
        const double     cx = x(b.round);
        svg += fmt::format("<line x1=\"{0:.1f}\" x2=\"{0:.1f}\" y1=\"{1:.1f}\" y2=\"{2:.1f}\" stroke=\"#9ecae1\" stroke-width=\"6\"/>\n", cx,
                           y(a.low()), y(a.high()));
        svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"4\" fill=\"#1f77b4\"/>\n", cx, y(a.rate()));
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">{} ({})</text>\n", cx, top + height + 20, b.round, b.version);
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\" text-anchor=\"middle\" fill=\"#1f77b4\">{:.0f}</text>\n", cx, y(a.rate()) - 8, 100 * a.rate());
        points += fmt::format("{:.1f},{:.1f} ", cx, y(a.rate()));
    }
    svg += fmt::format("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"{}\"/>\n", points);
    svg += "<text x=\"" + fmt::format("{}", left + width / 2) + "\" y=\"" + fmt::format("{}", top + height + 40) +
           "\" text-anchor=\"middle\">round (prompt version)</text>\n</svg>\n";
    return svg;
}

}  // namespace dataengine
