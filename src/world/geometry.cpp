// Geometry of scene objects, computed from their exact pixel masks.
#include "world/geometry.hpp"

#include <cmath>

namespace dataengine::geometry {
namespace {

std::vector<std::pair<int, int>> pixels(const WorldObject & o) {
    std::vector<std::pair<int, int>> out;
    const PixelBox b = o.box();
    for (int y = b.y1; y < b.y2; ++y)
        for (int x = b.x1; x < b.x2; ++x)
            if (o.covers(x, y)) out.emplace_back(x, y);
    return out;
}

}  // namespace

double mask_gap(const WorldObject & a, const WorldObject & b) {
    // Only the outline can be nearest; but masks are small (< 500 px), so compare all pairs.
    const auto pa = pixels(a), pb = pixels(b);
    double best = 1e9;
    for (const auto & [ax, ay] : pa)
        for (const auto & [bx, by] : pb) {
            const double d = std::hypot(double(ax - bx), double(ay - by));
            if (d < best) best = d;
            if (best == 0) return 0;
        }
    return best;
}

Contact contact(const WorldObject & a, const WorldObject & b) { return contact_at(mask_gap(a, b)); }

Contact contact_at(double gap) {
    if (gap == 0) return Contact::Overlap;
    if (gap <= 1.5) return Contact::Touch;  // 4- or 8-neighbouring pixels
    if (gap >= 3 && gap <= 7) return Contact::Close;
    if (gap >= 13) return Contact::Apart;
    return Contact::Ambiguous;
}

std::optional<std::string> quadrant(const WorldObject & o, int size) {
    const int mid = size / 2;
    if (std::abs(o.cx - mid) < 4 || std::abs(o.cy - mid) < 4) return std::nullopt;
    return std::string(o.cy < mid ? "top " : "bottom ") + (o.cx < mid ? "left" : "right");
}

std::optional<std::string> relation(const WorldObject & a, const WorldObject & b) {
    const int dx = a.cx - b.cx, dy = a.cy - b.cy;
    if (std::abs(dx) >= 10 && std::abs(dx) >= 2 * std::abs(dy)) return std::string(dx < 0 ? "to the left" : "to the right");
    if (std::abs(dy) >= 10 && std::abs(dy) >= 2 * std::abs(dx)) return std::string(dy < 0 ? "above" : "below");
    return std::nullopt;
}

namespace {

std::string phrase_of(const WorldObject & o, int detail) {
    const std::string & shape  = shape_names()[size_t(o.shape)];
    const std::string & colour = colour_names()[size_t(o.colour)];
    if (detail == 0) return shape;
    if (detail == 1) return colour + " " + shape;
    return std::string(o.size == SizeClass::Small ? "small " : "large ") + colour + " " + shape;
}

}  // namespace

std::optional<std::string> reference(const std::vector<WorldObject> & objects, size_t i) {
    for (int detail = 0; detail < 3; ++detail) {
        const std::string phrase = phrase_of(objects[i], detail);
        if (resolve(objects, phrase).size() == 1) return phrase;
    }
    return std::nullopt;
}

std::vector<size_t> resolve(const std::vector<WorldObject> & objects, const std::string & phrase) {
    std::vector<size_t> out;
    for (size_t i = 0; i < objects.size(); ++i)
        for (int detail = 0; detail < 3; ++detail)
            if (phrase_of(objects[i], detail) == phrase) {
                out.push_back(i);
                break;
            }
    return out;
}

}  // namespace dataengine::geometry
