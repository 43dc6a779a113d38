// Rasterising a scene graph. No anti-aliasing: every pixel belongs to exactly one thing, which
// keeps ground truth exact and the images cheap to make.
#include "dataengine/world.hpp"
#include "world/font.hpp"

namespace dataengine {
namespace {

struct Rgb {
    uint8_t r, g, b;
};

// Chosen to stay distinct on every background (and under JPEG, should anyone re-encode).
const Rgb kColours[] = {{220, 40, 40}, {40, 175, 60}, {50, 90, 235}, {240, 215, 40}, {150, 60, 205}, {250, 140, 30}};

Rgb background_at(Background bg, int x, int y, int size) {
    switch (bg) {
        case Background::Dark:      return {28, 28, 32};
        case Background::Light:     return {205, 205, 200};
        case Background::Striped:   return (y / 4) % 2 ? Rgb{70, 70, 80} : Rgb{130, 130, 140};
        case Background::Checkered: return ((x / 8) + (y / 8)) % 2 ? Rgb{60, 60, 60} : Rgb{150, 150, 150};
        case Background::Gradient: {
            const int t = y * 255 / std::max(1, size - 1);
            return {uint8_t(20 + t * 3 / 5), uint8_t(30 + t * 3 / 5), uint8_t(90 + t / 2)};
        }
    }
    return {0, 0, 0};
}

}  // namespace

Image render(const Scene & scene) {
    Image image;
    image.width = image.height = scene.size;
    image.pixels.resize(size_t(scene.size) * scene.size * 3);
    auto put = [&](int x, int y, Rgb c) {
        if (x < 0 || y < 0 || x >= scene.size || y >= scene.size) return;
        uint8_t * p = &image.pixels[(size_t(y) * scene.size + x) * 3];
        p[0] = c.r;
        p[1] = c.g;
        p[2] = c.b;
    };
    for (int y = 0; y < scene.size; ++y)
        for (int x = 0; x < scene.size; ++x) put(x, y, background_at(scene.background, x, y, scene.size));
    for (const WorldObject & o : scene.objects) {
        const PixelBox b = o.box();
        for (int y = b.y1; y < b.y2; ++y)
            for (int x = b.x1; x < b.x2; ++x)
                if (o.covers(x, y)) put(x, y, kColours[size_t(o.colour)]);
    }
    if (scene.glyph) {
        const Glyph & g   = *scene.glyph;
        const Rgb     ink = g.dark ? Rgb{10, 10, 10} : Rgb{250, 250, 250};
        for (int row = 0; row < font::kHeight; ++row)
            for (int col = 0; col < font::kWidth; ++col)
                if (font::pixel(g.ch, col, row))
                    for (int dy = 0; dy < g.scale; ++dy)
                        for (int dx = 0; dx < g.scale; ++dx) put(g.x + col * g.scale + dx, g.y + row * g.scale + dy, ink);
    }
    return image;
}

}  // namespace dataengine
