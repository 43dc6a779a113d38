// Scene vocabulary, shape masks and the built-in 5 x 7 bitmap font.
#include <cmath>

#include "dataengine/world.hpp"
#include "world/font.hpp"

namespace dataengine {

const std::vector<std::string> & shape_names() {
    static const std::vector<std::string> names = {"circle", "square", "triangle", "diamond", "cross"};
    return names;
}

const std::vector<std::string> & colour_names() {
    static const std::vector<std::string> names = {"red", "green", "blue", "yellow", "purple", "orange"};
    return names;
}

const std::vector<std::string> & background_names() {
    static const std::vector<std::string> names = {"plain dark", "plain light", "striped", "checkered", "gradient"};
    return names;
}

std::string WorldObject::name() const {
    return std::string(size == SizeClass::Small ? "small " : "large ") + colour_names()[size_t(colour)] + " " +
           shape_names()[size_t(shape)];
}

bool WorldObject::covers(int x, int y) const {
    // Pixel centres, so that masks are symmetric around the object's centre.
    const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, r = radius;
    switch (shape) {
        case ShapeKind::Circle:  return dx * dx + dy * dy <= r * r;
        case ShapeKind::Square:  return std::abs(dx) <= r * 0.85 && std::abs(dy) <= r * 0.85;
        case ShapeKind::Diamond: return std::abs(dx) + std::abs(dy) <= r;
        case ShapeKind::Cross:   return (std::abs(dx) <= r / 3 && std::abs(dy) <= r) || (std::abs(dy) <= r / 3 && std::abs(dx) <= r);
        case ShapeKind::Triangle: {
            // Apex up: y from cy - r (apex) to cy + 0.8 r (base), width grows linearly.
            if (dy < -r || dy > 0.8 * r) return false;
            const double half = (dy + r) / 1.8;  // 0 at the apex, r at the base
            return std::abs(dx) <= half;
        }
    }
    return false;
}

PixelBox WorldObject::box() const {
    // The tight box of the mask, found by scanning its bounding square.
    PixelBox b{cx + radius + 1, cy + radius + 1, cx - radius - 1, cy - radius - 1};
    for (int y = cy - radius - 1; y <= cy + radius + 1; ++y)
        for (int x = cx - radius - 1; x <= cx + radius + 1; ++x)
            if (covers(x, y)) {
                b.x1 = std::min(b.x1, x);
                b.y1 = std::min(b.y1, y);
                b.x2 = std::max(b.x2, x + 1);
                b.y2 = std::max(b.y2, y + 1);
            }
    return b;
}

PixelBox Glyph::box() const { return {x, y, x + font::kWidth * scale, y + font::kHeight * scale}; }

const std::string & glyph_alphabet() {
    static const std::string alphabet = font::alphabet();
    return alphabet;
}

namespace font {

namespace {
// Rows top to bottom, '#' on. Classic 5 x 7 LCD shapes.
struct Letter {
    char        ch;
    const char * rows[kHeight];
};
const Letter kLetters[] = {
    {'0', {".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."}},
    {'1', {"..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."}},
    {'2', {".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"}},
    {'3', {"#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."}},
    {'4', {"...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."}},
    {'5', {"#####", "#....", "####.", "....#", "....#", "#...#", ".###."}},
    {'6', {"..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."}},
    {'7', {"#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."}},
    {'8', {".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."}},
    {'9', {".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."}},
    {'A', {".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'E', {"#####", "#....", "#....", "####.", "#....", "#....", "#####"}},
    {'H', {"#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"}},
    {'K', {"#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"}},
    {'P', {"####.", "#...#", "#...#", "####.", "#....", "#....", "#...."}},
    {'X', {"#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"}},
};
}  // namespace

std::string alphabet() {
    std::string out;
    for (const Letter & l : kLetters) out += l.ch;
    return out;
}

bool pixel(char ch, int column, int row) {
    for (const Letter & l : kLetters)
        if (l.ch == ch) return l.rows[row][column] == '#';
    return false;
}

}  // namespace font
}  // namespace dataengine
