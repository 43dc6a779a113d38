// include/dataengine/data.hpp: samples, datasets and image pools, and the readers and writers of
// every supported file format (DESIGN §3, module `data`).
//
// Formats, byte-compatible with the real files:
//   jsonl    native JSON lines: every field of Sample, lossless
//   mmbench  MMBench TSV (VLMEvalKit): base64 images, circular copies, pandas' missing values
//   aokvqa   A-OKVQA JSON list: choices, correct_choice_idx, direct_answers, rationales
//   seed     SEED-Bench JSON: {"questions": [...], "question_type": {name: id}}
//   llava    LLaVA conversation JSON: [{"id", "image", "conversations": [{"from", "value"}]}]
// and COCO captions + instances, read into an ImagePool with a text description per image.
//
// Bad input: in strict mode (the default) a reader throws Error(Format) whose message names the
// file, the line or record, the field and the problem; in lenient mode it skips the record and
// counts it in ReadReport by reason. A JSON file that is not valid JSON as a whole fails in both.
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dataengine/core.hpp"
#include "dataengine/image.hpp"

namespace dataengine {

// ---------------------------------------------------------------------------------------------
// Samples

// Where a sample's image comes from.
enum class ImageKind { None, File, Inline, Scene };
struct ImageRef {
    ImageKind   kind = ImageKind::None;
    std::string value;  // File: path relative to the image root; Inline: encoded bytes; Scene: id

    static ImageRef file(std::string path) { return {ImageKind::File, std::move(path)}; }
    static ImageRef inline_bytes(std::string bytes) { return {ImageKind::Inline, std::move(bytes)}; }
    static ImageRef scene(std::string id) { return {ImageKind::Scene, std::move(id)}; }
    bool operator==(const ImageRef & o) const { return kind == o.kind && value == o.value; }
};

// Where a generated sample came from (empty for benchmark and seed data).
struct Provenance {
    std::string              source;          // e.g. "mmbench", "world", "gen"
    int                      round = -1;      // loop round that generated it, -1: none
    std::string              prompt_version;  // IPO version of the generation prompt
    std::vector<std::string> in_context_ids;  // bad cases shown to the generator
    std::string              query_image;     // pool image the question is about
    std::string              query_reason;    // "similar" or "explore"
    bool operator==(const Provenance & o) const;
};

constexpr int kNoAnswer = -1;
constexpr int kMaxOptions = 8;

struct Sample {
    std::string              id;
    ImageRef                 image;
    std::string              question;
    std::string              hint;            // empty: none
    std::vector<std::string> options;         // 2..8 for multiple choice; empty for open-ended
    int                      answer = kNoAnswer;  // index into options, or kNoAnswer (test splits)
    std::vector<std::string> direct_answers;  // free-form reference answers (A-OKVQA DA)
    std::vector<std::string> rationales;      // explanations of the answer
    std::string              type;            // question type (MMBench category, SEED dimension)
    std::string              parent_type;     // MMBench l2-category
    std::string              circular_group;  // copies of one question share it; empty: none
    int                      rotation = 0;    // which circular copy (MMBench index / 1e6)
    Provenance               provenance;
    std::map<std::string, std::string> extra;  // format fields with no place above, kept for writers

    bool has_answer() const { return answer >= 0 && answer < int(options.size()); }
    bool operator==(const Sample & o) const;
};

inline char option_letter(int index) { return static_cast<char>('A' + index); }

// Checks the invariants every reader enforces; returns an empty string or the problem.
std::string validate_sample(const Sample & sample);

// ---------------------------------------------------------------------------------------------
// Datasets

namespace detail {
class DatasetBuilder;
}

// An ordered set of samples with unique ids, and the root their image files are relative to.
// Read-only use (find, operator[], image_bytes) is safe from many threads at once.
class Dataset {
public:
    Dataset() = default;
    explicit Dataset(std::string image_root) : image_root_(std::move(image_root)) {}

    void add(Sample sample);  // throws Error(Invalid) on a duplicate or empty id
    bool try_add(Sample && sample);  // false (and `sample` untouched) when the id is taken
    void reserve(size_t count);
    size_t size() const { return samples_.size(); }
    bool   empty() const { return samples_.empty(); }
    const Sample & operator[](size_t i) const { return samples_[i]; }
    const std::vector<Sample> & samples() const { return samples_; }
    const Sample * find(std::string_view id) const;  // nullptr if absent
    std::vector<std::string> types() const;          // distinct non-empty types, sorted

    const std::string & image_root() const { return image_root_; }
    void set_image_root(std::string root) { image_root_ = std::move(root); }

    // The encoded bytes of a sample's image: inline bytes, or the file under the image root.
    // Throws Error(Invalid) for a path escaping the root, Error(Io) for a missing file and
    // Error(NotFound) for a scene reference or no image.
    std::string image_bytes(const Sample & sample) const;

private:
    friend class detail::DatasetBuilder;  // readers parse straight into samples_
    bool index_last();                    // indexes samples_.back(); false when its id is taken
    std::vector<Sample>                     samples_;
    IdIndex                                 index_;
    std::string                             image_root_;
};

// Shard `index` of `count` (0-based), keeping every circular group in one shard; the shards are
// disjoint, cover the dataset and keep its order. Deterministic (hash of the group or id).
Dataset shard(const Dataset & dataset, int index, int count);

// Joins `relative` to `root`, rejecting absolute paths and any ".." component (an image path
// never escapes its root). Throws Error(Invalid) naming the path.
std::string resolve_image_path(const std::string & root, std::string_view relative);

// ---------------------------------------------------------------------------------------------
// Reading and writing

enum class Format { Jsonl, MMBench, AOKVQA, SeedBench, Llava };

const char * format_name(Format format);                 // "jsonl", "mmbench", ...
Format       parse_format(std::string_view name);        // throws Error(Invalid), listing the names

struct ReadOptions {
    bool        strict = true;      // false: skip bad records and count them in ReadReport
    std::string image_root;         // default: the directory of the file read
    bool        keep_none_literal = false;  // MMBench: an option cell "None" is text, not missing
    bool        verify_images = true;       // MMBench: base64-decode and check each image header
    ImageLimits image_limits;
    ProgressCallback progress;      // phase "read", in records
};

struct ReadReport {
    size_t records = 0;   // records seen
    size_t accepted = 0;  // records kept
    std::map<std::string, size_t> skipped_by_reason;  // lenient mode: reason -> count
    std::vector<std::string>      messages;           // the first 100 full messages
    size_t skipped() const;
};

Dataset read_dataset(const std::string & path, Format format, const ReadOptions & options = {},
                     ReadReport * report = nullptr);
// The same from memory; `source` names the content in messages.
Dataset parse_dataset(std::string_view content, Format format, const std::string & source,
                      const ReadOptions & options = {}, ReadReport * report = nullptr);

// LLaVA writer styles of the paper: the answer alone, or followed by its rationale.
enum class LlavaStyle { QmA, QmAE };

struct WriteOptions {
    LlavaStyle llava_style = LlavaStyle::QmA;
};

// Writes atomically (nothing half-written is left on failure). MMBench embeds every image as
// base64 (file images are read from the dataset's root). Throws Error(Invalid) for samples the
// format cannot hold (e.g. more than 4 options for SEED-Bench, no answer for LLaVA).
void        write_dataset(const Dataset & dataset, const std::string & path, Format format,
                          const WriteOptions & options = {});
std::string serialize_dataset(const Dataset & dataset, Format format, const WriteOptions & options = {});

// One sample as the native JSON object (one line of a .jsonl file, no newline).
std::string sample_to_json(const Sample & sample);

// LLaVA prompt and reply text for one sample (the QM-A / QM-AE layout), as written to files.
std::string llava_prompt(const Sample & sample);
std::string llava_reply(const Sample & sample, LlavaStyle style);

// ---------------------------------------------------------------------------------------------
// Image pools: unlabeled images with a text description each (what the generator LLM sees).

struct BoxObject {
    std::string name;
    double      x1 = 0, y1 = 0, x2 = 0, y2 = 0;  // normalised to 0..1
};

// Captions, one per line, then one line per object "name: [x1, y1, x2, y2]" with coordinates
// printed as Python prints round(v, 3), e.g. "person: [0.12, 0.4, 0.631, 1.0]".
std::string describe_image(const std::vector<std::string> & captions, const std::vector<BoxObject> & objects);
// The box lines of such a description, in order; caption lines and lines that are not
// "name: [x1, y1, x2, y2]" with four numbers in 0..1 (x1 <= x2, y1 <= y2) are skipped.
std::vector<BoxObject> parse_box_lines(std::string_view description);

struct PoolImage {
    std::string              id;
    ImageRef                 image;
    int                      width = 0, height = 0;
    std::vector<std::string> captions;
    std::vector<BoxObject>   objects;
    std::string              description;  // describe_image(captions, objects)
    std::vector<float>       embedding;    // optional, e.g. from Model::embed_images
};

class ImagePool {
public:
    ImagePool() = default;
    explicit ImagePool(std::string image_root) : image_root_(std::move(image_root)) {}
    void add(PoolImage image);  // throws Error(Invalid) on a duplicate id
    size_t size() const { return images_.size(); }
    const PoolImage & operator[](size_t i) const { return images_[i]; }
    const PoolImage * find(std::string_view id) const;
    const std::vector<PoolImage> & images() const { return images_; }
    void set_embedding(size_t i, std::vector<float> embedding) { images_.at(i).embedding = std::move(embedding); }
    const std::string & image_root() const { return image_root_; }
private:
    std::vector<PoolImage>                  images_;
    IdIndex                                 index_;
    std::string                             image_root_;
};

// COCO captions (captions_*.json) and instances (instances_*.json) of one split: an image with
// captions in either file becomes a pool entry (id = COCO image id, image = its file_name under
// the image root). Either path may be empty. Boxes [x, y, w, h] in pixels become normalised
// corners. Strict/lenient as for datasets; records are annotations.
ImagePool read_coco_pool(const std::string & captions_path, const std::string & instances_path,
                         const ReadOptions & options = {}, ReadReport * report = nullptr);

}  // namespace dataengine
