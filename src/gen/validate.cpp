// Validation of a parsed reply: the paper's filters (coordinates, "Skip", answer not among the
// options) and more (empty fields, duplicate options, ground truth when a checker has it).
#include <cctype>
#include <set>

#include "dataengine/gen.hpp"

namespace dataengine {

const char * rejection_name(Rejection reason) {
    switch (reason) {
        case Rejection::BackendError: return "backend_error";
        case Rejection::Malformed: return "malformed";
        case Rejection::Skipped: return "skipped";
        case Rejection::EmptyField: return "empty_field";
        case Rejection::TooFewOptions: return "too_few_options";
        case Rejection::AnswerNotInOptions: return "answer_not_in_options";
        case Rejection::DuplicateOptions: return "duplicate_options";
        case Rejection::Coordinates: return "coordinates";
        case Rejection::TypeMismatch: return "type_mismatch";
        case Rejection::WrongAnswer: return "wrong_answer";
        case Rejection::MissingRationale: return "missing_rationale";
        case Rejection::NearDuplicate: return "near_duplicate";
    }
    return "?";
}

const std::vector<Rejection> & all_rejections() {
    static const std::vector<Rejection> all = {
        Rejection::BackendError, Rejection::Malformed, Rejection::Skipped, Rejection::EmptyField,
        Rejection::TooFewOptions, Rejection::AnswerNotInOptions, Rejection::DuplicateOptions, Rejection::Coordinates,
        Rejection::TypeMismatch, Rejection::WrongAnswer, Rejection::MissingRationale, Rejection::NearDuplicate};
    return all;
}

namespace {

// "bounding box", "bbox", "coordinate", or a bracketed list of two or more decimals ("[0.1, 0.42"):
// the description's boxes leaking into the data, which the image cannot show.
bool mentions_coordinates(const std::string & text) {
    const std::string low = to_lower(text);
    for (const char * word : {"bounding box", "bbox", "coordinate", "x1", "y1"})
        if (low.find(word) != std::string::npos) return true;
    for (size_t i = 0; i < low.size(); ++i) {
        if (low[i] != '[' && low[i] != '(') continue;
        int numbers = 0;
        size_t j = i + 1;
        while (j < low.size()) {
            while (j < low.size() && low[j] == ' ') ++j;
            const size_t start = j;
            while (j < low.size() && (std::isdigit(static_cast<unsigned char>(low[j])) || low[j] == '.')) ++j;
            if (j == start || low.substr(start, j - start).find('.') == std::string::npos) break;
            ++numbers;
            while (j < low.size() && low[j] == ' ') ++j;
            if (j < low.size() && low[j] == ',') ++j;
            else break;
        }
        if (numbers >= 2) return true;
    }
    return false;
}

Validation reject(Rejection why, std::string detail) {
    Validation v;
    v.rejection = why;
    v.detail    = std::move(detail);
    return v;
}

}  // namespace

Validation validate_reply(std::string_view reply, const PlannedQuery & query, const GeneratorOptions & options,
                          const AnswerChecker & checker) {
    ParsedReply r;
    try {
        r = parse_reply(reply);
    } catch (const Error & e) {
        return reject(Rejection::Malformed, e.what());
    }
    if (r.skipped) return reject(Rejection::Skipped, "the generator answered Skip");
    if (trim(r.question).empty()) return reject(Rejection::EmptyField, "empty question");
    for (size_t k = 0; k < r.options.size(); ++k)
        if (trim(r.options[k]).empty()) return reject(Rejection::EmptyField, std::string("empty option ") + char('A' + k));
    if (r.options.size() < 2 || r.options.size() > size_t(kMaxOptions))
        return reject(Rejection::TooFewOptions, std::to_string(r.options.size()) + " options (2 to " +
                                                    std::to_string(kMaxOptions) + " wanted)");
    if (r.answer < 0) return reject(Rejection::EmptyField, "no answer letter");
    if (r.answer >= int(r.options.size()))
        return reject(Rejection::AnswerNotInOptions, std::string("answer (") + char('A' + r.answer) + ") but only " +
                                                         std::to_string(r.options.size()) + " options");
    if (!r.answer_text.empty() && to_lower(r.answer_text) != to_lower(r.options[size_t(r.answer)]))
        return reject(Rejection::AnswerNotInOptions, "the answer letter and its text name different options");
    std::set<std::string> seen;
    for (const std::string & o : r.options)
        if (!seen.insert(to_lower(trim(o))).second) return reject(Rejection::DuplicateOptions, "option '" + o + "' twice");
    std::string all_text = r.question + "\n" + r.rationale;
    for (const std::string & o : r.options) all_text += "\n" + o;
    if (mentions_coordinates(all_text)) return reject(Rejection::Coordinates, "mentions coordinates or boxes");
    if (options.require_rationale && trim(r.rationale).empty()) return reject(Rejection::MissingRationale, "no explanation");

    Sample s;
    s.question = trim(r.question);
    for (const std::string & o : r.options) s.options.push_back(trim(o));
    s.answer = r.answer;
    if (!trim(r.rationale).empty()) s.rationales = {trim(r.rationale)};
    s.type = query.type;
    if (checker) {
        const int truth = checker(query.image_id, query.type, s);
        if (truth == -2) return reject(Rejection::TypeMismatch, "not a '" + query.type + "' question");
        if (truth >= 0 && truth != s.answer)
            return reject(Rejection::WrongAnswer, std::string("the answer is (") + char('A' + truth) + "), not (" +
                                                      char('A' + s.answer) + ")");
    }
    Validation v;
    v.sample = std::move(s);
    return v;
}

std::string rejections_to_json(const std::map<std::string, int> & rejected_by_reason) {
    JsonWriter w;
    w.begin_object();
    for (const auto & [reason, n] : rejected_by_reason) w.key(reason).value(n);
    w.end_object();
    return w.take();
}

}  // namespace dataengine
