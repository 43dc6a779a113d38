// LLaVA conversation JSON, the format training frameworks ingest:
//   [{"id": "...", "image": "path", "conversations": [{"from": "human", "value": "<image>\n..."},
//                                                     {"from": "gpt", "value": "..."}]}]
// Multiple-choice samples use the paper's layouts:
//   prompt  "<image>\n[Hint: {hint}\n]{question}\nOptions:\n(A) {a}\n(B) {b}..."
//   QM-A    "The answer is (B) {b}."
//   QM-AE   "The answer is (B) {b}. {rationale}"
// Other conversations read as open-ended samples (the reply is the direct answer); a
// conversation of several exchanges gives one sample per exchange ("{id}", "{id}_1", ...).
#include "core/json_read.hpp"
#include "data/readers.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

constexpr std::string_view kImageToken = "<image>";
constexpr std::string_view kAnswerLead = "The answer is (";

std::string strip_image_token(std::string text) {
    const size_t at = text.find(kImageToken);
    if (at == std::string::npos) return text;
    text.erase(at, kImageToken.size());
    return trim(text);
}

// Reads our multiple-choice layout back; false when `prompt` is something else.
bool parse_prompt(const std::string & prompt, Sample & s) {
    const size_t options_at = prompt.rfind("\nOptions:\n");
    if (options_at == std::string::npos) return false;
    std::string head = prompt.substr(0, options_at);
    if (head.rfind("Hint: ", 0) == 0) {
        const size_t nl = head.find('\n');
        if (nl == std::string::npos) return false;
        s.hint = head.substr(6, nl - 6);
        head   = head.substr(nl + 1);
    }
    std::vector<std::string> options;
    for (const std::string & line : split(prompt.substr(options_at + 10), '\n')) {
        const char letter = option_letter(int(options.size()));
        if (line.size() < 4 || line[0] != '(' || line[1] != letter || line[2] != ')' || line[3] != ' ') return false;
        options.push_back(line.substr(4));
    }
    if (options.size() < 2 || options.size() > size_t(kMaxOptions)) return false;
    s.question = head;
    s.options  = std::move(options);
    return true;
}

bool parse_reply(const std::string & reply, Sample & s) {
    if (reply.rfind(kAnswerLead, 0) != 0 || reply.size() < kAnswerLead.size() + 2) return false;
    const int at = reply[kAnswerLead.size()] - 'A';
    if (at < 0 || at >= int(s.options.size()) || reply[kAnswerLead.size() + 1] != ')') return false;
    const std::string expected = std::string(kAnswerLead) + option_letter(at) + ") " + s.options[at] + ".";
    if (reply.rfind(expected, 0) != 0) return false;
    s.answer = at;
    const std::string rest = trim(std::string_view(reply).substr(expected.size()));
    if (!rest.empty()) s.rationales.push_back(rest);
    return true;
}

bool parse_record(object obj, Dataset & out, Problem & p) {
    std::string why, id, image;
    auto        fail = [&](const char * reason) { p = {reason ? reason : json::reason_of(why), why}; return false; };
    if (!json::get_id(obj, "id", id, why)) return fail(nullptr);
    if (!json::get_id(obj, "image", image, why, false)) return fail(nullptr);
    simdjson::dom::array turns;
    if (obj["conversations"].get(turns) != simdjson::SUCCESS) {
        why = "missing list 'conversations'";
        return fail(nullptr);
    }
    std::vector<std::pair<std::string, std::string>> messages;  // (from, value)
    for (element turn : turns) {
        object      message;
        std::string from, value;
        if (turn.get(message) != simdjson::SUCCESS || !json::get_string(message, "from", from, why) ||
            !json::get_string(message, "value", value, why)) {
            why = "conversations[" + std::to_string(messages.size()) + "]: " + (why.empty() ? "must be an object" : why);
            return fail("bad conversation");
        }
        messages.emplace_back(std::move(from), std::move(value));
    }
    if (messages.size() < 2 || messages.size() % 2 != 0) {
        why = "'conversations' must hold human/gpt pairs, has " + std::to_string(messages.size()) + " messages";
        return fail("bad conversation");
    }
    if (!image.empty()) {
        try {
            resolve_image_path("", image);
        } catch (const Error & e) {
            why = std::string("field 'image': ") + e.what();
            return fail("path escapes root");
        }
    }
    std::vector<Sample> samples;
    for (size_t k = 0; k < messages.size(); k += 2) {
        if (messages[k].first != "human" || messages[k + 1].first != "gpt") {
            why = "conversations[" + std::to_string(k) + "]: expected a 'human' message followed by a 'gpt' one";
            return fail("bad conversation");
        }
        Sample s;
        s.id = k == 0 ? id : id + "_" + std::to_string(k / 2);
        if (!image.empty()) s.image = ImageRef::file(image);
        const std::string prompt = strip_image_token(messages[k].second);
        const std::string & reply = messages[k + 1].second;
        if (!(parse_prompt(prompt, s) && parse_reply(reply, s))) {
            Sample open;
            open.id    = s.id;
            open.image = s.image;
            open.question = prompt;
            open.direct_answers.push_back(reply);
            s = std::move(open);
        }
        if (out.find(s.id)) {
            why = "duplicate id '" + s.id + "'";
            return fail("duplicate id");
        }
        samples.push_back(std::move(s));
    }
    for (Sample & s : samples) out.add(std::move(s));
    return true;
}

}  // namespace

std::string llava_prompt(const Sample & s) {
    std::string out = std::string(kImageToken) + "\n";
    if (s.options.empty()) return out + s.question;
    if (!s.hint.empty()) out += "Hint: " + s.hint + "\n";
    out += s.question + "\nOptions:";
    for (size_t k = 0; k < s.options.size(); ++k) out += std::string("\n(") + option_letter(int(k)) + ") " + s.options[k];
    return out;
}

std::string llava_reply(const Sample & s, LlavaStyle style) {
    if (s.options.empty()) {
        if (s.direct_answers.empty()) throw Error(Status::Invalid, "LLaVA: open-ended sample '" + s.id + "' has no answer");
        return s.direct_answers.front();
    }
    if (!s.has_answer()) throw Error(Status::Invalid, "LLaVA: sample '" + s.id + "' has no answer to train on");
    std::string out = std::string(kAnswerLead) + option_letter(s.answer) + ") " + s.options[s.answer] + ".";
    if (style == LlavaStyle::QmAE && !s.rationales.empty()) out += " " + s.rationales.front();
    return out;
}

void read_llava(Input input, RecordErrors & errors, Dataset & out) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    element                 root;
    if (const auto code = json::parse_document(parser, input.text, input.padded, copy, root))
        errors.fatal("", json::describe_parse_failure(code, input.text));
    simdjson::dom::array records;
    if (root.get(records) != simdjson::SUCCESS)
        errors.fatal("", std::string("the top level must be a list of conversations, not ") + json::type_name(root.type()));
    const int64_t total = int64_t(records.size());
    int64_t       i     = 0;
    for (element record : records) {
        errors.seen();
        std::string where = "record " + std::to_string(i);
        object      obj;
        Problem     p;
        if (record.get(obj) != simdjson::SUCCESS) {
            errors.reject(where, {"wrong type", std::string("a conversation must be an object, not ") + json::type_name(record.type())});
        } else {
            std::string id, why;
            if (json::get_id(obj, "id", id, why)) where += " (id '" + id + "')";
            if (parse_record(obj, out, p)) errors.accepted();
            else errors.reject(where, p);
        }
        if ((++i & 1023) == 0) errors.progress(i, total);
    }
    errors.progress(total, total);
}

std::string write_llava(const Dataset & dataset, LlavaStyle style) {
    JsonWriter w;
    w.begin_array();
    for (const Sample & s : dataset.samples()) {
        w.begin_object().key("id").value(s.id);
        if (s.image.kind == ImageKind::File) w.key("image").value(s.image.value);
        else if (s.image.kind != ImageKind::None)
            throw Error(Status::Invalid, "LLaVA: sample '" + s.id + "' needs an image file, not inline or scene data");
        w.key("conversations").begin_array();
        w.begin_object().key("from").value("human").key("value").value(llava_prompt(s)).end_object();
        w.begin_object().key("from").value("gpt").key("value").value(llava_reply(s, style)).end_object();
        w.end_array().end_object();
    }
    w.end_array();
    return w.take();
}

}  // namespace dataengine
