// GenerationPlan <-> JSON.
#include <cmath>

#include "abs/abs_internal.hpp"
#include "core/json_read.hpp"

namespace dataengine {

std::string to_json(const GenerationPlan & plan) {
    JsonWriter w;
    w.begin_object().key("rule").value(plan.rule).key("budget").value(plan.budget).key("seed").value(plan.seed);
    w.key("types").begin_array();
    for (const TypeAllocation & t : plan.types)
        w.begin_object().key("type").value(t.type).key("error_rate").value(t.error_rate).key("bad_cases").value(t.bad_cases)
            .key("gain_per_sample").value(t.gain_per_sample).key("gain_measured").value(t.gain_measured)
            .key("weight").value(t.weight).key("count").value(t.count).end_object();
    w.end_array().key("queries").begin_array();
    for (const PlannedQuery & q : plan.queries) {
        w.begin_object().key("type").value(q.type).key("image").value(q.image_id).key("examples").begin_array();
        for (const std::string & id : q.example_ids) w.value(id);
        w.end_array().key("reason").value(query_reason_name(q.reason)).key("similarity").value(q.similarity).end_object();
    }
    w.end_array().end_object();
    return w.take();
}

namespace {
[[noreturn]] void bad(const std::string & source, const std::string & why) {
    throw Error(Status::Format, source + ": not a generation plan: " + why);
}
}  // namespace

GenerationPlan plan_from_json(std::string_view text, const std::string & source) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    json::element           root;
    if (const auto code = json::parse_document(parser, text, false, copy, root))
        throw Error(Status::Format, source + ": " + json::describe_parse_failure(code, text));
    json::object top;
    if (root.get(top) != simdjson::SUCCESS) bad(source, "the top level must be an object");
    GenerationPlan plan;
    std::string    why;
    int64_t        budget = 0, seed = 0;
    if (!json::get_string(top, "rule", plan.rule, why) || !json::get_int(top, "budget", budget, why) ||
        !json::get_int(top, "seed", seed, why))
        bad(source, why);
    plan.budget = int(budget);
    plan.seed   = uint64_t(seed);
    simdjson::dom::array types, queries;
    if (top["types"].get(types) != simdjson::SUCCESS) bad(source, "missing list 'types'");
    if (top["queries"].get(queries) != simdjson::SUCCESS) bad(source, "missing list 'queries'");
    size_t i = 0;
    for (json::element e : types) {
        const std::string where = "types[" + std::to_string(i++) + "]: ";
        json::object      obj;
        TypeAllocation    t;
        int64_t           bad_cases = 0, count = 0;
        if (e.get(obj) != simdjson::SUCCESS) bad(source, where + "must be an object");
        if (!json::get_string(obj, "type", t.type, why) || !json::get_double(obj, "error_rate", t.error_rate, why) ||
            !json::get_int(obj, "bad_cases", bad_cases, why) || !json::get_double(obj, "gain_per_sample", t.gain_per_sample, why) ||
            !json::get_bool(obj, "gain_measured", t.gain_measured, why) || !json::get_double(obj, "weight", t.weight, why) ||
            !json::get_int(obj, "count", count, why))
            bad(source, where + why);
        if (count < 0) bad(source, where + "'count' must be >= 0");
        t.bad_cases = bad_cases;
        t.count     = int(count);
        plan.types.push_back(std::move(t));
    }
    i = 0;
    for (json::element e : queries) {
        const std::string where = "queries[" + std::to_string(i++) + "]: ";
        json::object      obj;
        PlannedQuery      q;
        std::string       reason;
        if (e.get(obj) != simdjson::SUCCESS) bad(source, where + "must be an object");
        if (!json::get_string(obj, "type", q.type, why) || !json::get_string(obj, "image", q.image_id, why) ||
            !json::get_string_array(obj, "examples", q.example_ids, why) || !json::get_string(obj, "reason", reason, why) ||
            !json::get_double(obj, "similarity", q.similarity, why))
            bad(source, where + why);
        if (reason == "similar") q.reason = QueryReason::Similar;
        else if (reason == "explore") q.reason = QueryReason::Explore;
        else bad(source, where + "'reason' must be \"similar\" or \"explore\"");
        plan.queries.push_back(std::move(q));
    }
    return plan;
}

std::string gains_to_json(const std::vector<GainObservation> & gains) {
    JsonWriter w;
    w.begin_array();
    for (const GainObservation & g : gains) {
        w.begin_object().key("type").value(g.type).key("added").value(g.added).key("accuracy_gain").value(g.accuracy_gain);
        if (g.standard_error > 0) w.key("standard_error").value(g.standard_error);
        w.end_object();
    }
    w.end_array();
    return w.take();
}

std::vector<GainObservation> gains_from_json(std::string_view text, const std::string & source) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    json::element           root;
    if (const auto code = json::parse_document(parser, text, false, copy, root))
        throw Error(Status::Format, source + ": " + json::describe_parse_failure(code, text));
    simdjson::dom::array list;
    if (root.get(list) != simdjson::SUCCESS) throw Error(Status::Format, source + ": gains must be a JSON array");
    std::vector<GainObservation> out;
    size_t i = 0;
    for (json::element e : list) {
        json::object    obj;
        GainObservation g;
        std::string     why;
        if (e.get(obj) != simdjson::SUCCESS || !json::get_string(obj, "type", g.type, why) ||
            !json::get_double(obj, "added", g.added, why) || !json::get_double(obj, "accuracy_gain", g.accuracy_gain, why) ||
            !json::get_double(obj, "standard_error", g.standard_error, why, false))
            throw Error(Status::Format, source + ": entry " + std::to_string(i) + ": " + (why.empty() ? "must be an object" : why));
        if (!(g.standard_error >= 0) || !std::isfinite(g.standard_error))
            throw Error(Status::Format, source + ": entry " + std::to_string(i) + ": 'standard_error' must be >= 0");
        out.push_back(std::move(g));
        ++i;
    }
    return out;
}

}  // namespace dataengine
