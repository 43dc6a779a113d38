// include/dataengine/image.hpp: decoding with limits, encoding, resizing and normalising images
// (DESIGN §2, module `image`). Decoders are stb's (Debian's libstb); no LibTorch here — tensors
// are built from the float buffers below by the model module.
#pragma once
#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dataengine/core.hpp"

namespace dataengine {

// 8-bit RGB, rows top to bottom, pixels interleaved (R, G, B). Every decoder output is RGB:
// grey, palette and alpha images are converted (alpha dropped).
struct Image {
    int                  width  = 0;
    int                  height = 0;
    std::vector<uint8_t> pixels;  // width * height * 3

    bool    empty() const { return width == 0 || height == 0; }
    uint8_t at(int x, int y, int channel) const { return pixels[(size_t(y) * width + x) * 3 + channel]; }
};

// Limits that make a hostile or broken file a clear error instead of a huge allocation
// (a 1 KB PNG can claim 50 000 × 50 000 pixels).
struct ImageLimits {
    size_t  max_bytes  = size_t(64) << 20;  // encoded size
    int64_t max_pixels = 40'000'000;        // width * height
};

enum class ImageFormat { Unknown, Png, Jpeg, Bmp, Gif, Other };

struct ImageInfo {
    ImageFormat format = ImageFormat::Unknown;
    int         width = 0, height = 0;
};

// Reads the header only. Throws Error(Format) for what is not an image and Error(Limit) for
// images over the limits. `name` (a path, a row) is used in messages.
ImageInfo probe_image(std::string_view bytes, const ImageLimits & limits, std::string_view name);

// probe_image plus the completeness checks of decode_image (a JPEG's end marker, a PNG's IEND
// chunk), without decoding pixels: cheap enough to run on every image of a benchmark at load.
ImageInfo check_image(std::string_view bytes, const ImageLimits & limits, std::string_view name);

// Full decode to RGB. Throws Error(Format) on corrupt or truncated data (a JPEG without its end
// marker, a PNG whose compressed data ends early), Error(Limit) over the limits.
Image decode_image(std::string_view bytes, const ImageLimits & limits, std::string_view name);
Image load_image(const std::string & path, const ImageLimits & limits = {});

std::string encode_png(const Image & image);
std::string encode_jpeg(const Image & image, int quality = 90);
std::string encode_bmp(const Image & image);

// Resampling with a Mitchell filter on downscale and a Catmull-Rom one on upscale (stb_image_resize).
Image resize(const Image & image, int width, int height);

// Per-channel normalisation (x / 255 - mean) / std. CLIP's constants are the default because the
// vision encoders MLLMs build on (CLIP, EVA-CLIP) were trained with them.
struct Normalization {
    float mean[3] = {0.48145466f, 0.4578275f, 0.40821073f};
    float std[3]  = {0.26862954f, 0.26130258f, 0.27577711f};
};

// Writes 3 * height * width floats, channel-major (CHW), the layout LibTorch convolutions take.
void normalize_into(const Image & image, const Normalization & norm, float * out);
// resize to size × size, then normalise: the usual encoder input.
std::vector<float> image_to_chw(const Image & image, int size, const Normalization & norm = {});

// A byte-bounded LRU cache of decoded images, keyed by any string (path, sample id).
// Thread-safe: many loader threads may get() at once; a miss decodes outside the lock.
class ImageCache {
public:
    explicit ImageCache(size_t max_bytes = size_t(256) << 20);
    using Loader = std::function<Image()>;
    std::shared_ptr<const Image> get(const std::string & key, const Loader & load);
    size_t bytes() const;
    size_t hits() const;
    size_t misses() const;
private:
    struct Entry {
        std::shared_ptr<const Image>       image;
        std::list<std::string>::iterator   order;
    };
    mutable std::mutex                      mutex_;
    std::unordered_map<std::string, Entry>  entries_;
    std::list<std::string>                  order_;  // most recent first
    size_t max_bytes_, bytes_ = 0, hits_ = 0, misses_ = 0;
};

}  // namespace dataengine
