// The native JSON-lines format: every Sample field, lossless.
//   {"id": "q1", "image": "img/1.png" | "image_base64": "..." | "scene": "s1",
//    "question": "...", "hint": "...", "options": ["a", "b"], "answer": 1 | "B" | null,
//    "direct_answers": [...], "rationales": [...], "type": "...", "parent_type": "...",
//    "circular": {"group": "7", "rotation": 1},
//    "provenance": {"source", "round", "prompt_version", "in_context_ids", "query_image", "query_reason"},
//    "extra": {"key": "value"}}
#include <cstring>

#include "core/json_read.hpp"
#include "data/readers.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

bool problem(Problem & p, const char * reason, std::string detail) {
    p = {reason, std::move(detail)};
    return false;
}

bool parse_answer(object obj, Sample & s, Problem & p) {
    element value;
    if (obj["answer"].get(value) != simdjson::SUCCESS || value.is_null()) return true;
    int64_t          index;
    std::string_view letter;
    if (value.get(index) == simdjson::SUCCESS) {
        if (index < 0 || index >= int64_t(s.options.size()))
            return problem(p, "bad answer", "field 'answer': index " + std::to_string(index) + " is not one of the " +
                                                std::to_string(s.options.size()) + " options");
        s.answer = int(index);
        return true;
    }
    if (value.get(letter) == simdjson::SUCCESS) {
        const int at = letter.size() == 1 ? letter[0] - 'A' : -1;
        if (at < 0 || at >= int(s.options.size()))
            return problem(p, "bad answer", "field 'answer': '" + std::string(letter) + "' is not one of the option letters");
        s.answer = at;
        return true;
    }
    return problem(p, "wrong type", "field 'answer' must be an option index, a letter or null, not " +
                                        std::string(json::type_name(value.type())));
}

bool parse_circular(object obj, Sample & s, Problem & p) {
    element value;
    if (obj["circular"].get(value) != simdjson::SUCCESS || value.is_null()) return true;
    object      circular;
    std::string why;
    int64_t     rotation = 0;
    if (value.get(circular) != simdjson::SUCCESS) return problem(p, "wrong type", "field 'circular' must be an object");
    if (!json::get_id(circular, "group", s.circular_group, why) || !json::get_int(circular, "rotation", rotation, why, false))
        return problem(p, "bad field", "field 'circular': " + why);
    if (rotation < 0 || rotation > 1000) return problem(p, "bad field", "field 'circular': rotation out of range");
    s.rotation = int(rotation);
    return true;
}

bool parse_provenance(object obj, Sample & s, Problem & p) {
    element value;
    if (obj["provenance"].get(value) != simdjson::SUCCESS || value.is_null()) return true;
    object      prov;
    std::string why;
    int64_t     round = -1;
    if (value.get(prov) != simdjson::SUCCESS) return problem(p, "wrong type", "field 'provenance' must be an object");
    Provenance & v = s.provenance;
    if (!json::get_string(prov, "source", v.source, why, false) || !json::get_int(prov, "round", round, why, false) ||
        !json::get_string(prov, "prompt_version", v.prompt_version, why, false) ||
        !json::get_string_array(prov, "in_context_ids", v.in_context_ids, why, false) ||
        !json::get_string(prov, "query_image", v.query_image, why, false) ||
        !json::get_string(prov, "query_reason", v.query_reason, why, false))
        return problem(p, "bad field", "field 'provenance': " + why);
    v.round = int(round);
    return true;
}

bool parse_extra(object obj, Sample & s, Problem & p) {
    element value;
    if (obj["extra"].get(value) != simdjson::SUCCESS) return true;
    object extra;
    if (value.get(extra) != simdjson::SUCCESS) return problem(p, "wrong type", "field 'extra' must be an object of strings");
    for (auto field : extra) {
        std::string_view text;
        if (field.value.get(text) != simdjson::SUCCESS)
            return problem(p, "wrong type", "field 'extra." + std::string(field.key) + "' must be a string");
        s.extra.emplace(std::string(field.key), std::string(text));
    }
    return true;
}

constexpr const char * kKnownFields[] = {"id", "image", "image_base64", "scene", "question", "hint", "options",
                                         "answer", "direct_answers", "rationales", "type", "parent_type",
                                         "circular", "provenance", "extra"};

bool parse_sample(object obj, Sample & s, Problem & p) {
    for (auto field : obj) {
        bool known = false;
        for (const char * name : kKnownFields) known |= field.key == name;
        if (!known) return problem(p, "unknown field", "unknown field '" + std::string(field.key) + "'");
    }
    std::string why, path, base64, scene;
    if (!json::get_id(obj, "id", s.id, why)) return problem(p, json::reason_of(why), why);
    if (!json::get_string(obj, "question", s.question, why)) return problem(p, json::reason_of(why), why);
    if (!json::get_string(obj, "image", path, why, false) || !json::get_string(obj, "image_base64", base64, why, false) ||
        !json::get_string(obj, "scene", scene, why, false) || !json::get_string(obj, "hint", s.hint, why, false) ||
        !json::get_string_array(obj, "options", s.options, why, false) ||
        !json::get_string_array(obj, "direct_answers", s.direct_answers, why, false) ||
        !json::get_string_array(obj, "rationales", s.rationales, why, false) ||
        !json::get_string(obj, "type", s.type, why, false) || !json::get_string(obj, "parent_type", s.parent_type, why, false))
        return problem(p, json::reason_of(why), why);
    const int images = int(!path.empty()) + int(json::has(obj, "image_base64")) + int(!scene.empty());
    if (images > 1) return problem(p, "bad image", "give at most one of 'image', 'image_base64' and 'scene'");
    if (!path.empty()) {
        try {
            resolve_image_path("", path);
        } catch (const Error & e) {
            return problem(p, "path escapes root", e.what());
        }
        s.image = ImageRef::file(path);
    } else if (json::has(obj, "image_base64")) {
        std::string bytes;
        if (!base64_decode(base64, bytes)) return problem(p, "bad base64", "field 'image_base64' is not valid base64");
        s.image = ImageRef::inline_bytes(std::move(bytes));
    } else if (!scene.empty()) {
        s.image = ImageRef::scene(scene);
    }
    if (s.options.size() == 1 || s.options.size() > size_t(kMaxOptions))
        return problem(p, "bad options", "field 'options' has " + std::to_string(s.options.size()) +
                                             " entries (must be 0 or 2.." + std::to_string(kMaxOptions) + ")");
    return parse_answer(obj, s, p) && parse_circular(obj, s, p) && parse_provenance(obj, s, p) && parse_extra(obj, s, p);
}

void write_strings(JsonWriter & w, const char * key, const std::vector<std::string> & items) {
    if (items.empty()) return;
    w.key(key).begin_array();
    for (const std::string & item : items) w.value(item);
    w.end_array();
}

}  // namespace

void read_jsonl(Input input, RecordErrors & errors, Dataset & out) {
    // Lines are parsed in place: simdjson reads up to simdjson::SIMDJSON_PADDING bytes past a line's end,
    // which are the next lines, or the file's padding. Only lines near the end of unpadded
    // input are copied.
    const char *            data = input.text.data();
    const size_t            size = input.text.size();
    simdjson::dom::parser   parser;
    simdjson::padded_string tail_copy;
    size_t                  line_no = 0, start = 0, lines = 0;
    for (const char * at = data; (at = static_cast<const char *>(std::memchr(at, '\n', size_t(data + size - at)))); ++at) ++lines;
    out.reserve(out.size() + lines + 1);
    detail::DatasetBuilder builder(out);
    while (start < size) {
        const char * nl  = static_cast<const char *>(std::memchr(data + start, '\n', size - start));
        const size_t end = nl ? size_t(nl - data) : size;
        ++line_no;
        std::string_view line(data + start, end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        start = end + 1;
        if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
        errors.seen();
        element root;
        const bool in_place = input.padded || size_t(line.data() - data) + line.size() + simdjson::SIMDJSON_PADDING <= size;
        const auto code = json::parse_document(parser, line, in_place, tail_copy, root);
        if (code != simdjson::SUCCESS) {
            errors.reject("line " + std::to_string(line_no), {"invalid JSON", json::describe_parse_failure(code, line)});
            continue;
        }
        object obj;
        if (root.get(obj) != simdjson::SUCCESS) {
            errors.reject("line " + std::to_string(line_no),
                          {"wrong type", std::string("a record must be a JSON object, not ") + json::type_name(root.type())});
            continue;
        }
        Problem p;
        Sample & sample = builder.stage();
        if (!parse_sample(obj, sample, p)) {
            builder.drop();
            errors.reject("line " + std::to_string(line_no), p);
            continue;
        }
        if (!builder.commit(p)) {
            errors.reject("line " + std::to_string(line_no), p);
            continue;
        }
        errors.accepted();
        if ((line_no & 1023) == 0) errors.progress(int64_t(start), int64_t(size));
    }
    errors.progress(int64_t(size), int64_t(size));
}

std::string sample_to_json(const Sample & s) {
    JsonWriter w;
    w.begin_object().key("id").value(s.id);
    switch (s.image.kind) {
        case ImageKind::File:   w.key("image").value(s.image.value); break;
        case ImageKind::Inline: w.key("image_base64").value(base64_encode(s.image.value)); break;
        case ImageKind::Scene:  w.key("scene").value(s.image.value); break;
        case ImageKind::None:   break;
    }
    w.key("question").value(s.question);
    if (!s.hint.empty()) w.key("hint").value(s.hint);
    write_strings(w, "options", s.options);
    if (s.answer != kNoAnswer) w.key("answer").value(s.answer);
    write_strings(w, "direct_answers", s.direct_answers);
    write_strings(w, "rationales", s.rationales);
    if (!s.type.empty()) w.key("type").value(s.type);
    if (!s.parent_type.empty()) w.key("parent_type").value(s.parent_type);
    if (!s.circular_group.empty())
        w.key("circular").begin_object().key("group").value(s.circular_group).key("rotation").value(s.rotation).end_object();
    const Provenance & v = s.provenance;
    if (!(v == Provenance{})) {
        w.key("provenance").begin_object();
        if (!v.source.empty()) w.key("source").value(v.source);
        if (v.round >= 0) w.key("round").value(v.round);
        if (!v.prompt_version.empty()) w.key("prompt_version").value(v.prompt_version);
        write_strings(w, "in_context_ids", v.in_context_ids);
        if (!v.query_image.empty()) w.key("query_image").value(v.query_image);
        if (!v.query_reason.empty()) w.key("query_reason").value(v.query_reason);
        w.end_object();
    }
    if (!s.extra.empty()) {
        w.key("extra").begin_object();
        for (const auto & [key, value] : s.extra) w.key(key).value(value);
        w.end_object();
    }
    w.end_object();
    return w.take();
}

std::string write_jsonl(const Dataset & dataset) {
    std::string out;
    for (const Sample & s : dataset.samples()) {
        out += sample_to_json(s);
        out += '\n';
    }
    return out;
}

}  // namespace dataengine
