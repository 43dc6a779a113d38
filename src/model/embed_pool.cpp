// Embedding a whole image pool with any model (no LibTorch here): the loop and the C ABI share it.
#include <algorithm>

#include "dataengine/model.hpp"

namespace dataengine {

void embed_pool(Model & model, ImagePool & pool, const ProgressCallback & progress, size_t batch) {
    ProgressReporter   reporter(progress, "embed", int64_t(pool.size()));
    std::vector<Image> images;
    batch = std::max<size_t>(batch, 1);
    for (size_t begin = 0; begin < pool.size(); begin += batch) {
        const size_t end = std::min(pool.size(), begin + batch);
        images.clear();
        for (size_t i = begin; i < end; ++i) images.push_back(load_image(resolve_image_path(pool.image_root(), pool[i].image.value)));
        auto vectors = model.embed_images(images);
        for (size_t i = begin; i < end; ++i) pool.set_embedding(i, std::move(vectors.at(i - begin)));
        reporter.update(int64_t(end));
    }
}

}  // namespace dataengine
