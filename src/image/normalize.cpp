// Images to the float layout encoders take.
#include "dataengine/image.hpp"

namespace dataengine {

void normalize_into(const Image & image, const Normalization & norm, float * out) {
    const size_t plane = size_t(image.width) * image.height;
    for (int c = 0; c < 3; ++c) {
        const float scale = 1.0f / (255.0f * norm.std[c]);
        const float shift = norm.mean[c] / norm.std[c];
        float *     dst   = out + c * plane;
        for (size_t i = 0; i < plane; ++i) dst[i] = float(image.pixels[i * 3 + c]) * scale - shift;
    }
}

std::vector<float> image_to_chw(const Image & image, int size, const Normalization & norm) {
    const Image        sized = resize(image, size, size);
    std::vector<float> out(size_t(3) * size * size);
    normalize_into(sized, norm, out.data());
    return out;
}

}  // namespace dataengine
