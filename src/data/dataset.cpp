// Dataset and ImagePool containers.
#include <algorithm>
#include <set>

#include "dataengine/data.hpp"

namespace dataengine {

bool Dataset::index_last() {
    const size_t at = samples_.size() - 1;
    return index_.insert(samples_[at].id, at, [this](size_t i) -> const std::string & { return samples_[i].id; });
}

void Dataset::add(Sample sample) {
    if (!try_add(std::move(sample)))  // untouched on failure, so its id is still there
        throw Error(Status::Invalid, "Dataset::add: duplicate sample id '" + sample.id + "'");
}

bool Dataset::try_add(Sample && sample) {
    if (sample.id.empty()) throw Error(Status::Invalid, "Dataset::add: sample with an empty id");
    samples_.push_back(std::move(sample));
    if (index_last()) return true;
    sample = std::move(samples_.back());
    samples_.pop_back();
    return false;
}

void Dataset::reserve(size_t count) {
    samples_.reserve(count);
    index_.reserve(count);
}

const Sample * Dataset::find(std::string_view id) const {
    const size_t at = index_.find(id, [this](size_t i) -> const std::string & { return samples_[i].id; });
    return at == IdIndex::npos ? nullptr : &samples_[at];
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
    if (!index_.insert(image.id, images_.size(), [this](size_t i) -> const std::string & { return images_[i].id; }))
        throw Error(Status::Invalid, "ImagePool::add: duplicate image id '" + image.id + "'");
    images_.push_back(std::move(image));
}

const PoolImage * ImagePool::find(std::string_view id) const {
    const size_t at = index_.find(id, [this](size_t i) -> const std::string & { return images_[i].id; });
    return at == IdIndex::npos ? nullptr : &images_[at];
}

size_t ReadReport::skipped() const {
    size_t total = 0;
    for (const auto & [reason, count] : skipped_by_reason) total += count;
    return total;
}

}  // namespace dataengine
