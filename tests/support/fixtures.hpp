// Test fixtures: small real files in every format, made in a few lines each.
#pragma once
#include <string>
#include <vector>

#include "dataengine/data.hpp"
#include "dataengine/eval.hpp"
#include "dataengine/image.hpp"

namespace fixtures {

// A fresh directory under /tmp, removed with everything in it when the object dies.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir &) = delete;
    TempDir & operator=(const TempDir &) = delete;
    const std::string & path() const { return path_; }
    std::string file(const std::string & name) const { return path_ + "/" + name; }
    // Writes `content` to `name` (creating parent directories) and returns the full path.
    std::string write(const std::string & name, const std::string & content) const;
private:
    std::string path_;
};

// A deterministic picture: a colour gradient with a filled rectangle, different per seed.
dataengine::Image picture(int width, int height, uint64_t seed);
std::string       png(int width, int height, uint64_t seed);
std::string       jpeg(int width, int height, uint64_t seed);

// One row of an MMBench TSV fixture.
struct MMBenchRow {
    long long                index;
    std::string              question, hint;
    std::vector<std::string> options;  // 2..4; the rest of A-D is left empty
    char                     answer;   // 'A'.. or 0 for none
    std::string              category, l2_category;
    std::string              image;    // base64 cell, or a short cell naming another row
};
// The header plus rows, tab-separated as pandas writes it.
std::string mmbench_tsv(const std::vector<MMBenchRow> & rows, bool capital_l2 = false);

// A realistic MMBench dev fixture: 3 questions (2, 3 and 4 options) with a PNG and a JPEG,
// each with circular copies (index k * 1e6 + i, options rotated, images referenced by index).
std::string mmbench_circular_fixture();

std::string aokvqa_json();       // 3 questions, one difficult_direct_answer, one test-split (no answer)
std::string seed_bench_json();   // 4 questions over 2 dimensions
std::string llava_json();        // 2 MC conversations in our layout + 1 free-form multi-turn one
std::string coco_captions_json();
std::string coco_instances_json();

// A small benchmark in memory: `per_type` questions for each named type, 4 options each.
dataengine::Dataset benchmark(const std::vector<std::string> & types, int per_type, bool circular = false);

}  // namespace fixtures
