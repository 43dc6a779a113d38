// Whether a generation prompt instructs against a kind of mistake. The world's offline generator
// makes a mistake less often when its prompt does, which is what lets IPO run offline; the cues
// are word stems that must meet in one sentence, so any reasonable wording of the instruction
// counts and a mere mention (the description's "bounding boxes") does not.
#include <array>
#include <cctype>

#include "dataengine/gen.hpp"

namespace dataengine {
namespace {

// One cue: groups of alternatives ("check|verify"); every group must match a word of the
// sentence (a stem matches a word it starts; a stem with a space matches as a phrase).
using Cue = std::vector<std::string_view>;

const std::vector<Cue> & cues(Mistake m) {
    static const std::vector<Cue> wrong = {{"check|verif|confirm|double-check", "answer|choice|letter"},
                                           {"answer|marked", "must|should", "match|agree|consistent|true|correct"},
                                           {"answer", "correct", "description|image|scene"}};
    static const std::vector<Cue> not_in = {{"letter|answer", "one of|among|listed|exists|existing", "choice|option"},
                                            {"letter", "must|should", "choice|option"}};
    static const std::vector<Cue> dup = {{"distinct|duplicate|unique|repeat|differ"}};
    static const std::vector<Cue> coords = {
        {"never|not|avoid|without|refrain|don't|no longer", "coordinat|bounding box|box|numbers"}};
    static const std::vector<Cue> rationale = {{"explanation|rationale|reason|explain", "always|every|must|include|add|give"}};
    static const std::vector<Cue> skip = {{"skip", "only|unless|never|just when|only when|truly|really"}};
    static const std::vector<Cue> malformed = {{"exactly|precisely|strictly|follow", "layout|format|template"}};
    static const std::vector<Cue> off_type = {
        {"type|kind", "only|must|stick|exactly|nothing else|same", "question|ask"}};
    switch (m) {
        case Mistake::WrongAnswer: return wrong;
        case Mistake::AnswerNotInOptions: return not_in;
        case Mistake::DuplicateOptions: return dup;
        case Mistake::Coordinates: return coords;
        case Mistake::MissingRationale: return rationale;
        case Mistake::Skip: return skip;
        case Mistake::Malformed: return malformed;
        case Mistake::OffType: return off_type;
    }
    return dup;
}

std::vector<std::string_view> split_alternatives(std::string_view group) {
    std::vector<std::string_view> out;
    for (size_t at = 0;;) {
        const size_t bar = group.find('|', at);
        out.push_back(group.substr(at, bar == std::string_view::npos ? std::string_view::npos : bar - at));
        if (bar == std::string_view::npos) return out;
        at = bar + 1;
    }
}

// A sentence as lower-case words separated by single spaces, with a space at both ends.
std::string normalise(std::string_view sentence) {
    std::string out = " ";
    for (char c : sentence) {
        const unsigned char u = static_cast<unsigned char>(c);
        if (std::isalnum(u) || c == '\'' || c == '-') out += char(std::tolower(u));
        else if (out.back() != ' ') out += ' ';
    }
    if (out.back() != ' ') out += ' ';
    return out;
}

bool matches(const std::string & words, std::string_view stem) {
    // A stem matches at a word start: " stem" (a phrase stem carries its inner spaces).
    return words.find(" " + std::string(stem)) != std::string::npos;
}

bool sentence_addresses(const std::string & words, const std::vector<Cue> & list) {
    for (const Cue & cue : list) {
        bool all = true;
        for (std::string_view group : cue) {
            bool any = false;
            for (std::string_view alt : split_alternatives(group)) any = any || matches(words, alt);
            all = all && any;
        }
        if (all) return true;
    }
    return false;
}

}  // namespace

const char * mistake_name(Mistake m) {
    switch (m) {
        case Mistake::WrongAnswer: return "wrong_answer";
        case Mistake::AnswerNotInOptions: return "answer_not_in_options";
        case Mistake::DuplicateOptions: return "duplicate_options";
        case Mistake::Coordinates: return "coordinates";
        case Mistake::MissingRationale: return "missing_rationale";
        case Mistake::Skip: return "skip";
        case Mistake::Malformed: return "malformed";
        case Mistake::OffType: return "off_type";
    }
    return "?";
}

const std::vector<Mistake> & all_mistakes() {
    static const std::vector<Mistake> all = {Mistake::WrongAnswer, Mistake::AnswerNotInOptions, Mistake::DuplicateOptions,
                                             Mistake::Coordinates, Mistake::MissingRationale,   Mistake::Skip,
                                             Mistake::Malformed,   Mistake::OffType};
    return all;
}

bool prompt_addresses(std::string_view prompt, Mistake mistake) {
    // Sentences end at . ! ? ; or a line break (rules are usually one per line).
    size_t start = 0;
    for (size_t i = 0; i <= prompt.size(); ++i) {
        if (i < prompt.size() && prompt[i] != '.' && prompt[i] != '!' && prompt[i] != '?' && prompt[i] != ';' && prompt[i] != '\n')
            continue;
        if (i > start && sentence_addresses(normalise(prompt.substr(start, i - start)), cues(mistake))) return true;
        start = i + 1;
    }
    return false;
}

}  // namespace dataengine
