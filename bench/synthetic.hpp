// Synthetic inputs for the benchmarks: realistic sizes, deterministic for a seed.
#pragma once
#include <sys/resource.h>

#include <chrono>
#include <string>

#include "dataengine/data.hpp"

namespace synthetic {

// A benchmark-like dataset: question text of ~80 characters, 4 options, type, rationale.
dataengine::Dataset questions(size_t count, uint64_t seed, bool circular = false);

// A picture of size x size pixels with some structure, so that JPEG sizes are realistic.
dataengine::Image picture(int size, uint64_t seed);

inline double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

inline long peak_rss_mb() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss / 1024;
}

}  // namespace synthetic
