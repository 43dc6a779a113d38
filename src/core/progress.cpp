// Rate-limited progress reporting.
#include <chrono>

#include "dataengine/core.hpp"

namespace dataengine {
namespace {

int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

ProgressReporter::ProgressReporter(ProgressCallback callback, std::string phase, int64_t total,
                                   int interval_ms)
    : callback_(std::move(callback)), phase_(std::move(phase)), total_(total),
      interval_ms_(interval_ms) {}

void ProgressReporter::update(int64_t done) {
    if (!callback_) return;
    const int64_t now = now_ms();
    const bool    last = total_ > 0 && done >= total_;
    if (!last && last_reported_ >= 0 && now - last_ms_ < interval_ms_) return;
    if (done == last_reported_) return;
    last_ms_       = now;
    last_reported_ = done;
    if (!callback_(ProgressEvent{phase_, done, total_}))
        throw Error(Status::Aborted, phase_ + ": cancelled by the progress callback");
}

void ProgressReporter::finish() { update(total_ > 0 ? total_ : last_reported_ + 1); }

}  // namespace dataengine
