// Decoding through stb_image, behind size limits and checks stb does not make itself.
#include <stb_image.h>

#include <algorithm>
#include <cstring>

#include "dataengine/image.hpp"

namespace dataengine {
namespace {

ImageFormat sniff(std::string_view b) {
    auto starts = [&](const char * magic, size_t n) { return b.size() >= n && std::memcmp(b.data(), magic, n) == 0; };
    if (starts("\x89PNG\r\n\x1a\n", 8)) return ImageFormat::Png;
    if (starts("\xff\xd8\xff", 3)) return ImageFormat::Jpeg;
    if (starts("BM", 2)) return ImageFormat::Bmp;
    if (starts("GIF8", 4)) return ImageFormat::Gif;
    return ImageFormat::Other;
}

[[noreturn]] void bad(std::string_view name, const std::string & problem) {
    throw Error(Status::Format, std::string(name) + ": " + problem);
}

// stb decodes a truncated JPEG without complaint (it pads the scan with zeros); the end-of-image
// marker after the first scan is the reliable sign that the whole file is there. Inside
// entropy-coded data 0xFF is always followed by 0x00 or a restart marker, so FF D9 is EOI.
bool jpeg_is_complete(std::string_view b) {
    const size_t sos = b.find("\xff\xda", 2);
    if (sos == std::string_view::npos) return false;
    return b.find("\xff\xd9", sos + 2) != std::string_view::npos;
}

// stb accepts a PNG cut after its image data; a complete file ends with an IEND chunk.
bool png_is_complete(std::string_view b) {
    return b.find("IEND", b.size() > 64 ? b.size() - 64 : 0) != std::string_view::npos;
}

uint32_t big_endian32(std::string_view b, size_t at) {
    return uint32_t(uint8_t(b[at])) << 24 | uint32_t(uint8_t(b[at + 1])) << 16 | uint32_t(uint8_t(b[at + 2])) << 8 |
           uint32_t(uint8_t(b[at + 3]));
}

// The size an image header claims, read before stb sees the data: stb refuses some huge sizes
// with a generic "too large", and the limit check must come first to say what is wrong.
// Returns false when the header is too short to say.
bool claimed_size(std::string_view b, ImageFormat format, int64_t & width, int64_t & height) {
    switch (format) {
        case ImageFormat::Png:  // IHDR is the first chunk: width, height at 16 and 20
            if (b.size() < 24) return false;
            width  = big_endian32(b, 16);
            height = big_endian32(b, 20);
            return true;
        case ImageFormat::Jpeg:  // the first start-of-frame marker (C0..CF except C4, C8, CC)
            for (size_t i = 2; i + 9 < b.size();) {
                if (uint8_t(b[i]) != 0xFF) return false;
                const uint8_t marker = uint8_t(b[i + 1]);
                const size_t  length = size_t(uint8_t(b[i + 2])) << 8 | uint8_t(b[i + 3]);
                if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                    height = int64_t(uint8_t(b[i + 5])) << 8 | uint8_t(b[i + 6]);
                    width  = int64_t(uint8_t(b[i + 7])) << 8 | uint8_t(b[i + 8]);
                    return true;
                }
                i += 2 + length;
            }
            return false;
        default:
            return false;
    }
}

int to_int_length(std::string_view bytes, std::string_view name) {
    if (bytes.size() > size_t(INT32_MAX)) throw Error(Status::Limit, std::string(name) + ": image over 2 GiB");
    return static_cast<int>(bytes.size());
}

}  // namespace

ImageInfo probe_image(std::string_view bytes, const ImageLimits & limits, std::string_view name) {
    if (bytes.empty()) bad(name, "empty image data");
    if (bytes.size() > limits.max_bytes)
        throw Error(Status::Limit, std::string(name) + ": image is " + std::to_string(bytes.size()) +
                                       " bytes, over the limit of " + std::to_string(limits.max_bytes));
    ImageInfo info;
    info.format = sniff(bytes);
    if (info.format == ImageFormat::Other) bad(name, "not a PNG, JPEG, BMP or GIF image (unknown signature)");
    int64_t claimed_w = 0, claimed_h = 0;
    if (claimed_size(bytes, info.format, claimed_w, claimed_h) && claimed_w * claimed_h > limits.max_pixels)
        throw Error(Status::Limit, std::string(name) + ": image claims " + std::to_string(claimed_w) + "x" +
                                       std::to_string(claimed_h) + " pixels, over the limit of " +
                                       std::to_string(limits.max_pixels) + " (decompression bomb?)");
    int comp = 0;
    if (!stbi_info_from_memory(reinterpret_cast<const stbi_uc *>(bytes.data()), to_int_length(bytes, name),
                               &info.width, &info.height, &comp))
        bad(name, std::string("unreadable image header (") + stbi_failure_reason() + ")");
    if (info.width <= 0 || info.height <= 0) bad(name, "image has no pixels");
    const int64_t pixels = int64_t(info.width) * info.height;
    if (pixels > limits.max_pixels)
        throw Error(Status::Limit, std::string(name) + ": image is " + std::to_string(info.width) + "x" +
                                       std::to_string(info.height) + " pixels, over the limit of " +
                                       std::to_string(limits.max_pixels) + " (decompression bomb?)");
    return info;
}

ImageInfo check_image(std::string_view bytes, const ImageLimits & limits, std::string_view name) {
    const ImageInfo info = probe_image(bytes, limits, name);
    if (info.format == ImageFormat::Jpeg && !jpeg_is_complete(bytes)) bad(name, "truncated JPEG (no end-of-image marker)");
    if (info.format == ImageFormat::Png && !png_is_complete(bytes)) bad(name, "truncated PNG (no IEND chunk)");
    return info;
}

Image decode_image(std::string_view bytes, const ImageLimits & limits, std::string_view name) {
    check_image(bytes, limits, name);
    int      width = 0, height = 0, comp = 0;
    stbi_uc * data = stbi_load_from_memory(reinterpret_cast<const stbi_uc *>(bytes.data()),
                                           to_int_length(bytes, name), &width, &height, &comp, 3);
    if (!data) bad(name, std::string("corrupt image data (") + stbi_failure_reason() + ")");
    Image image;
    image.width  = width;
    image.height = height;
    image.pixels.assign(data, data + size_t(width) * height * 3);
    stbi_image_free(data);
    return image;
}

Image load_image(const std::string & path, const ImageLimits & limits) {
    return decode_image(read_file(path), limits, path);
}

}  // namespace dataengine
