// Prediction files in the forms each benchmark's own tools write.
#include <cstring>

#include "core/json_read.hpp"
#include "data/tsv.hpp"
#include "dataengine/eval.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

[[noreturn]] void bad(const std::string & source, const std::string & where, const std::string & detail) {
    throw Error(Status::Format, source + ": " + where + ": " + detail);
}

bool looks_like_jsonl(std::string_view content) {
    for (const char c : content) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t') continue;
        return c == '{';
    }
    return false;
}

// Each non-blank line is one JSON object; `take` reads what it needs from it.
template <class Take>
void for_each_json_line(std::string_view content, const std::string & source, Take take) {
    const simdjson::padded_string text(content);
    simdjson::dom::parser         parser;
    size_t                        start = 0, line_no = 0;
    while (start < text.size()) {
        const char * nl  = static_cast<const char *>(std::memchr(text.data() + start, '\n', text.size() - start));
        const size_t end = nl ? size_t(nl - text.data()) : text.size();
        const std::string_view line(text.data() + start, end - start);
        const size_t           line_start = start;
        start = end + 1;
        ++line_no;
        if (trim(line).empty()) continue;
        const std::string where = "line " + std::to_string(line_no);
        element           root;
        object            obj;
        if (const auto code = parser.parse(text.data() + line_start, line.size(), false).get(root))
            bad(source, where, json::describe_parse_failure(code, line));
        if (root.get(obj) != simdjson::SUCCESS) bad(source, where, "a prediction must be a JSON object");
        take(obj, where);
    }
}

PredictionList mmbench_tsv(std::string_view content, const std::string & source) {
    std::vector<tsv::Row> rows;
    std::string           error;
    if (!tsv::parse(content, rows, error)) bad(source, "", error);
    if (rows.empty()) bad(source, "line 1", "empty file: no header row");
    int index = -1, prediction = -1;
    for (int i = 0; i < int(rows[0].fields.size()); ++i) {
        if (rows[0].fields[i] == "index") index = i;
        if (rows[0].fields[i] == "prediction") prediction = i;
    }
    if (index < 0 || prediction < 0) bad(source, "line 1", "the header needs 'index' and 'prediction' columns");
    PredictionList out;
    for (size_t r = 1; r < rows.size(); ++r) {
        const auto & f = rows[r].fields;
        if (size_t(std::max(index, prediction)) >= f.size())
            bad(source, "line " + std::to_string(rows[r].line), "row has too few fields");
        std::string id = f[index];
        if (id.size() > 2 && id.compare(id.size() - 2, 2, ".0") == 0) id.resize(id.size() - 2);  // pandas floats
        // A missing prediction (NaN) is an empty answer: it will not extract, as in VLMEvalKit.
        out.emplace_back(id, Prediction::from_text(tsv::is_missing(f[prediction]) ? "" : f[prediction]));
    }
    return out;
}

PredictionList aokvqa_json(std::string_view content, const std::string & source) {
    const simdjson::padded_string text(content);
    simdjson::dom::parser         parser;
    element                       root;
    object                        top;
    if (const auto code = parser.parse(text).get(root)) bad(source, "document", json::describe_parse_failure(code, content));
    if (root.get(top) != simdjson::SUCCESS) bad(source, "document", "the top level must be an object {question_id: {...}}");
    PredictionList out;
    for (auto field : top) {
        const std::string where = "question_id '" + std::string(field.key) + "'";
        object            entry;
        std::string       why, mc, da;
        if (field.value.get(entry) != simdjson::SUCCESS) bad(source, where, "must be an object");
        if (!json::get_string(entry, "multiple_choice", mc, why, false) || !json::get_string(entry, "direct_answer", da, why, false))
            bad(source, where, why);
        const bool has_mc = json::has(entry, "multiple_choice"), has_da = json::has(entry, "direct_answer");
        if (!has_mc && !has_da) bad(source, where, "needs 'multiple_choice' or 'direct_answer'");
        // Without an MC answer the question still gets a DA score; its MC outcome is unextracted.
        Prediction p = Prediction::from_choice(has_mc ? mc : std::string());
        if (has_da) {
            p.direct_answer     = da;
            p.has_direct_answer = true;
        }
        out.emplace_back(std::string(field.key), std::move(p));
    }
    return out;
}

PredictionList jsonl(std::string_view content, const std::string & source, const char * id_key) {
    PredictionList out;
    for_each_json_line(content, source, [&](object obj, const std::string & where) {
        std::string id, why, text;
        if (!json::get_id(obj, id_key, id, why)) bad(source, where, why);
        element scores;
        if (obj["scores"].get(scores) == simdjson::SUCCESS) {
            simdjson::dom::array list;
            std::vector<double>  values;
            if (scores.get(list) != simdjson::SUCCESS) bad(source, where, "field 'scores' must be an array of numbers");
            for (element v : list) {
                double x;
                if (v.get(x) != simdjson::SUCCESS) bad(source, where, "field 'scores' must be an array of numbers");
                values.push_back(x);
            }
            out.emplace_back(id, Prediction::from_scores(std::move(values)));
        } else if (json::has(obj, "letter")) {
            if (!json::get_string(obj, "letter", text, why) || text.size() != 1 || text[0] < 'A' || text[0] > 'Z')
                bad(source, where, "field 'letter' must be one capital letter");
            out.emplace_back(id, Prediction::from_letter(text[0]));
        } else {
            if (!json::get_string(obj, "prediction", text, why)) bad(source, where, why);
            out.emplace_back(id, Prediction::from_text(text));
        }
    });
    return out;
}

}  // namespace

PredictionList parse_predictions(std::string_view content, Format format, const std::string & source) {
    switch (format) {
        case Format::MMBench:   return looks_like_jsonl(content) ? jsonl(content, source, "index") : mmbench_tsv(content, source);
        case Format::AOKVQA:    return aokvqa_json(content, source);
        case Format::SeedBench: return jsonl(content, source, "question_id");
        case Format::Jsonl:     return jsonl(content, source, "id");
        case Format::Llava:     break;
    }
    throw Error(Status::Unsupported, source + ": LLaVA files are training data; predictions use the jsonl form");
}

PredictionList read_predictions(const std::string & path, Format format) {
    return parse_predictions(read_file(path), format, path);
}

}  // namespace dataengine
