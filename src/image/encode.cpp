// Encoding through stb_image_write, into memory.
#include <stb_image_write.h>

#include "dataengine/image.hpp"

namespace dataengine {
namespace {

void append(void * context, void * data, int size) {
    static_cast<std::string *>(context)->append(static_cast<const char *>(data), static_cast<size_t>(size));
}

void check(const Image & image, const char * what) {
    if (image.empty() || image.pixels.size() != size_t(image.width) * image.height * 3)
        throw Error(Status::Invalid, std::string(what) + ": image has no pixels or a wrong buffer size");
}

}  // namespace

std::string encode_png(const Image & image) {
    check(image, "encode_png");
    std::string out;
    if (!stbi_write_png_to_func(append, &out, image.width, image.height, 3, image.pixels.data(), image.width * 3))
        throw Error(Status::Internal, "encode_png: stb failed");
    return out;
}

std::string encode_jpeg(const Image & image, int quality) {
    check(image, "encode_jpeg");
    std::string out;
    if (!stbi_write_jpg_to_func(append, &out, image.width, image.height, 3, image.pixels.data(), quality))
        throw Error(Status::Internal, "encode_jpeg: stb failed");
    return out;
}

std::string encode_bmp(const Image & image) {
    check(image, "encode_bmp");
    std::string out;
    if (!stbi_write_bmp_to_func(append, &out, image.width, image.height, 3, image.pixels.data()))
        throw Error(Status::Internal, "encode_bmp: stb failed");
    return out;
}

}  // namespace dataengine
