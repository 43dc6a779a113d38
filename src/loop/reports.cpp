// The loop's reports for people: a Markdown table and an SVG chart of per-type test accuracy by
// round, with the data added and rejected per round.
#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "dataengine/loop.hpp"

namespace dataengine {
namespace {

std::vector<std::string> types_of(const std::vector<RoundRecord> & rounds) {
    std::set<std::string> types;
    for (const RoundRecord & r : rounds)
        for (const auto & [type, score] : r.test.by_type)
            if (!type.empty()) types.insert(type);
    return {types.begin(), types.end()};
}

std::string percent(const EvalReport & report, const std::string & type) {
    const auto found = report.by_type.find(type);
    return found == report.by_type.end() ? "–" : fmt::format("{:.1f}", 100 * found->second.accuracy());
}

std::string escape_xml(const std::string & text) {
    std::string out;
    for (const char c : text) {
        if (c == '<') out += "&lt;";
        else if (c == '>') out += "&gt;";
        else if (c == '&') out += "&amp;";
        else out += c;
    }
    return out;
}

}  // namespace

std::string loop_report_markdown(const std::vector<RoundRecord> & rounds) {
    std::vector<const RoundRecord *> evaluated;
    for (const RoundRecord & r : rounds)
        if (r.evaluated) evaluated.push_back(&r);
    const auto types = types_of(rounds);
    std::string md = "# Closed loop\n\n## Test accuracy by round (circular, %)\n\n| type |";
    for (const RoundRecord * r : evaluated) md += fmt::format(" round {} |", r->round);
    md += evaluated.size() > 1 ? " change |\n|---|" : "\n|---|";
    for (size_t i = 0; i < evaluated.size(); ++i) md += "---:|";
    md += evaluated.size() > 1 ? "---:|\n" : "\n";
    auto change = [&](auto accuracy) {
        return evaluated.size() > 1 ? fmt::format(" {:+.1f} |", 100 * (accuracy(*evaluated.back()) - accuracy(*evaluated.front()))) : "";
    };
    for (const std::string & t : types) {
        md += "| " + t + " |";
        for (const RoundRecord * r : evaluated) md += " " + percent(r->test, t) + " |";
        md += change([&](const RoundRecord & r) { return r.test.by_type.count(t) ? r.test.by_type.at(t).accuracy() : 0.0; }) + "\n";
    }
    md += "| **overall** |";
    for (const RoundRecord * r : evaluated) md += fmt::format(" **{:.1f}** |", 100 * r->test.overall.accuracy());
    md += change([](const RoundRecord & r) { return r.test.overall.accuracy(); }) + "\n";

    std::vector<const RoundRecord *> generating;
    for (const RoundRecord & r : rounds)
        if (r.generated) generating.push_back(&r);
    if (!generating.empty()) {
        md += "\n## Generated data accepted per type (round R's data trains round R+1)\n\n| type |";
        for (const RoundRecord * r : generating) md += fmt::format(" round {} |", r->round);
        md += " total |\n|---|";
        for (size_t i = 0; i <= generating.size(); ++i) md += "---:|";
        md += "\n";
        for (const std::string & t : types) {
            md += "| " + t + " |";
            int total = 0;
            for (const RoundRecord * r : generating) {
                const int n = r->added_by_type.count(t) ? r->added_by_type.at(t) : 0;
                total += n;
                md += fmt::format(" {} |", n);
            }
            md += fmt::format(" {} |\n", total);
        }
    }
    std::set<std::string> reasons;
    for (const RoundRecord & r : rounds)
        for (const auto & [reason, n] : r.rejected_by_reason) reasons.insert(reason);
    if (!reasons.empty()) {
        md += "\n## Rejected replies by reason\n\n| reason |";
        for (const RoundRecord * r : generating) md += fmt::format(" round {} |", r->round);
        md += "\n|---|";
        for (size_t i = 0; i < generating.size(); ++i) md += "---:|";
        md += "\n";
        for (const std::string & reason : reasons) {
            md += "| " + reason + " |";
            for (const RoundRecord * r : generating)
                md += fmt::format(" {} |", r->rejected_by_reason.count(reason) ? r->rejected_by_reason.at(reason) : 0);
            md += "\n";
        }
    }
    if (!generating.empty()) {
        // What the validators let through, checked against the scene graphs afterwards.
        md += "\n## Accepted data checked against the scene graphs\n\n| round | prompt | accepted | correct | wrong | share correct |\n"
              "|---:|---|---:|---:|---:|---:|\n";
        for (const RoundRecord * r : generating) {
            auto count = [&](const char * k) { return r->verified.count(k) ? r->verified.at(k) : 0; };
            const int checked = count("correct") + count("wrong");
            md += fmt::format("| {} | {} | {} | {} | {} | {} |\n", r->round, r->prompt_version.empty() ? "-" : r->prompt_version,
                              checked + count("unknown"), count("correct"), count("wrong"),
                              checked ? fmt::format("{:.1f} %", 100.0 * count("correct") / checked) : "-");
        }
    }
    return md;
}

std::string loop_accuracy_svg(const std::vector<RoundRecord> & rounds) {
    std::vector<const RoundRecord *> evaluated;
    for (const RoundRecord & r : rounds)
        if (r.evaluated) evaluated.push_back(&r);
    const auto types = types_of(rounds);
    // Plot area and scales: x = round, y = accuracy 0..100 %; labels at the right end of each line.
    const double left = 60, top = 40, width = 420, height = 300, label_x = left + width + 12;
    const int    last = evaluated.empty() ? 1 : std::max(1, evaluated.back()->round);
    auto x = [&](int round) { return left + width * round / last; };
    auto y = [&](double accuracy) { return top + height * (1.0 - accuracy); };
    static const char * colours[] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                                     "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};
    std::string svg = fmt::format(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{}\" height=\"{}\" font-family=\"sans-serif\" font-size=\"12\">\n"
        "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
        "<text x=\"{}\" y=\"22\" font-size=\"15\">Test accuracy by round, per question type (circular, %)</text>\n",
        label_x + 170, top + height + 50, left);
    for (int pct = 0; pct <= 100; pct += 20) {
        svg += fmt::format("<line x1=\"{}\" x2=\"{}\" y1=\"{:.1f}\" y2=\"{:.1f}\" stroke=\"#ddd\"/>\n", left, left + width, y(pct / 100.0), y(pct / 100.0));
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" text-anchor=\"end\">{}</text>\n", left - 6, y(pct / 100.0) + 4, pct);
    }
    for (const RoundRecord * r : evaluated)
        svg += fmt::format("<text x=\"{:.1f}\" y=\"{}\" text-anchor=\"middle\">round {}</text>\n", x(r->round), top + height + 20, r->round);
    // Labels are pushed apart vertically so that close lines stay readable.
    std::vector<std::pair<double, size_t>> label_y;
    for (size_t i = 0; i < types.size(); ++i) {
        std::string points;
        double end_y = 0;
        for (const RoundRecord * r : evaluated) {
            const auto found = r->test.by_type.find(types[i]);
            if (found == r->test.by_type.end()) continue;
            end_y = y(found->second.accuracy());
            points += fmt::format("{:.1f},{:.1f} ", x(r->round), end_y);
        }
        const char * colour = colours[i % 10];
        svg += fmt::format("<polyline fill=\"none\" stroke=\"{}\" stroke-width=\"2\" points=\"{}\"/>\n", colour, points);
        for (const RoundRecord * r : evaluated) {
            const auto found = r->test.by_type.find(types[i]);
            if (found != r->test.by_type.end())
                svg += fmt::format("<circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"3\" fill=\"{}\"/>\n", x(r->round), y(found->second.accuracy()), colour);
        }
        label_y.emplace_back(end_y, i);
    }
    std::sort(label_y.begin(), label_y.end());
    for (size_t k = 1; k < label_y.size(); ++k) label_y[k].first = std::max(label_y[k].first, label_y[k - 1].first + 13);
    for (const auto & [ly, i] : label_y)
        svg += fmt::format("<text x=\"{}\" y=\"{:.1f}\" fill=\"{}\">{}</text>\n", label_x, ly + 4, colours[i % 10], escape_xml(types[i]));
    svg += "</svg>\n";
    return svg;
}

}  // namespace dataengine
