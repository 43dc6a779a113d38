// Internal to src/data: the reader/writer entry points per format and the shared error policy.
#pragma once
#include <string>
#include <string_view>

#include "dataengine/data.hpp"

namespace dataengine {

// What went wrong with one record: a short reason (the lenient-mode counter key) and a detail
// for the message. Parsers return it instead of throwing, so skip-and-count stays cheap.
struct Problem {
    std::string reason;
    std::string detail;
};

// The strict/lenient policy of one read, and its report.
class RecordErrors {
public:
    RecordErrors(std::string source, const ReadOptions & options, ReadReport & report);
    const ReadOptions & options() const { return options_; }
    const std::string & source() const { return source_; }
    ReadReport &        report() { return report_; }

    // A bad record at `where` ("line 12", "record 3 (question_id 'x')"): throws Error(Format)
    // with the full message in strict mode; counts it under problem.reason in lenient mode.
    void reject(const std::string & where, const Problem & problem);
    // A problem that stops the whole file (not valid JSON at all, wrong top-level shape).
    [[noreturn]] void fatal(const std::string & where, const std::string & detail);
    void seen();                    // one more record read
    void accepted();                // ... and kept
    void progress(int64_t done, int64_t total);

private:
    std::string         source_;
    const ReadOptions & options_;
    ReadReport &        report_;
    ProgressReporter    progress_;
};

// Adds `sample` unless its id repeats; a repeat is a "duplicate id" problem.
bool add_sample(Dataset & dataset, Sample && sample, Problem & problem);

namespace detail {
// Lets a reader parse a record straight into the dataset's storage (no temporary Sample to
// move: at hundreds of thousands of records the copies and their page faults dominate).
class DatasetBuilder {
public:
    explicit DatasetBuilder(Dataset & dataset) : d_(dataset) {}
    Sample & stage() { return d_.samples_.emplace_back(); }  // not yet part of the dataset
    bool     commit(Problem & problem);                       // false: duplicate id, dropped
    void     drop() { d_.samples_.pop_back(); }
private:
    Dataset & d_;
};
}  // namespace detail

// The bytes to read, and whether MappedFile::kPadding bytes past their end may be read too
// (a mapped file: JSON is then parsed in place, without a padded copy).
struct Input {
    std::string_view text;
    bool             padded = false;
};

void read_jsonl(Input input, RecordErrors & errors, Dataset & out);
void read_mmbench(Input input, RecordErrors & errors, Dataset & out);
void read_aokvqa(Input input, RecordErrors & errors, Dataset & out);
void read_seed_bench(Input input, RecordErrors & errors, Dataset & out);
void read_llava(Input input, RecordErrors & errors, Dataset & out);

std::string write_jsonl(const Dataset & dataset);
std::string write_mmbench(const Dataset & dataset);
std::string write_aokvqa(const Dataset & dataset);
std::string write_seed_bench(const Dataset & dataset);
std::string write_llava(const Dataset & dataset, LlavaStyle style);

}  // namespace dataengine
