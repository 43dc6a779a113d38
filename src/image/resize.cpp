// Resizing through stb_image_resize, and the decoded-image cache.
#include <stb_image_resize.h>

#include "dataengine/image.hpp"

namespace dataengine {

Image resize(const Image & image, int width, int height) {
    if (image.empty() || width <= 0 || height <= 0)
        throw Error(Status::Invalid, "resize: empty image or non-positive target size");
    if (width == image.width && height == image.height) return image;
    Image out;
    out.width  = width;
    out.height = height;
    out.pixels.resize(size_t(width) * height * 3);
    if (!stbir_resize_uint8(image.pixels.data(), image.width, image.height, 0, out.pixels.data(), width, height, 0, 3))
        throw Error(Status::Internal, "resize: stb failed");
    return out;
}

ImageCache::ImageCache(size_t max_bytes) : max_bytes_(max_bytes) {}

std::shared_ptr<const Image> ImageCache::get(const std::string & key, const Loader & load) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        auto it = entries_.find(key);
        if (it != entries_.end()) {
            order_.splice(order_.begin(), order_, it->second.order);
            ++hits_;
            return it->second.image;
        }
        ++misses_;
    }
    auto image = std::make_shared<const Image>(load());  // decode outside the lock
    const size_t size = image->pixels.size();
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = entries_.find(key);
    if (it != entries_.end()) return it->second.image;  // another thread loaded it meanwhile
    if (size > max_bytes_) return image;                 // too big to keep; still served
    order_.push_front(key);
    entries_.emplace(key, Entry{image, order_.begin()});
    bytes_ += size;
    while (bytes_ > max_bytes_) {
        auto last = entries_.find(order_.back());
        bytes_ -= last->second.image->pixels.size();
        entries_.erase(last);
        order_.pop_back();
    }
    return image;
}

size_t ImageCache::bytes() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return bytes_;
}
size_t ImageCache::hits() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return hits_;
}
size_t ImageCache::misses() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return misses_;
}

}  // namespace dataengine
