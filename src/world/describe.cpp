// The text view of a scene: captions and boxes, as a COCO image is described to the LLM.
#include "world/geometry.hpp"
#include "world/questions_internal.hpp"
#include "world/world_internal.hpp"

namespace dataengine {
namespace {

std::string where(const WorldObject & o, int size) {
    const auto q = geometry::quadrant(o, size);
    return q ? "at the " + *q : "near the middle";
}

std::string count_phrase(size_t n) {
    static const char * words[] = {"no", "one", "two", "three", "four", "five", "six", "seven", "eight"};
    return n < 9 ? words[n] : std::to_string(n);
}

}  // namespace

std::vector<std::string> scene_captions(const Scene & s, uint64_t variant) {
    Rng rng(variant ^ stable_hash(s.id));
    const std::string bg = background_names()[size_t(s.background)];
    std::vector<std::string> out;

    // A long caption naming every object, in one of a few phrasings.
    std::string list;
    for (size_t i = 0; i < s.objects.size(); ++i) {
        if (i) list += i + 1 == s.objects.size() ? " and " : ", ";
        list += "a " + s.objects[i].name() + " " + where(s.objects[i], s.size);
    }
    const size_t n = s.objects.size();
    switch (rng.below(3)) {
        case 0: out.push_back("A " + bg + " image with " + count_phrase(n) + (n == 1 ? " shape" : " shapes") + (n ? ": " + list : "") + "."); break;
        case 1: out.push_back(n ? "On a " + bg + " background there " + (n == 1 ? "is " : "are ") + list + "." : "An empty " + bg + " background."); break;
        default: out.push_back("This picture shows " + count_phrase(n) + (n == 1 ? " shape" : " shapes") + " on a " + bg + " background" + (n ? ": " + list : "") + "."); break;
    }
    if (s.glyph) out.push_back("The character " + std::string(1, s.glyph->ch) + " is written in the image.");
    // One relation, when a pair has a clear one: captions teach relations too.
    for (const auto & [a, r, b] : questions::relation_pairs(s)) {
        if (out.size() >= 3) break;
        if (rng.below(3) == 0) out.push_back(questions::relation_sentence(a, r, b));
    }
    return out;
}

std::optional<std::string> referring_caption(const Scene & s, Rng & rng, bool prefer_contact) {
    // The closest nameable pair whose contact is clear (a constructed pair, where there is one).
    std::optional<std::string> contact;
    double closest = 1e9;
    for (size_t i = 0; i < s.objects.size(); ++i)
        for (size_t j = i + 1; j < s.objects.size(); ++j) {
            const double gap = geometry::mask_gap(s.objects[i], s.objects[j]);
            if (gap >= closest) continue;
            const auto c = geometry::contact_at(gap);
            if (c == geometry::Contact::Ambiguous) continue;
            const auto a = geometry::reference(s.objects, i), b = geometry::reference(s.objects, j);
            if (!a || !b) continue;
            // The answer's own words without their "they": "The A and the B touch."
            contact = "The " + *a + " and the " + *b + questions::contact_phrases()[size_t(c)].substr(4) + ".";
            closest = gap;
        }
    const auto by_shape = questions::shape_references(s);
    const bool contact_first = prefer_contact || rng.below(2) == 0;
    if (contact && (contact_first || by_shape.empty())) return contact;
    if (by_shape.empty()) return std::nullopt;
    const auto & [ref, i] = by_shape[rng.below(by_shape.size())];
    return "The " + ref + " is " + colour_names()[size_t(s.objects[i].colour)] + ".";
}

std::optional<std::string> relation_caption(const Scene & s, Rng & rng) {
    const auto pairs = questions::relation_pairs(s);
    if (pairs.empty()) return std::nullopt;
    const auto & [a, r, b] = pairs[rng.below(pairs.size())];
    // Both objects named before the relation, as a question names them before its answer.
    return "Relative to the " + b + ", the " + a + " is " + r + ".";
}

std::vector<BoxObject> scene_boxes(const Scene & s) {
    std::vector<BoxObject> out;
    const double size = s.size;
    for (const WorldObject & o : s.objects) {
        const PixelBox b = o.box();
        out.push_back({o.name(), b.x1 / size, b.y1 / size, b.x2 / size, b.y2 / size});
    }
    if (s.glyph) {
        const PixelBox b = s.glyph->box();
        out.push_back({"text \"" + std::string(1, s.glyph->ch) + "\"", b.x1 / size, b.y1 / size, std::min(1.0, b.x2 / size),
                       std::min(1.0, b.y2 / size)});
    }
    return out;
}

std::string describe_scene(const Scene & scene, uint64_t variant) {
    return describe_image(scene_captions(scene, variant), scene_boxes(scene));
}

}  // namespace dataengine
