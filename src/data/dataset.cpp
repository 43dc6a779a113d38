// Dataset and ImagePool containers.
#include <algorithm>
#include <set>

#include "dataengine/data.hpp"

namespace dataengine {

void Dataset::add(Sample sample) {
    if (sample.id.empty()) throw Error(Status::Invalid, "Dataset::add: sample with an empty id");
    if (!index_.emplace(sample.id, samples_.size()).second)
        throw Error(Status::Invalid, "Dataset::add: duplicate sample id '" + sample.id + "'");
    samples_.push_back(std::move(sample));
}

const Sample * Dataset::find(std::string_view id) const {
    auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &samples_[it->second];
}

std::vector<std::string> Dataset::types() const {
    std::set<std::string> types;
    for (const Sample & s : samples_)
        if (!s.type.empty()) types.insert(s.type);
    return {types.begin(), types.end()};
}

std::string Dataset::image_bytes(const Sample & sample) const {
    switch (sample.image.kind) {
        case ImageKind::Inline: return sample.image.value;
        case ImageKind::File:   return read_file(resolve_image_path(image_root_, sample.image.value));
        case ImageKind::Scene:
            throw Error(Status::NotFound, "sample '" + sample.id + "': image is the world scene '" +
                                              sample.image.value + "', which has no bytes until rendered");
        case ImageKind::None: break;
    }
    throw Error(Status::NotFound, "sample '" + sample.id + "' has no image");
}

void ImagePool::add(PoolImage image) {
    if (image.id.empty()) throw Error(Status::Invalid, "ImagePool::add: image with an empty id");
    if (!index_.emplace(image.id, images_.size()).second)
        throw Error(Status::Invalid, "ImagePool::add: duplicate image id '" + image.id + "'");
    images_.push_back(std::move(image));
}

const PoolImage * ImagePool::find(std::string_view id) const {
    auto it = index_.find(std::string(id));
    return it == index_.end() ? nullptr : &images_[it->second];
}

size_t ReadReport::skipped() const {
    size_t total = 0;
    for (const auto & [reason, count] : skipped_by_reason) total += count;
    return total;
}

}  // namespace dataengine
