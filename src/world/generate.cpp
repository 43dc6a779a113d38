// Random scenes, with the arrangements some question types need (a touching pair, a glyph).
#include <cmath>

#include "world/geometry.hpp"
#include "world/world_internal.hpp"

namespace dataengine {
namespace {

// A circle around the centre that contains every shape's mask (the triangle's base corners
// reach 1.28 r), used to keep unrelated objects apart cheaply.
int bound_radius(const WorldObject & o) { return int(std::ceil(1.3 * o.radius)); }

bool inside(const WorldObject & o, int size) {
    const int b = bound_radius(o);
    return o.cx - b >= 0 && o.cy - b >= 0 && o.cx + b < size && o.cy + b < size;
}

bool clear_of(const WorldObject & o, const std::vector<WorldObject> & others) {
    for (const WorldObject & p : others) {
        const double d = std::hypot(double(o.cx - p.cx), double(o.cy - p.cy));
        if (d < bound_radius(o) + bound_radius(p) + 3) return false;
    }
    return true;
}

WorldObject random_object(Rng & rng, int size, std::optional<Colour> colour = std::nullopt) {
    WorldObject o;
    o.shape  = ShapeKind(rng.below(shape_names().size()));
    o.colour = colour ? *colour : Colour(rng.below(colour_names().size()));
    o.size   = rng.below(2) ? SizeClass::Large : SizeClass::Small;
    const double scale = size / 64.0;
    o.radius = int(std::lround((o.size == SizeClass::Small ? 8 : 12) * scale));
    return o;
}

bool place(WorldObject & o, const std::vector<WorldObject> & others, Rng & rng, int size) {
    const int b = bound_radius(o);
    if (2 * b + 2 >= size) return false;
    for (int attempt = 0; attempt < 60; ++attempt) {
        o.cx = b + int(rng.below(uint64_t(size - 2 * b)));
        o.cy = b + int(rng.below(uint64_t(size - 2 * b)));
        if (clear_of(o, others)) return true;
    }
    return false;
}

// Places `b` next to `a` so that their masks meet as `wanted` (overlap, touch, close, apart).
bool place_in_contact(const WorldObject & a, WorldObject & b, geometry::Contact wanted, Rng & rng, int size) {
    for (int attempt = 0; attempt < 12; ++attempt) {
        const double angle = rng.uniform() * 6.283185307179586;
        for (double d = 0.6 * (a.radius + b.radius); d < 2.6 * (a.radius + b.radius) + 16; d += 0.5) {
            b.cx = a.cx + int(std::lround(d * std::cos(angle)));
            b.cy = a.cy + int(std::lround(d * std::sin(angle)));
            if (!inside(b, size)) continue;
            const geometry::Contact c = geometry::contact(a, b);
            if (c == wanted) return true;
            // Distances only grow the gap: past the wanted class there is nothing to find.
            if (int(c) > int(wanted) && c != geometry::Contact::Ambiguous) break;
        }
    }
    return false;
}

bool place_glyph(Scene & scene, Rng & rng) {
    Glyph g;
    g.ch    = glyph_alphabet()[rng.below(glyph_alphabet().size())];
    g.scale = std::max(1, int(std::lround(3 * scene.size / 64.0)));
    g.dark  = scene.background == Background::Light;
    const PixelBox extent = g.box();
    const int      w = extent.x2 - extent.x1, h = extent.y2 - extent.y1;
    for (int attempt = 0; attempt < 60; ++attempt) {
        g.x = 1 + int(rng.below(uint64_t(std::max(1, scene.size - w - 2))));
        g.y = 1 + int(rng.below(uint64_t(std::max(1, scene.size - h - 2))));
        bool free = true;
        for (const WorldObject & o : scene.objects) {
            // Nearest point of the glyph's box to the object's centre, vs its bound circle.
            const int nx = std::clamp(o.cx, g.x, g.x + w), ny = std::clamp(o.cy, g.y, g.y + h);
            if (std::hypot(double(nx - o.cx), double(ny - o.cy)) < bound_radius(o) + 2) free = false;
        }
        if (free) {
            scene.glyph = g;
            return true;
        }
    }
    return false;
}

}  // namespace

std::optional<Scene> generate_scene(Rng & rng, int size, std::string_view type) {
    Scene scene;
    scene.size       = size;
    scene.background = Background(rng.below(background_names().size()));
    const bool pair_needed = type == "spatial relation" || type == "interaction";
    const int  min_objects = type == "reasoning" ? 3 : pair_needed ? 2 : type == "counting" ? 0 : 1;
    const int  count       = min_objects + int(rng.below(uint64_t(6 - min_objects + 1)));

    // Reasoning asks which colour or shape is most common: make one likely to be.
    std::optional<Colour> majority;
    if (type == "reasoning") majority = Colour(rng.below(colour_names().size()));

    if (type == "interaction") {
        WorldObject a = random_object(rng, size), b = random_object(rng, size);
        if (!place(a, {}, rng, size)) return std::nullopt;
        const auto wanted = geometry::Contact(rng.below(4));
        if (!place_in_contact(a, b, wanted, rng, size)) return std::nullopt;
        scene.objects = {a, b};
    }
    while (int(scene.objects.size()) < count) {
        const bool  use_majority = majority && rng.uniform() < 0.5;
        WorldObject o = random_object(rng, size, use_majority ? majority : std::nullopt);
        if (!place(o, scene.objects, rng, size)) break;  // full: fewer objects than planned
        scene.objects.push_back(o);
    }
    if (int(scene.objects.size()) < min_objects) return std::nullopt;
    // Shuffle so that a constructed pair is not always first (and drawn first).
    rng.shuffle(scene.objects);
    const bool want_glyph = type == "text" || rng.uniform() < 0.35;
    if (want_glyph && !place_glyph(scene, rng) && type == "text") return std::nullopt;
    return scene;
}

}  // namespace dataengine
