// Reports as JSON, both ways.
#include "core/json_read.hpp"
#include "dataengine/eval.hpp"

namespace dataengine {
namespace {

void write_score(JsonWriter & w, const Score & s) {
    w.begin_object().key("n").value(s.n).key("correct").value(s.correct).key("accuracy").value(s.accuracy()).end_object();
}

void write_scores(JsonWriter & w, const char * key, const std::map<std::string, Score> & scores) {
    w.key(key).begin_object();
    for (const auto & [name, s] : scores) {
        w.key(name);
        write_score(w, s);
    }
    w.end_object();
}

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void bad(const std::string & source, const std::string & detail) {
    throw Error(Status::Format, source + ": not an evaluation report: " + detail);
}

Score read_score(element e, const std::string & source, const std::string & where) {
    object      obj;
    Score       s;
    std::string why;
    if (e.get(obj) != simdjson::SUCCESS || !json::get_int(obj, "n", s.n, why) || !json::get_int(obj, "correct", s.correct, why))
        bad(source, where + ": " + (why.empty() ? "must be an object" : why));
    return s;
}

Outcome parse_outcome(const std::string & name, const std::string & source) {
    for (Outcome o : {Outcome::Correct, Outcome::Wrong, Outcome::Unextracted, Outcome::Refused, Outcome::Missing})
        if (name == outcome_name(o)) return o;
    bad(source, "unknown outcome '" + name + "'");
}

}  // namespace

std::string to_json(const EvalReport & report) {
    JsonWriter w;
    w.begin_object();
    w.key("benchmark").value(report.benchmark);
    w.key("circular").value(report.circular);
    w.key("overall");
    write_score(w, report.overall);
    write_scores(w, "by_type", report.by_type);
    write_scores(w, "by_parent_type", report.by_parent_type);
    w.key("metrics").begin_object();
    for (const auto & [name, value] : report.metrics) w.key(name).value(value);
    w.end_object();
    w.key("unextracted").value(report.unextracted);
    w.key("refused").value(report.refused);
    w.key("missing").value(report.missing);
    w.key("bad_cases").begin_object();
    for (const auto & [type, ids] : report.bad_cases) {
        w.key(type).begin_array();
        for (const std::string & id : ids) w.value(id);
        w.end_array();
    }
    w.end_object();
    w.key("results").begin_array();
    for (const QuestionResult & r : report.results) {
        w.begin_object().key("id").value(r.id).key("type").value(r.type);
        if (!r.parent_type.empty()) w.key("parent_type").value(r.parent_type);
        if (!r.group.empty()) w.key("group").value(r.group).key("rotation").value(r.rotation);
        w.key("answer").value(r.answer).key("predicted").value(r.predicted).key("outcome").value(outcome_name(r.outcome));
        if (r.da_score >= 0) w.key("da").value(r.da_score);
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.take();
}

EvalReport report_from_json(std::string_view text, const std::string & source) {
    const simdjson::padded_string padded(text);
    simdjson::dom::parser         parser;
    element                       root;
    if (const auto code = parser.parse(padded).get(root))
        throw Error(Status::Format, source + ": " + json::describe_parse_failure(code, text));
    object top;
    if (root.get(top) != simdjson::SUCCESS) bad(source, "the top level must be an object");
    std::string benchmark, why;
    bool        circular = false;
    if (!json::get_string(top, "benchmark", benchmark, why) || !json::get_bool(top, "circular", circular, why)) bad(source, why);
    simdjson::dom::array results;
    if (top["results"].get(results) != simdjson::SUCCESS) bad(source, "missing list 'results'");
    std::vector<QuestionResult> list;
    size_t i = 0;
    for (element e : results) {
        const std::string where = "results[" + std::to_string(i++) + "]";
        object            obj;
        QuestionResult    r;
        std::string       outcome;
        int64_t           rotation = 0, answer = 0, predicted = 0;
        if (e.get(obj) != simdjson::SUCCESS) bad(source, where + ": must be an object");
        if (!json::get_string(obj, "id", r.id, why) || !json::get_string(obj, "type", r.type, why) ||
            !json::get_string(obj, "parent_type", r.parent_type, why, false) ||
            !json::get_string(obj, "group", r.group, why, false) || !json::get_int(obj, "rotation", rotation, why, false) ||
            !json::get_int(obj, "answer", answer, why) || !json::get_int(obj, "predicted", predicted, why) ||
            !json::get_string(obj, "outcome", outcome, why))
            bad(source, where + ": " + why);
        element da;
        if (obj["da"].get(da) == simdjson::SUCCESS && da.get(r.da_score) != simdjson::SUCCESS)
            bad(source, where + ": field 'da' must be a number");
        r.rotation  = int(rotation);
        r.answer    = int(answer);
        r.predicted = int(predicted);
        r.outcome   = parse_outcome(outcome, source);
        list.push_back(std::move(r));
    }
    EvalReport report = summarize(std::move(list), benchmark, circular);
    // The summary is recomputed from the results; a file whose figures disagree was edited.
    element overall;
    if (top["overall"].get(overall) != simdjson::SUCCESS) bad(source, "missing 'overall'");
    if (!(read_score(overall, source, "overall") == report.overall))
        bad(source, "'overall' does not match its 'results'");
    return report;
}

}  // namespace dataengine
