// A-OKVQA JSON (allenai/aokvqa): a list of
//   {"split", "image_id", "question_id", "question", "choices", "correct_choice_idx",
//    "direct_answers", "difficult_direct_answer", "rationales"}
// Images are COCO 2017: "{split}2017/{image_id:012d}.jpg" under the image root. The test split
// has no correct_choice_idx / direct_answers: those samples have no answer.
#include <cstdio>

#include "core/json_read.hpp"
#include "data/readers.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

std::string coco_image_path(const std::string & split, int64_t image_id) {
    char name[64];
    std::snprintf(name, sizeof name, "%012lld.jpg", static_cast<long long>(image_id));
    return split + "2017/" + name;
}

bool parse_record(object obj, Sample & s, Problem & p) {
    std::string why, split;
    int64_t     image_id = 0, correct = -1;
    bool        difficult = false;
    auto        fail = [&](const char * reason) { p = {reason ? reason : json::reason_of(why), why}; return false; };
    if (!json::get_id(obj, "question_id", s.id, why)) return fail(nullptr);
    if (!json::get_string(obj, "question", s.question, why)) return fail(nullptr);
    if (!json::get_string(obj, "split", split, why)) return fail(nullptr);
    if (!json::get_int(obj, "image_id", image_id, why)) return fail(nullptr);
    if (!json::get_string_array(obj, "choices", s.options, why)) return fail(nullptr);
    if (!json::get_int(obj, "correct_choice_idx", correct, why, false) && !json::is_null(obj, "correct_choice_idx"))
        return fail(nullptr);
    if (!json::get_string_array(obj, "direct_answers", s.direct_answers, why, false) ||
        !json::get_string_array(obj, "rationales", s.rationales, why, false) ||
        !json::get_bool(obj, "difficult_direct_answer", difficult, why, false))
        return fail(nullptr);
    if (split.empty() || split.find('/') != std::string::npos || split.find("..") != std::string::npos) {
        why = "field 'split': '" + split + "' is not a split name";
        return fail("bad field");
    }
    if (image_id < 0) {
        why = "field 'image_id' is negative";
        return fail("bad field");
    }
    if (s.options.size() < 2 || s.options.size() > size_t(kMaxOptions)) {
        why = "field 'choices' has " + std::to_string(s.options.size()) + " entries (must be 2.." + std::to_string(kMaxOptions) + ")";
        return fail("bad options");
    }
    if (correct != -1) {
        if (correct < 0 || correct >= int64_t(s.options.size())) {
            why = "field 'correct_choice_idx': " + std::to_string(correct) + " is not an index into 'choices'";
            return fail("bad answer");
        }
        s.answer = int(correct);
    }
    s.image = ImageRef::file(coco_image_path(split, image_id));
    s.extra["split"]    = split;
    s.extra["image_id"] = std::to_string(image_id);
    if (json::has(obj, "difficult_direct_answer")) s.extra["difficult_direct_answer"] = difficult ? "true" : "false";
    return true;
}

}  // namespace

void read_aokvqa(Input input, RecordErrors & errors, Dataset & out) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    element                 root;
    if (const auto code = json::parse_document(parser, input.text, input.padded, copy, root))
        errors.fatal("", json::describe_parse_failure(code, input.text));
    simdjson::dom::array records;
    if (root.get(records) != simdjson::SUCCESS)
        errors.fatal("", std::string("the top level must be a list of questions, not ") + json::type_name(root.type()));
    const int64_t total = int64_t(records.size());
    int64_t       i     = 0;
    for (element record : records) {
        errors.seen();
        std::string where = "record " + std::to_string(i);
        object      obj;
        Sample      s;
        Problem     p;
        if (record.get(obj) != simdjson::SUCCESS) {
            errors.reject(where, {"wrong type", std::string("a question must be an object, not ") + json::type_name(record.type())});
        } else {
            std::string id, why;
            if (json::get_id(obj, "question_id", id, why)) where += " (question_id '" + id + "')";
            if (parse_record(obj, s, p) && add_sample(out, std::move(s), p)) errors.accepted();
            else errors.reject(where, p);
        }
        if ((++i & 1023) == 0) errors.progress(i, total);
    }
    errors.progress(total, total);
}

std::string write_aokvqa(const Dataset & dataset) {
    JsonWriter w;
    w.begin_array();
    for (const Sample & s : dataset.samples()) {
        auto extra = [&](const char * key) -> std::string {
            auto it = s.extra.find(key);
            return it == s.extra.end() ? std::string() : it->second;
        };
        std::string split = extra("split");
        std::string image_id = extra("image_id");
        if (split.empty() || image_id.empty()) {
            // Recover them from a COCO path "{split}2017/{id:012d}.jpg" when the sample came from elsewhere.
            const std::string & path = s.image.value;
            const size_t        slash = path.find("2017/");
            if (s.image.kind != ImageKind::File || slash == std::string::npos)
                throw Error(Status::Invalid, "A-OKVQA: sample '" + s.id + "' has no COCO split and image_id");
            split    = path.substr(0, slash);
            image_id = std::to_string(std::strtoll(path.c_str() + slash + 5, nullptr, 10));
        }
        if (s.options.empty()) throw Error(Status::Invalid, "A-OKVQA: sample '" + s.id + "' has no choices");
        w.begin_object();
        w.key("split").value(split);
        w.key("image_id").value(int64_t(std::strtoll(image_id.c_str(), nullptr, 10)));
        w.key("question_id").value(s.id);
        w.key("question").value(s.question);
        w.key("choices").begin_array();
        for (const std::string & c : s.options) w.value(c);
        w.end_array();
        if (s.has_answer()) w.key("correct_choice_idx").value(s.answer);
        if (!s.direct_answers.empty() || s.has_answer()) {
            w.key("direct_answers").begin_array();
            for (const std::string & a : s.direct_answers) w.value(a);
            w.end_array();
        }
        const std::string difficult = extra("difficult_direct_answer");
        if (!difficult.empty()) w.key("difficult_direct_answer").value(difficult == "true");
        if (!s.rationales.empty()) {
            w.key("rationales").begin_array();
            for (const std::string & r : s.rationales) w.value(r);
            w.end_array();
        }
        w.end_object();
    }
    w.end_array();
    return w.take();
}

}  // namespace dataengine
