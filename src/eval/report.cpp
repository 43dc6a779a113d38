// Figures from per-question results: vanilla and circular scoring, shards merged.
#include <algorithm>
#include <fmt/format.h>
#include <set>

#include "dataengine/eval.hpp"

namespace dataengine {

const char * outcome_name(Outcome outcome) {
    switch (outcome) {
        case Outcome::Correct:     return "correct";
        case Outcome::Wrong:       return "wrong";
        case Outcome::Unextracted: return "unextracted";
        case Outcome::Refused:     return "refused";
        case Outcome::Missing:     return "missing";
    }
    return "unknown";
}

bool QuestionResult::operator==(const QuestionResult & o) const {
    return id == o.id && type == o.type && parent_type == o.parent_type && group == o.group &&
           rotation == o.rotation && answer == o.answer && predicted == o.predicted && outcome == o.outcome &&
           da_score == o.da_score;
}

bool EvalReport::operator==(const EvalReport & o) const {
    return benchmark == o.benchmark && circular == o.circular && overall == o.overall && by_type == o.by_type &&
           by_parent_type == o.by_parent_type && metrics == o.metrics && unextracted == o.unextracted &&
           refused == o.refused && missing == o.missing && bad_cases == o.bad_cases && results == o.results;
}

bool natural_less(std::string_view a, std::string_view b) {
    size_t i = 0, j = 0;
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    while (i < a.size() && j < b.size()) {
        if (digit(a[i]) && digit(b[j])) {
            size_t ie = i, je = j;
            while (ie < a.size() && digit(a[ie])) ++ie;
            while (je < b.size() && digit(b[je])) ++je;
            // Compare digit runs as numbers: strip leading zeros, then length, then digits.
            size_t is = i, js = j;
            while (is + 1 < ie && a[is] == '0') ++is;
            while (js + 1 < je && b[js] == '0') ++js;
            if (ie - is != je - js) return ie - is < je - js;
            const int cmp = a.substr(is, ie - is).compare(b.substr(js, je - js));
            if (cmp != 0) return cmp < 0;
            if (ie - i != je - j) return ie - i < je - j;  // "01" after "1"
            i = ie;
            j = je;
            continue;
        }
        if (a[i] != b[j]) return static_cast<unsigned char>(a[i]) < static_cast<unsigned char>(b[j]);
        ++i;
        ++j;
    }
    return a.size() - i < b.size() - j;
}

EvalReport summarize(std::vector<QuestionResult> results, std::string benchmark, bool circular) {
    std::sort(results.begin(), results.end(),
              [](const QuestionResult & x, const QuestionResult & y) { return natural_less(x.id, y.id); });
    EvalReport report;
    report.benchmark = std::move(benchmark);
    report.circular  = circular;

    Score  vanilla;
    double da_total = 0;
    int64_t da_n = 0;
    for (const QuestionResult & r : results) {
        report.unextracted += r.outcome == Outcome::Unextracted;
        report.refused     += r.outcome == Outcome::Refused;
        report.missing     += r.outcome == Outcome::Missing;
        if (r.da_score >= 0) {
            da_total += r.da_score;
            ++da_n;
        }
        // VLMEvalKit's vanilla figure under circular evaluation counts the original questions only.
        if (!circular || r.rotation == 0) {
            ++vanilla.n;
            vanilla.correct += r.outcome == Outcome::Correct;
        }
    }

    // Units of scoring: a question, or under circular scoring a group of copies. A unit takes
    // the type of its original (rotation 0, else its first) question.
    struct Unit {
        const QuestionResult *   representative = nullptr;
        bool                     correct = true;
        std::vector<std::string> ids;
    };
    std::map<std::string, Unit> groups;
    std::vector<Unit>           units;
    for (const QuestionResult & r : results) {
        if (circular && !r.group.empty()) {
            Unit & u = groups[r.group];
            if (!u.representative || (r.rotation == 0 && u.representative->rotation != 0)) u.representative = &r;
            u.correct &= r.outcome == Outcome::Correct;
            u.ids.push_back(r.id);
        } else {
            units.push_back({&r, r.outcome == Outcome::Correct, {r.id}});
        }
    }
    for (auto & [group, unit] : groups) units.push_back(std::move(unit));

    for (const Unit & u : units) {
        const QuestionResult & r = *u.representative;
        auto count = [&](Score & s) {
            ++s.n;
            s.correct += u.correct;
        };
        count(report.overall);
        count(report.by_type[r.type]);
        if (!r.parent_type.empty()) count(report.by_parent_type[r.parent_type]);
        if (!u.correct) {
            auto & bad = report.bad_cases[r.type];
            bad.insert(bad.end(), u.ids.begin(), u.ids.end());
        }
    }
    for (auto & [type, ids] : report.bad_cases)
        std::sort(ids.begin(), ids.end(), [](const std::string & x, const std::string & y) { return natural_less(x, y); });

    report.metrics["accuracy"] = report.overall.accuracy();
    if (circular) {
        report.metrics["vanilla_accuracy"]  = vanilla.accuracy();
        report.metrics["circular_accuracy"] = report.overall.accuracy();
    }
    if (da_n > 0) {
        report.metrics["direct_answer_accuracy"] = da_total / double(da_n);
        report.metrics["direct_answer_n"]        = double(da_n);
    }
    report.results = std::move(results);
    return report;
}

EvalReport merge_reports(const std::vector<EvalReport> & shards) {
    if (shards.empty()) throw Error(Status::Invalid, "merge_reports: no reports");
    std::vector<QuestionResult> all;
    std::set<std::string>       seen;
    for (const EvalReport & shard : shards) {
        if (shard.circular != shards[0].circular)
            throw Error(Status::Invalid, "merge_reports: shards disagree on circular scoring");
        for (const QuestionResult & r : shard.results) {
            if (!seen.insert(r.id).second)
                throw Error(Status::Invalid, "merge_reports: question '" + r.id + "' is in two shards");
            all.push_back(r);
        }
    }
    return summarize(std::move(all), shards[0].benchmark, shards[0].circular);
}

std::string to_markdown(const EvalReport & report) {
    std::string out = fmt::format("## {} — {}\n\n", report.benchmark.empty() ? "Evaluation" : report.benchmark,
                                  report.circular ? "circular" : "vanilla");
    out += fmt::format("Overall: **{:.1f}%** ({} of {}{}).", 100 * report.overall.accuracy(), report.overall.correct,
                       report.overall.n, report.circular ? " question groups" : " questions");
    out += fmt::format(" Unextracted answers: {}, refusals: {}, missing predictions: {}.\n\n", report.unextracted,
                       report.refused, report.missing);
    auto table = [&](const char * title, const std::map<std::string, Score> & scores) {
        if (scores.empty()) return;
        out += fmt::format("| {} | N | Correct | Accuracy |\n|---|---:|---:|---:|\n", title);
        for (const auto & [name, s] : scores)
            out += fmt::format("| {} | {} | {} | {:.1f}% |\n", name.empty() ? "(none)" : name, s.n, s.correct, 100 * s.accuracy());
        out += '\n';
    };
    table("Type", report.by_type);
    table("Parent type", report.by_parent_type);
    if (!report.metrics.empty()) {
        out += "| Metric | Value |\n|---|---:|\n";
        for (const auto & [name, value] : report.metrics)
            out += name == "direct_answer_n" ? fmt::format("| {} | {} |\n", name, value)
                                             : fmt::format("| {} | {:.1f}% |\n", name, 100 * value);
        out += '\n';
    }
    return out;
}

}  // namespace dataengine
