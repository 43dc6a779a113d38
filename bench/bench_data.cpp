// Ingest speed of the readers. One JSON object per measurement on stdout; logs on stderr.
//   data.jsonl_read      native JSONL: MB/s and samples/s
//   data.mmbench_read    MMBench TSV with base64 images (decoded from base64, headers checked)
//   data.image_decode    full pixel decode of those images (what a data loader does)
#include <fmt/format.h>
#include <malloc.h>

#include <cstdio>
#include <unistd.h>

#include "dataengine/data.hpp"
#include "synthetic.hpp"

using namespace dataengine;
using synthetic::seconds_since;

namespace {

constexpr size_t kJsonlSamples  = 200'000;  // ~90 MB of JSON lines
constexpr size_t kMMBenchImages = 400;      // 224 x 224 JPEGs, as MMBench stores them
constexpr int    kRepeats       = 3;

std::string temp_path(const char * name) { return fmt::format("/tmp/dataengine-bench-{}-{}", ::getpid(), name); }

// First-touch cost of fresh memory on this machine (page faults), which bounds any reader that
// materialises its records: on some VMs it is 10x that of bare metal.
void bench_fresh_memory() {
    const size_t bytes = size_t(256) << 20;
    const auto   t0    = std::chrono::steady_clock::now();
    std::vector<char> block(bytes, 1);
    const double s = seconds_since(t0);
    fmt::print("{{\"bench\":\"data.fresh_memory\",\"mb\":{},\"seconds\":{:.4f},\"mb_per_s\":{:.0f}}}\n",
               bytes >> 20, s, double(bytes) / 1e6 / s);
}

// memory: "cold" is a fresh process (every sample's memory is first-touched, as in a one-shot
// CLI run); "warm" keeps freed memory in the process (malloc never trims), as a long-running
// host that loads datasets repeatedly does.
void bench_jsonl(const char * memory) {
    const std::string path = temp_path("data.jsonl");
    write_dataset(synthetic::questions(kJsonlSamples, 1), path, Format::Jsonl);
    const double mb = double(read_file(path).size()) / 1e6;
    for (int rep = 0; rep < kRepeats; ++rep) {
        const auto    t0 = std::chrono::steady_clock::now();
        const Dataset d  = read_dataset(path, Format::Jsonl);
        const double  s  = seconds_since(t0);
        fmt::print("{{\"bench\":\"data.jsonl_read\",\"memory\":\"{}\",\"rep\":{},\"samples\":{},\"mb\":{:.1f},"
                   "\"seconds\":{:.4f},\"mb_per_s\":{:.1f},\"samples_per_s\":{:.0f},\"threads\":1,\"peak_rss_mb\":{}}}\n",
                   memory, rep, d.size(), mb, s, mb / s, double(d.size()) / s, synthetic::peak_rss_mb());
    }
    std::remove(path.c_str());
}

void bench_mmbench() {
    const std::string path = temp_path("mmbench.tsv");
    Dataset           d;
    for (size_t i = 0; i < kMMBenchImages; ++i) {
        Sample s = synthetic::questions(1, i)[0];
        s.id     = std::to_string(i);
        s.image  = ImageRef::inline_bytes(encode_jpeg(synthetic::picture(224, i), 90));
        d.add(std::move(s));
    }
    write_dataset(d, path, Format::MMBench);
    const double mb = double(read_file(path).size()) / 1e6;
    for (int rep = 0; rep < kRepeats; ++rep) {
        auto          t0    = std::chrono::steady_clock::now();
        const Dataset bench = read_dataset(path, Format::MMBench);
        const double  read_s = seconds_since(t0);
        fmt::print("{{\"bench\":\"data.mmbench_read\",\"rep\":{},\"images\":{},\"mb\":{:.1f},\"seconds\":{:.4f},"
                   "\"images_per_s\":{:.0f},\"mb_per_s\":{:.1f}}}\n",
                   rep, bench.size(), mb, read_s, double(bench.size()) / read_s, mb / read_s);
        t0 = std::chrono::steady_clock::now();
        size_t pixels = 0;
        for (const Sample & s : bench.samples()) pixels += decode_image(s.image.value, {}, s.id).pixels.size();
        const double decode_s = seconds_since(t0);
        fmt::print("{{\"bench\":\"data.image_decode\",\"rep\":{},\"images\":{},\"size\":224,\"seconds\":{:.4f},"
                   "\"images_per_s\":{:.0f},\"megapixels_per_s\":{:.1f},\"threads\":1}}\n",
                   rep, bench.size(), decode_s, double(bench.size()) / decode_s, double(pixels) / 3e6 / decode_s);
    }
    std::remove(path.c_str());
}

}  // namespace

int main() {
    std::fprintf(stderr, "bench_data: JSONL (%zu samples), MMBench TSV (%zu images)\n", kJsonlSamples, kMMBenchImages);
    bench_fresh_memory();
    bench_jsonl("cold");
    bench_mmbench();
    mallopt(M_TRIM_THRESHOLD, INT32_MAX);  // keep freed memory in the process from here on
    mallopt(M_MMAP_THRESHOLD, INT32_MAX);
    bench_jsonl("warm");
}
