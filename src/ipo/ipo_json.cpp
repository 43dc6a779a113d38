// The optimizer's state file (ipo.json): every version, batch and verdict, written atomically.
#include "core/json_read.hpp"
#include "dataengine/ipo.hpp"

namespace dataengine {

namespace {

void write_acceptance(JsonWriter & w, const Acceptance & a) {
    w.key("acceptance").value(a.rate()).key("accepted").value(a.accepted).key("reviewed").value(a.total)
        .key("interval").begin_array().value(a.low()).value(a.high()).end_array();
}

[[noreturn]] void bad(const std::string & path, const std::string & why) {
    throw Error(Status::Format, path + ": " + why);
}

}  // namespace

std::string PromptOptimizer::to_json() const {
    JsonWriter w;
    w.begin_object().key("format").value(1).key("best").value(best().prompt.version).key("stopped").value(ipo_stop_name(stopped_));
    w.key("options").begin_object().key("batch_size").value(options_.batch_size).key("target").value(options_.target)
        .key("max_rounds").value(options_.max_rounds).key("patience").value(options_.patience)
        .key("rewrite_attempts").value(options_.rewrite_attempts).key("seed").value(options_.seed)
        .key("version_prefix").value(options_.version_prefix).end_object();
    w.key("versions").begin_array();
    for (const PromptVersion & v : versions_) {
        w.begin_object().key("version").value(v.prompt.version).key("parent").value(v.parent).key("feedback").value(v.feedback);
        write_acceptance(w, v.acceptance);
        w.key("prompt").value(v.prompt.text).key("rules").begin_array();
        for (const std::string & r : v.prompt.rules) w.value(r);
        w.end_array().end_object();
    }
    w.end_array().key("batches").begin_array();
    for (const ReviewBatch & b : batches_) {
        w.begin_object().key("round").value(b.round).key("version").value(b.version).key("closed").value(b.closed);
        write_acceptance(w, b.acceptance());
        w.key("items").begin_array();
        for (const BatchItem & i : b.items) {
            w.begin_object().key("type").value(i.query.type).key("image").value(i.query.image_id).key("examples").begin_array();
            for (const std::string & e : i.query.example_ids) w.value(e);
            w.end_array().key("reply").value(i.reply).key("auto_rejection").value(i.auto_rejection).key("detail").value(i.detail);
            w.key("sample");
            if (i.sample) w.raw(sample_to_json(*i.sample));
            else w.null();
            w.key("verdict");
            if (i.verdict) {
                w.begin_object().key("accepted").value(i.verdict->accepted).key("category")
                    .value(i.verdict->category ? review_category_name(*i.verdict->category) : "").key("comment").value(i.verdict->comment).end_object();
            } else {
                w.null();
            }
            w.end_object();
        }
        w.end_array().end_object();
    }
    w.end_array().key("refused_rewrites").begin_array();
    for (const std::string & r : refused_) w.value(r);
    w.end_array().end_object();
    return w.str();
}

void PromptOptimizer::save() const {
    if (!path_.empty()) write_file_atomic(path_, to_json() + "\n");
}

void PromptOptimizer::load(const std::string & text) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    json::element           root;
    if (const auto code = json::parse_document(parser, text, false, copy, root))
        bad(path_, json::describe_parse_failure(code, text));
    json::object top;
    if (root.get(top) != simdjson::SUCCESS) bad(path_, "the top level must be an object");
    std::string why, stopped;
    if (!json::get_string(top, "stopped", stopped, why)) bad(path_, why);
    stopped_ = IpoStop::None;
    for (IpoStop s : {IpoStop::Target, IpoStop::Rounds, IpoStop::Patience})
        if (stopped == ipo_stop_name(s)) stopped_ = s;
    simdjson::dom::array versions, batches, refused;
    if (top["versions"].get(versions) != simdjson::SUCCESS) bad(path_, "missing list 'versions'");
    if (top["batches"].get(batches) != simdjson::SUCCESS) bad(path_, "missing list 'batches'");
    size_t n = 0;
    for (json::element e : versions) {
        const std::string where = "versions[" + std::to_string(n++) + "]: ";
        json::object      obj;
        PromptVersion     v;
        int64_t           accepted = 0, reviewed = 0;
        if (e.get(obj) != simdjson::SUCCESS) bad(path_, where + "must be an object");
        if (!json::get_string(obj, "version", v.prompt.version, why) || !json::get_string(obj, "parent", v.parent, why) ||
            !json::get_string(obj, "feedback", v.feedback, why) || !json::get_string(obj, "prompt", v.prompt.text, why) ||
            !json::get_string_array(obj, "rules", v.prompt.rules, why) || !json::get_int(obj, "accepted", accepted, why) ||
            !json::get_int(obj, "reviewed", reviewed, why))
            bad(path_, where + why);
        v.acceptance = {int(accepted), int(reviewed)};
        versions_.push_back(std::move(v));
    }
    if (versions_.empty()) bad(path_, "no prompt versions");
    n = 0;
    for (json::element e : batches) {
        const std::string where = "batches[" + std::to_string(n++) + "]: ";
        json::object      obj;
        ReviewBatch       b;
        int64_t           round = 0;
        simdjson::dom::array items;
        if (e.get(obj) != simdjson::SUCCESS) bad(path_, where + "must be an object");
        if (!json::get_int(obj, "round", round, why) || !json::get_string(obj, "version", b.version, why) ||
            !json::get_bool(obj, "closed", b.closed, why))
            bad(path_, where + why);
        if (obj["items"].get(items) != simdjson::SUCCESS) bad(path_, where + "missing list 'items'");
        b.round = int(round);
        size_t k = 0;
        for (json::element ie : items) {
            const std::string at = where + "items[" + std::to_string(k++) + "]: ";
            json::object      io;
            BatchItem         item;
            if (ie.get(io) != simdjson::SUCCESS) bad(path_, at + "must be an object");
            if (!json::get_string(io, "type", item.query.type, why) || !json::get_string(io, "image", item.query.image_id, why) ||
                !json::get_string_array(io, "examples", item.query.example_ids, why) || !json::get_string(io, "reply", item.reply, why) ||
                !json::get_string(io, "auto_rejection", item.auto_rejection, why) || !json::get_string(io, "detail", item.detail, why))
                bad(path_, at + why);
            json::element sample;
            if (io["sample"].get(sample) == simdjson::SUCCESS && !sample.is_null()) {
                const Dataset one = parse_dataset(simdjson::to_string(sample), Format::Jsonl, path_ + " " + at + "sample");
                if (one.size() != 1) bad(path_, at + "'sample' must be one sample");
                item.sample = one[0];
            }
            json::object verdict;
            if (io["verdict"].get(verdict) == simdjson::SUCCESS) {
                Verdict     v;
                std::string category;
                if (!json::get_bool(verdict, "accepted", v.accepted, why) || !json::get_string(verdict, "category", category, why) ||
                    !json::get_string(verdict, "comment", v.comment, why))
                    bad(path_, at + "verdict: " + why);
                if (!category.empty()) {
                    v.category = review_category_from_name(category);
                    if (!v.category) bad(path_, at + "verdict: unknown category '" + category + "'");
                }
                item.verdict = std::move(v);
            }
            b.items.push_back(std::move(item));
        }
        batches_.push_back(std::move(b));
    }
    if (top["refused_rewrites"].get(refused) == simdjson::SUCCESS)
        for (json::element e : refused) {
            std::string_view r;
            if (e.get(r) == simdjson::SUCCESS) refused_.emplace_back(r);
        }
}

}  // namespace dataengine
