// Questions of the nine types, asked from a scene graph. The exact phrasings matter:
// answer_from_scene (verify.cpp) reads them back.
#include <algorithm>
#include <map>

#include "world/geometry.hpp"
#include "world/questions_internal.hpp"

namespace dataengine {

const std::vector<QuestionType> & question_types() {
    static const std::vector<QuestionType> types = {
        {"scene", "The kind of background of the whole image (plain dark, plain light, striped, checkered or gradient)."},
        {"identity", "Which shape an object described by its colour (and size) is."},
        {"attribute", "The colour of an object described by its shape (and size)."},
        {"location", "Which quadrant of the image (top left, top right, bottom left, bottom right) an object is in."},
        {"counting", "How many objects there are, in total or of one colour or shape."},
        {"spatial relation", "Where one object is relative to another: to the left, to the right, above or below."},
        {"interaction", "Whether two objects overlap, touch, are close without touching, or are far apart."},
        {"reasoning", "Facts composed over the whole scene, such as which colour or shape occurs most often."},
        {"text", "Which character (digit or capital letter) is written in the image."},
    };
    return types;
}

const QuestionType * find_question_type(std::string_view name) {
    for (const QuestionType & t : question_types())
        if (t.name == name) return &t;
    return nullptr;
}

namespace questions {

std::string plural(const std::string & shape) { return shape == "cross" ? "crosses" : shape + "s"; }

const std::vector<std::string> & contact_phrases() {
    static const std::vector<std::string> phrases = {"they overlap", "they touch", "they are close but not touching",
                                                     "they are far apart"};
    return phrases;
}

const std::vector<std::string> & quadrant_names() {
    static const std::vector<std::string> names = {"top left", "top right", "bottom left", "bottom right"};
    return names;
}

const std::vector<std::string> & relation_names() {
    static const std::vector<std::string> names = {"to the left", "to the right", "above", "below"};
    return names;
}

std::string relation_sentence(const std::string & a, const std::string & relation, const std::string & b) {
    return "The " + a + " is " + relation + (relation == "above" || relation == "below" ? " the " : " of the ") + b + ".";
}

std::vector<RelationPair> relation_pairs(const Scene & s) {
    std::vector<std::optional<std::string>> names;
    for (size_t i = 0; i < s.objects.size(); ++i) names.push_back(geometry::reference(s.objects, i));
    std::vector<RelationPair> out;
    for (size_t i = 0; i < s.objects.size(); ++i)
        for (size_t j = 0; j < s.objects.size(); ++j) {
            if (i == j || !names[i] || !names[j]) continue;
            if (const auto r = geometry::relation(s.objects[i], s.objects[j])) out.push_back({*names[i], *r, *names[j]});
        }
    return out;
}

}  // namespace questions

namespace {

using namespace questions;

struct Draft {
    std::string              question;
    std::string              answer;
    std::vector<std::string> candidates;  // distractor pool (the answer may be in it)
    std::string              rationale;
    // Candidates the scene itself shows (other objects' shapes or colours): taken as distractors
    // before the rest, so that an option cannot be ruled out merely by being absent from the image.
    std::vector<std::string> in_scene = {};
};

std::string join_names(const std::vector<WorldObject> & objects, const std::vector<size_t> & which) {
    std::string out;
    for (size_t k = 0; k < which.size(); ++k) {
        if (k) out += k + 1 == which.size() ? " and " : ", ";
        out += "a " + objects[which[k]].name();
    }
    return out;
}

std::optional<Draft> scene_question(const Scene & s, Rng &) {
    const std::string bg = background_names()[size_t(s.background)];
    return Draft{"What kind of background does the image have?", bg, background_names(), "The background is " + bg + "."};
}

// Objects that one attribute (or size and that attribute) picks out uniquely, with the phrase
// that does: "red" / "small red" for colours, "square" / "large square" for shapes.
template <class Name>
std::vector<std::pair<std::string, size_t>> unique_by(const Scene & s, Name name_of) {
    std::vector<std::pair<std::string, size_t>> refs;
    for (size_t i = 0; i < s.objects.size(); ++i) {
        const WorldObject & o = s.objects[i];
        const std::string name  = name_of(o);
        const std::string sized = std::string(o.size == SizeClass::Small ? "small " : "large ") + name;
        int same = 0, same_sized = 0;
        for (const WorldObject & p : s.objects) {
            same += name_of(p) == name;
            same_sized += name_of(p) == name && p.size == o.size;
        }
        if (same == 1) refs.emplace_back(name, i);
        else if (same_sized == 1) refs.emplace_back(sized, i);
    }
    return refs;
}

std::string colour_of(const WorldObject & o) { return colour_names()[size_t(o.colour)]; }
std::string shape_of(const WorldObject & o) { return shape_names()[size_t(o.shape)]; }

template <class Name>
std::vector<std::string> names_in(const Scene & s, Name name_of) {
    std::vector<std::string> out;
    for (const WorldObject & o : s.objects) out.push_back(name_of(o));
    return out;
}

}  // namespace

std::vector<std::pair<std::string, size_t>> questions::shape_references(const Scene & s) { return unique_by(s, shape_of); }

namespace {

std::optional<Draft> identity_question(const Scene & s, Rng & rng) {
    const auto refs = unique_by(s, colour_of);
    if (refs.empty()) return std::nullopt;
    const auto & [ref, i] = refs[rng.below(refs.size())];
    const std::string shape = shape_of(s.objects[i]);
    return Draft{"What shape is the " + ref + " object?", shape, shape_names(), "The " + ref + " object is a " + shape + ".",
                 names_in(s, shape_of)};
}

std::optional<Draft> attribute_question(const Scene & s, Rng & rng) {
    const auto refs = shape_references(s);
    if (refs.empty()) return std::nullopt;
    const auto & [ref, i] = refs[rng.below(refs.size())];
    const std::string colour = colour_of(s.objects[i]);
    return Draft{"What colour is the " + ref + "?", colour, colour_names(), "The " + ref + " is " + colour + ".",
                 names_in(s, colour_of)};
}

std::optional<Draft> location_question(const Scene & s, Rng & rng) {
    std::vector<std::pair<std::string, std::string>> candidates;  // (reference, quadrant)
    for (size_t i = 0; i < s.objects.size(); ++i) {
        const auto ref = geometry::reference(s.objects, i);
        const auto q   = geometry::quadrant(s.objects[i], s.size);
        if (ref && q) candidates.emplace_back(*ref, *q);
    }
    if (candidates.empty()) return std::nullopt;
    const auto & [ref, q] = candidates[rng.below(candidates.size())];
    return Draft{"Where in the image is the " + ref + "?", q, quadrant_names(), "The " + ref + " is in the " + q + " of the image."};
}

std::optional<Draft> counting_question(const Scene & s, Rng & rng) {
    // What to count: everything, one colour, or one shape (of those present or not).
    const int kind = int(rng.below(3));
    std::vector<size_t> which;
    std::string question, what;
    if (kind == 0) {
        for (size_t i = 0; i < s.objects.size(); ++i) which.push_back(i);
        question = "How many shapes are there?";
        what     = "shapes";
    } else if (kind == 1) {
        const Colour c = s.objects.empty() || rng.below(4) == 0 ? Colour(rng.below(colour_names().size()))
                                                                : s.objects[rng.below(s.objects.size())].colour;
        for (size_t i = 0; i < s.objects.size(); ++i)
            if (s.objects[i].colour == c) which.push_back(i);
        what     = colour_names()[size_t(c)] + " shapes";
        question = "How many " + what + " are there?";
    } else {
        const ShapeKind k = s.objects.empty() || rng.below(4) == 0 ? ShapeKind(rng.below(shape_names().size()))
                                                                   : s.objects[rng.below(s.objects.size())].shape;
        for (size_t i = 0; i < s.objects.size(); ++i)
            if (s.objects[i].shape == k) which.push_back(i);
        what     = plural(shape_names()[size_t(k)]);
        question = "How many " + what + " are there?";
    }
    const int n = int(which.size());
    std::vector<std::string> numbers;
    for (int v = std::max(0, n - 3); v <= n + 3; ++v) numbers.push_back(std::to_string(v));
    const std::string rationale = n == 0 ? "There are no " + what + "."
                                         : "There " + std::string(n == 1 ? "is " : "are ") + std::to_string(n) + ": " +
                                               join_names(s.objects, which) + ".";
    return Draft{question, std::to_string(n), numbers, rationale};
}

std::optional<Draft> relation_question(const Scene & s, Rng & rng) {
    std::vector<Draft> drafts;
    for (const auto & [a, r, b] : questions::relation_pairs(s))
        drafts.push_back({"Where is the " + a + " relative to the " + b + "?", r, relation_names(), questions::relation_sentence(a, r, b)});
    if (drafts.empty()) return std::nullopt;
    return drafts[rng.below(drafts.size())];
}

std::optional<Draft> interaction_question(const Scene & s, Rng & rng) {
    std::vector<Draft> drafts;
    for (size_t i = 0; i < s.objects.size(); ++i)
        for (size_t j = i + 1; j < s.objects.size(); ++j) {
            const auto a = geometry::reference(s.objects, i), b = geometry::reference(s.objects, j);
            const auto c = geometry::contact(s.objects[i], s.objects[j]);
            if (!a || !b || c == geometry::Contact::Ambiguous) continue;
            const std::string & answer = contact_phrases()[size_t(c)];
            drafts.push_back({"Which is true of the " + *a + " and the " + *b + "?", answer, contact_phrases(),
                              "The " + *a + " and the " + *b + ": " + answer + "."});
        }
    if (drafts.empty()) return std::nullopt;
    // Prefer the closest pair: a constructed touching/overlapping pair is the point of the type.
    return drafts[rng.below(std::min<size_t>(drafts.size(), 2))];
}

std::optional<Draft> reasoning_question(const Scene & s, Rng & rng) {
    const bool by_colour = rng.below(2) == 0;
    std::map<std::string, int> counts;
    for (const WorldObject & o : s.objects)
        ++counts[by_colour ? colour_names()[size_t(o.colour)] : shape_names()[size_t(o.shape)]];
    std::string best;
    int         top = 0, ties = 0;
    for (const auto & [name, n] : counts) {
        if (n > top) { top = n; best = name; ties = 1; }
        else if (n == top) ++ties;
    }
    if (top < 2 || ties != 1) return std::nullopt;
    const std::string question = by_colour ? "Which colour do most of the shapes have?" : "Which shape occurs most often?";
    return Draft{question, best, by_colour ? colour_names() : shape_names(),
                 std::to_string(top) + " of the " + std::to_string(s.objects.size()) + " shapes are " +
                     (by_colour ? best : plural(best)) + ", more than any other " + (by_colour ? "colour." : "shape."),
                 by_colour ? names_in(s, colour_of) : names_in(s, shape_of)};
}

std::optional<Draft> text_question(const Scene & s, Rng &) {
    if (!s.glyph) return std::nullopt;
    std::vector<std::string> chars;
    for (const char c : glyph_alphabet()) chars.emplace_back(1, c);
    const std::string answer(1, s.glyph->ch);
    return Draft{"What character is written in the image?", answer, chars, "The image shows the character " + answer + "."};
}

}  // namespace

std::optional<Sample> make_question(const Scene & scene, std::string_view type, Rng & rng) {
    std::optional<Draft> draft;
    if (type == "scene") draft = scene_question(scene, rng);
    else if (type == "identity") draft = identity_question(scene, rng);
    else if (type == "attribute") draft = attribute_question(scene, rng);
    else if (type == "location") draft = location_question(scene, rng);
    else if (type == "counting") draft = counting_question(scene, rng);
    else if (type == "spatial relation") draft = relation_question(scene, rng);
    else if (type == "interaction") draft = interaction_question(scene, rng);
    else if (type == "reasoning") draft = reasoning_question(scene, rng);
    else if (type == "text") draft = text_question(scene, rng);
    else throw Error(Status::NotFound, "unknown question type '" + std::string(type) + "'");
    if (!draft) return std::nullopt;

    // Three distinct distractors from the pool, those the scene shows first (in random order),
    // the answer at a uniform position.
    const auto shown = [&](const std::string & c) {
        return std::find(draft->in_scene.begin(), draft->in_scene.end(), c) != draft->in_scene.end();
    };
    std::vector<std::string> near, far;
    for (const std::string & c : draft->candidates)
        if (c != draft->answer) (shown(c) ? near : far).push_back(c);
    if (near.size() + far.size() < 3) return std::nullopt;
    rng.shuffle(near);
    rng.shuffle(far);
    std::vector<std::string> pool = near;
    pool.insert(pool.end(), far.begin(), far.end());
    Sample s;
    s.question = draft->question;
    s.options.assign(pool.begin(), pool.begin() + 3);
    s.answer = int(rng.below(4));
    s.options.insert(s.options.begin() + s.answer, draft->answer);
    s.rationales = {draft->rationale};
    s.type       = std::string(type);
    s.parent_type = type == "spatial relation" || type == "interaction" ? "relation"
                  : type == "reasoning"                                 ? "reasoning"
                                                                        : "perception";
    s.extra["scene"] = scene.id;
    return s;
}

}  // namespace dataengine
