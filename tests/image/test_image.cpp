#include <catch2/catch.hpp>

#include <cstring>

#include "dataengine/image.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

double mean_abs_diff(const Image & a, const Image & b) {
    double total = 0;
    for (size_t i = 0; i < a.pixels.size(); ++i) total += std::abs(int(a.pixels[i]) - int(b.pixels[i]));
    return total / double(a.pixels.size());
}

}  // namespace

TEST_CASE("PNG and BMP round trip exactly, JPEG closely", "[image]") {
    const Image original = fixtures::picture(37, 23, 5);
    const Image from_png = decode_image(encode_png(original), {}, "png");
    CHECK(from_png.width == 37);
    CHECK(from_png.height == 23);
    CHECK(from_png.pixels == original.pixels);
    CHECK(decode_image(encode_bmp(original), {}, "bmp").pixels == original.pixels);
    const Image from_jpeg = decode_image(encode_jpeg(original, 95), {}, "jpeg");
    REQUIRE(from_jpeg.pixels.size() == original.pixels.size());
    CHECK(mean_abs_diff(from_jpeg, original) < 6.0);
    const ImageInfo info = probe_image(encode_jpeg(original), {}, "jpeg");
    CHECK(info.format == ImageFormat::Jpeg);
    CHECK(info.width == 37);
}

TEST_CASE("broken and hostile images are clear errors", "[image]") {
    const std::string png  = fixtures::png(32, 32, 1);
    const std::string jpeg = fixtures::jpeg(32, 32, 1);
    auto status_of = [](const std::string & bytes, const ImageLimits & limits = {}) {
        try {
            decode_image(bytes, limits, "img.bin");
        } catch (const Error & e) {
            CHECK_THAT(e.what(), Catch::Contains("img.bin"));
            return e.status();
        }
        return Status::Ok;
    };
    CHECK(status_of("") == Status::Format);
    CHECK(status_of("this is not an image at all") == Status::Format);
    CHECK(status_of(png.substr(0, png.size() / 2)) == Status::Format);    // truncated PNG
    CHECK(status_of(png.substr(0, png.size() - 12)) == Status::Format);   // no IEND
    CHECK(status_of(jpeg.substr(0, jpeg.size() / 2)) == Status::Format);  // truncated JPEG
    CHECK(status_of(jpeg.substr(0, 40)) == Status::Format);               // header only

    SECTION("a PNG claiming 60000 x 60000 pixels is refused before decoding") {
        std::string bomb = png;
        // IHDR width and height are the big-endian words at offsets 16 and 20.
        const unsigned char side[4] = {0x00, 0x00, 0xEA, 0x60};  // 60000
        std::memcpy(&bomb[16], side, 4);
        std::memcpy(&bomb[20], side, 4);
        CHECK(status_of(bomb) == Status::Limit);
    }
    SECTION("an image over the byte limit is refused") {
        ImageLimits small;
        small.max_bytes = 100;
        CHECK(status_of(png, small) == Status::Limit);
    }
    SECTION("the pixel limit is configurable") {
        ImageLimits small;
        small.max_pixels = 32 * 32 - 1;
        CHECK(status_of(png, small) == Status::Limit);
        small.max_pixels = 32 * 32;
        CHECK(status_of(png, small) == Status::Ok);
    }
}

TEST_CASE("resize keeps a flat colour flat and normalise applies CLIP's constants", "[image]") {
    Image flat;
    flat.width  = 10;
    flat.height = 6;
    flat.pixels.assign(10 * 6 * 3, 0);
    for (size_t i = 0; i < flat.pixels.size(); i += 3) {
        flat.pixels[i]     = 255;
        flat.pixels[i + 1] = 128;
        flat.pixels[i + 2] = 0;
    }
    const Image small = resize(flat, 4, 4);
    CHECK(small.width == 4);
    CHECK(small.height == 4);
    CHECK(int(small.at(2, 2, 0)) == 255);
    CHECK(std::abs(int(small.at(1, 3, 1)) - 128) <= 1);

    const std::vector<float> chw = image_to_chw(flat, 4);
    REQUIRE(chw.size() == 3 * 16);
    const Normalization clip;
    // Red plane: (255/255 - 0.48145466) / 0.26862954 = 1.9303
    CHECK(chw[0] == Approx((1.0 - 0.48145466) / 0.26862954).epsilon(1e-4));
    // Blue plane starts at 2 * 16: (0 - 0.40821073) / 0.27577711 = -1.4802
    CHECK(chw[32] == Approx(-clip.mean[2] / clip.std[2]).epsilon(1e-4));
    CHECK_THROWS_AS(resize(flat, 0, 4), Error);
}

TEST_CASE("ImageCache serves hits and evicts the least recently used", "[image]") {
    const Image image = fixtures::picture(10, 10, 1);  // 300 bytes
    ImageCache  cache(700);                            // room for two
    int         loads = 0;
    auto        load  = [&] { ++loads; return image; };
    cache.get("a", load);
    cache.get("b", load);
    cache.get("a", load);  // hit; b is now the oldest
    cache.get("c", load);  // evicts b
    CHECK(loads == 3);
    CHECK(cache.hits() == 1);
    cache.get("a", load);
    CHECK(loads == 3);
    cache.get("b", load);
    CHECK(loads == 4);
    CHECK(cache.bytes() <= 700);
}
