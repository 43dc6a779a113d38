// Answering a world question from the scene graph alone, by reading its text. Independent of
// questions.cpp on purpose: it re-derives every answer from geometry, so a bug in the question
// writer shows up as a disagreement, and generated questions (from an LLM, say) can be checked.
#include <algorithm>
#include <map>

#include "world/geometry.hpp"
#include "world/questions_internal.hpp"

namespace dataengine {
namespace {

// Matches `text` against `pattern`, whose "{}" stand for slots; fills the slots.
bool match(const std::string & text, const std::string & pattern, std::vector<std::string> & slots) {
    slots.clear();
    std::vector<std::string> literals;
    size_t from = 0, at;
    while ((at = pattern.find("{}", from)) != std::string::npos) {
        literals.push_back(pattern.substr(from, at - from));
        from = at + 2;
    }
    literals.push_back(pattern.substr(from));
    if (text.compare(0, literals[0].size(), literals[0]) != 0) return false;
    size_t pos = literals[0].size();
    for (size_t k = 1; k < literals.size(); ++k) {
        const bool   last = k + 1 == literals.size();
        const size_t next = last ? (text.size() >= literals[k].size() ? text.size() - literals[k].size() : std::string::npos)
                                 : text.find(literals[k], pos);
        if (next == std::string::npos || next < pos || text.compare(next, literals[k].size(), literals[k]) != 0) return false;
        slots.push_back(text.substr(pos, next - pos));
        pos = next + literals[k].size();
    }
    return pos == text.size() && std::all_of(slots.begin(), slots.end(), [](const std::string & s) { return !s.empty(); });
}

// The one object a phrase names, or nullptr.
const WorldObject * the(const Scene & s, const std::string & phrase) {
    const auto found = geometry::resolve(s.objects, phrase);
    return found.size() == 1 ? &s.objects[found[0]] : nullptr;
}

// Objects whose attribute (and size, when given: "small red", "large square") matches a
// description; name_of picks the attribute.
template <class Name>
std::vector<const WorldObject *> matching(const Scene & s, const std::string & description, Name name_of) {
    std::vector<const WorldObject *> out;
    for (const WorldObject & o : s.objects) {
        const std::string name  = name_of(o);
        const std::string sized = std::string(o.size == SizeClass::Small ? "small " : "large ") + name;
        if (description == name || description == sized) out.push_back(&o);
    }
    return out;
}

std::string colour_of(const WorldObject & o) { return colour_names()[size_t(o.colour)]; }
std::string shape_of(const WorldObject & o) { return shape_names()[size_t(o.shape)]; }

// The right answer's text, or "" when the question is not the world's or has no single answer.
std::string expected_answer(const Scene & s, const std::string & q) {
    std::vector<std::string> v;
    if (q == "What kind of background does the image have?") return background_names()[size_t(s.background)];
    if (q == "What character is written in the image?") return s.glyph ? std::string(1, s.glyph->ch) : "";
    if (match(q, "What shape is the {} object?", v)) {
        const auto found = matching(s, v[0], colour_of);
        return found.size() == 1 ? shape_names()[size_t(found[0]->shape)] : "";
    }
    if (match(q, "What colour is the {}?", v)) {
        const auto found = matching(s, v[0], shape_of);
        return found.size() == 1 ? colour_names()[size_t(found[0]->colour)] : "";
    }
    if (match(q, "Where in the image is the {}?", v)) {
        const WorldObject * o = the(s, v[0]);
        return o ? geometry::quadrant(*o, s.size).value_or("") : "";
    }
    if (q == "How many shapes are there?") return std::to_string(s.objects.size());
    if (match(q, "How many {} are there?", v)) {
        const std::string & what = v[0];
        int n = 0;
        bool known = false;
        for (const std::string & c : colour_names())
            if (what == c + " shapes") {
                known = true;
                for (const WorldObject & o : s.objects) n += colour_names()[size_t(o.colour)] == c;
            }
        for (const std::string & k : shape_names())
            if (what == questions::plural(k)) {
                known = true;
                for (const WorldObject & o : s.objects) n += shape_names()[size_t(o.shape)] == k;
            }
        return known ? std::to_string(n) : "";
    }
    if (match(q, "Where is the {} relative to the {}?", v)) {
        const WorldObject *a = the(s, v[0]), *b = the(s, v[1]);
        return a && b && a != b ? geometry::relation(*a, *b).value_or("") : "";
    }
    if (match(q, "Which is true of the {} and the {}?", v)) {
        const WorldObject *a = the(s, v[0]), *b = the(s, v[1]);
        if (!a || !b || a == b) return "";
        const auto c = geometry::contact(*a, *b);
        return c == geometry::Contact::Ambiguous ? "" : questions::contact_phrases()[size_t(c)];
    }
    if (q == "Which colour do most of the shapes have?" || q == "Which shape occurs most often?") {
        const bool by_colour_q = q[6] == 'c';
        std::map<std::string, int> counts;
        for (const WorldObject & o : s.objects)
            ++counts[by_colour_q ? colour_names()[size_t(o.colour)] : shape_names()[size_t(o.shape)]];
        std::string best;
        int top = 0, ties = 0;
        for (const auto & [name, n] : counts) {
            if (n > top) { top = n; best = name; ties = 1; }
            else if (n == top) ++ties;
        }
        return ties == 1 ? best : "";
    }
    return "";
}

}  // namespace

std::string world_question_type(std::string_view text) {
    const std::string q(trim(text));
    std::vector<std::string> v;
    if (q == "What kind of background does the image have?") return "scene";
    if (q == "What character is written in the image?") return "text";
    if (match(q, "What shape is the {} object?", v)) return "identity";
    if (match(q, "What colour is the {}?", v)) return "attribute";
    if (match(q, "Where in the image is the {}?", v)) return "location";
    if (match(q, "How many {} are there?", v)) return "counting";
    if (match(q, "Where is the {} relative to the {}?", v)) return "spatial relation";
    if (match(q, "Which is true of the {} and the {}?", v)) return "interaction";
    if (q == "Which colour do most of the shapes have?" || q == "Which shape occurs most often?") return "reasoning";
    return "";
}

int answer_from_scene(const Scene & scene, const Sample & question) {
    const std::string answer = expected_answer(scene, question.question);
    if (answer.empty()) return -1;
    int found = -1;
    for (size_t k = 0; k < question.options.size(); ++k)
        if (question.options[k] == answer) {
            if (found >= 0) return -1;  // the answer twice among the options
            found = int(k);
        }
    return found;
}

}  // namespace dataengine
