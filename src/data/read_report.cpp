// The strict/lenient error policy shared by every reader.
#include "data/readers.hpp"

namespace dataengine {

namespace {
constexpr size_t kMaxMessages = 100;
}

RecordErrors::RecordErrors(std::string source, const ReadOptions & options, ReadReport & report)
    : source_(std::move(source)), options_(options), report_(report),
      progress_(options.progress, "read", 0) {}

void RecordErrors::reject(const std::string & where, const Problem & problem) {
    std::string message = source_ + ": " + where + ": " + problem.detail;
    if (options_.strict) throw Error(Status::Format, message);
    ++report_.skipped_by_reason[problem.reason];
    if (report_.messages.size() < kMaxMessages) report_.messages.push_back(std::move(message));
}

void RecordErrors::fatal(const std::string & where, const std::string & detail) {
    throw Error(Status::Format, source_ + (where.empty() ? "" : ": " + where) + ": " + detail);
}

void RecordErrors::seen() { ++report_.records; }
void RecordErrors::accepted() { ++report_.accepted; }

void RecordErrors::progress(int64_t done, int64_t total) {
    if (!options_.progress) return;
    progress_.set_total(total);
    progress_.update(done);
}

bool add_sample(Dataset & dataset, Sample && sample, Problem & problem) {
    if (dataset.try_add(std::move(sample))) return true;
    problem = {"duplicate id", "duplicate id '" + sample.id + "'"};
    return false;
}

namespace detail {
bool DatasetBuilder::commit(Problem & problem) {
    const Sample & s = d_.samples_.back();
    if (s.id.empty()) {
        problem = {"missing field", "empty id"};
    } else if (d_.index_last()) {
        return true;
    } else {
        problem = {"duplicate id", "duplicate id '" + s.id + "'"};
    }
    d_.samples_.pop_back();
    return false;
}
}  // namespace detail

}  // namespace dataengine
