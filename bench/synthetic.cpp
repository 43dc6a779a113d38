#include "synthetic.hpp"

#include <cmath>

namespace synthetic {

using namespace dataengine;

namespace {
const char * kWords[] = {"red", "circle", "left", "of", "the", "square", "how", "many", "objects", "are", "there",
                         "which", "colour", "is", "large", "small", "above", "below", "touching", "text", "says"};
std::string words(Rng & rng, int n) {
    std::string out;
    for (int i = 0; i < n; ++i) {
        if (i) out += ' ';
        out += kWords[rng.below(sizeof kWords / sizeof *kWords)];
    }
    return out;
}
}  // namespace

Dataset questions(size_t count, uint64_t seed, bool circular) {
    Rng     rng(seed);
    Dataset d;
    const char * types[] = {"scene", "identity", "attribute", "location", "counting", "relation", "interaction", "reasoning", "text"};
    for (size_t i = 0; i < count; ++i) {
        Sample s;
        const size_t group = circular ? i / 4 : i;
        const int    k     = circular ? int(i % 4) : 0;
        s.id       = std::to_string(size_t(k) * 1000000 + group);
        s.image    = ImageRef::file("images/" + std::to_string(group) + ".png");
        s.question = words(rng, 14) + "?";
        for (int o = 0; o < 4; ++o) s.options.push_back(words(rng, 2));
        s.answer = int(rng.below(4));
        s.type   = types[group % 9];
        s.parent_type = "perception";
        s.rationales  = {words(rng, 12) + "."};
        if (circular) {
            s.circular_group = std::to_string(group);
            s.rotation       = k;
        }
        d.add(std::move(s));
    }
    return d;
}

Image picture(int size, uint64_t seed) {
    Rng   rng(seed);
    Image image;
    image.width = image.height = size;
    image.pixels.resize(size_t(size) * size * 3);
    const double fx = 0.02 + 0.1 * rng.uniform(), fy = 0.02 + 0.1 * rng.uniform();
    for (int y = 0; y < size; ++y)
        for (int x = 0; x < size; ++x)
            for (int c = 0; c < 3; ++c) {
                const double v = 127 + 100 * std::sin(fx * x * (c + 1)) * std::cos(fy * y) + 20 * rng.normal();
                image.pixels[(size_t(y) * size + x) * 3 + c] = uint8_t(std::min(255.0, std::max(0.0, v)));
            }
    return image;
}

}  // namespace synthetic
