// SEED-Bench JSON: {"question_type": {"Scene Understanding": 1, ...},
//                   "questions": [{"question_id", "question", "choice_a".."choice_d", "answer",
//                                  "question_type_id", "data_id", "data_type"}]}
// data_id is the image file under the image root. Types are named through the question_type map.
#include <algorithm>
#include <map>

#include "core/json_read.hpp"
#include "data/readers.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr const char * kChoiceKeys[] = {"choice_a", "choice_b", "choice_c", "choice_d"};

bool parse_record(object obj, const std::map<int64_t, std::string> & type_names, Sample & s, Problem & p) {
    std::string why, answer, data_id, data_type;
    int64_t     type_id = 0;
    auto        fail = [&](const char * reason) { p = {reason ? reason : json::reason_of(why), why}; return false; };
    if (!json::get_id(obj, "question_id", s.id, why)) return fail(nullptr);
    if (!json::get_string(obj, "question", s.question, why)) return fail(nullptr);
    for (const char * key : kChoiceKeys) {
        std::string choice;
        if (!json::get_string(obj, key, choice, why)) return fail(nullptr);
        s.options.push_back(std::move(choice));
    }
    if (!json::get_int(obj, "question_type_id", type_id, why)) return fail(nullptr);
    if (!json::get_string(obj, "answer", answer, why, false) && !json::is_null(obj, "answer")) return fail(nullptr);
    if (!json::get_string(obj, "data_id", data_id, why)) return fail(nullptr);
    if (!json::get_string(obj, "data_type", data_type, why, false)) return fail(nullptr);
    if (!answer.empty()) {
        const int at = answer.size() == 1 ? answer[0] - 'A' : -1;
        if (at < 0 || at >= 4) {
            why = "field 'answer': '" + answer + "' is not one of A, B, C, D";
            return fail("bad answer");
        }
        s.answer = at;
    }
    auto name = type_names.find(type_id);
    if (name == type_names.end()) {
        why = "field 'question_type_id': " + std::to_string(type_id) + " is not in the 'question_type' map";
        return fail("bad field");
    }
    s.type = name->second;
    try {
        resolve_image_path("", data_id);
    } catch (const Error & e) {
        why = std::string("field 'data_id': ") + e.what();
        return fail("path escapes root");
    }
    s.image = ImageRef::file(data_id);
    s.extra["question_type_id"] = std::to_string(type_id);
    if (!data_type.empty()) s.extra["data_type"] = data_type;
    return true;
}

}  // namespace

void read_seed_bench(Input input, RecordErrors & errors, Dataset & out) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    element                 root;
    if (const auto code = json::parse_document(parser, input.text, input.padded, copy, root))
        errors.fatal("", json::describe_parse_failure(code, input.text));
    object top;
    if (root.get(top) != simdjson::SUCCESS) errors.fatal("", "the top level must be an object with 'questions'");
    simdjson::dom::array questions;
    object               types;
    if (top["questions"].get(questions) != simdjson::SUCCESS) errors.fatal("", "missing list 'questions'");
    if (top["question_type"].get(types) != simdjson::SUCCESS) errors.fatal("", "missing object 'question_type'");
    std::map<int64_t, std::string> type_names;
    for (auto field : types) {
        int64_t id;
        if (field.value.get(id) != simdjson::SUCCESS)
            errors.fatal("question_type", "'" + std::string(field.key) + "' must map to an integer id");
        type_names[id] = std::string(field.key);
    }
    const int64_t total = int64_t(questions.size());
    int64_t       i     = 0;
    for (element record : questions) {
        errors.seen();
        std::string where = "questions[" + std::to_string(i) + "]";
        object      obj;
        Sample      s;
        Problem     p;
        if (record.get(obj) != simdjson::SUCCESS) {
            errors.reject(where, {"wrong type", std::string("a question must be an object, not ") + json::type_name(record.type())});
        } else {
            std::string id, why;
            if (json::get_id(obj, "question_id", id, why)) where += " (question_id '" + id + "')";
            if (parse_record(obj, type_names, s, p) && add_sample(out, std::move(s), p)) errors.accepted();
            else errors.reject(where, p);
        }
        if ((++i & 1023) == 0) errors.progress(i, total);
    }
    errors.progress(total, total);
}

std::string write_seed_bench(const Dataset & dataset) {
    // Type ids: kept from the source when present, else numbered in order of first appearance.
    std::map<std::string, int64_t> type_ids;
    int64_t                        next_id = 1;
    for (const Sample & s : dataset.samples()) {
        auto it = s.extra.find("question_type_id");
        if (it != s.extra.end()) {
            const int64_t id = std::strtoll(it->second.c_str(), nullptr, 10);
            type_ids.emplace(s.type, id);
            next_id = std::max(next_id, id + 1);
        }
    }
    for (const Sample & s : dataset.samples())
        if (!type_ids.count(s.type)) type_ids.emplace(s.type, next_id++);

    JsonWriter w;
    w.begin_object().key("question_type").begin_object();
    for (const auto & [name, id] : type_ids) w.key(name).value(id);
    w.end_object().key("questions").begin_array();
    for (const Sample & s : dataset.samples()) {
        if (s.options.size() != 4)
            throw Error(Status::Invalid, "SEED-Bench: sample '" + s.id + "' has " + std::to_string(s.options.size()) +
                                             " options; the format holds exactly 4");
        if (s.image.kind != ImageKind::File)
            throw Error(Status::Invalid, "SEED-Bench: sample '" + s.id + "' needs an image file (data_id)");
        w.begin_object();
        if (s.has_answer()) w.key("answer").value(std::string(1, option_letter(s.answer)));
        for (int k = 0; k < 4; ++k) w.key(kChoiceKeys[k]).value(s.options[k]);
        w.key("data_id").value(s.image.value);
        auto dt = s.extra.find("data_type");
        w.key("data_type").value(dt == s.extra.end() ? std::string("image") : dt->second);
        w.key("question").value(s.question);
        w.key("question_id").value(s.id);
        w.key("question_type_id").value(type_ids.at(s.type));
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

}  // namespace dataengine
