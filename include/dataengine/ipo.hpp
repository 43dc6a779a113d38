// include/dataengine/ipo.hpp: Interactive Prompt Optimization (DESIGN §4.5).
//
// Versions of the generation prompt, improved in rounds: generate a review batch with the
// current version; the generator's validators reject what rules can catch (never shown to a
// person); a reviewer accepts or rejects the rest, with a category and a comment; the
// acceptance rate over the whole batch is recorded with a 95 % interval; under the target, a
// rewriter LLM turns the feedback into a new version. Everything (versions, batches, every
// verdict) is persisted in one JSON file after each verdict, so a session can stop at any point
// and resume where it stopped.
#pragma once
#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dataengine/core.hpp"
#include "dataengine/data.hpp"
#include "dataengine/gen.hpp"

namespace dataengine {

class World;

// ---------------------------------------------------------------------------------------------
// Reviews

// Why a reviewer rejected a sample. Stable names: see review_category_name.
enum class ReviewCategory { WrongAnswer, Ambiguous, AnswerNotInOptions, OffType, LeaksCoordinates, PoorRationale, Other };
const char * review_category_name(ReviewCategory category);  // "wrong_answer", "ambiguous", ...
std::optional<ReviewCategory> review_category_from_name(std::string_view name);
const std::vector<ReviewCategory> & all_review_categories();

// What a reviewer sees of one generated sample.
struct ReviewItem {
    size_t      index = 0;     // position in the batch
    size_t      total = 0;     // batch size
    std::string type;          // the question type it was asked for
    Sample      sample;        // question, options, marked answer, rationale
    std::string description;   // the image's captions and boxes
    std::string image_path;    // the image file, for a person to open
};

struct Verdict {
    bool                          accepted = false;
    std::optional<ReviewCategory> category;  // for rejections
    std::string                   comment;
};

// A reviewer returns a verdict per item, or nothing to stop the session (a person quitting);
// what was reviewed before is kept.
class Reviewer {
public:
    virtual ~Reviewer() = default;
    virtual std::string            name() const = 0;
    virtual std::optional<Verdict> review(const ReviewItem & item) = 0;
};

std::unique_ptr<Reviewer> function_reviewer(std::function<std::optional<Verdict>(const ReviewItem &)> fn,
                                            std::string name = "host");
// The embedded world's reviewer: judges each sample against the pool image's scene graph (the
// answer, the question's type, the rationale, leaked coordinates) and comments as a careful
// person would; misses a bad sample with probability miss_rate (deterministic per sample).
std::unique_ptr<Reviewer> world_reviewer(std::shared_ptr<const World> world, double miss_rate = 0.05, uint64_t seed = 0);
// A person at a terminal: shows each sample on `out`, reads "a" (accept), "r" (reject: then a
// category number and a comment line) or "q" (quit) from `in`. Line based, so it works in any
// terminal, tmux included.
std::unique_ptr<Reviewer> terminal_reviewer(std::FILE * in, std::FILE * out);

// ---------------------------------------------------------------------------------------------
// Rewriting

// The meta-prompt the rewriter reads: the current prompt (rules written in), the rejected
// samples with their comments grouped by category, some accepted ones, and the instruction to
// return a full new prompt that keeps the required placeholders.
struct Feedback {
    std::string category;  // a review category or a validator's rejection name
    std::string question;  // the sample as written (question, choices, answer) or the raw reply
    std::string comment;
};
std::string rewrite_meta_prompt(const std::string & current_prompt, const std::vector<Feedback> & rejected,
                                const std::vector<std::string> & accepted_examples);
// The placeholders a generation prompt must keep: {type}, {definition}, {description}, {examples}.
const std::vector<std::string> & required_placeholders();
// A rewriter's reply as a template: trimmed, code fences removed. Throws Error(Format) naming
// what is wrong (empty, a required placeholder dropped, an unknown placeholder).
PromptTemplate prompt_from_rewrite(std::string_view reply, std::string version);

// The world's offline rewriter (an LlmBackend for the meta-prompt): adds to the current prompt
// one instruction, in its own words, for each of the (at most 6) most frequent categories of the
// feedback that the prompt does not address yet, and returns the whole prompt.
std::unique_ptr<LlmBackend> world_rewriter(uint64_t seed = 0);

// ---------------------------------------------------------------------------------------------
// The optimizer

struct IpoOptions {
    int      batch_size      = 40;    // samples generated per review batch
    double   target          = 0.9;   // stop when a version's acceptance reaches it
    int      max_rounds      = 6;     // review batches at most
    int      patience        = 2;     // stop after this many rounds without a better version
    int      rewrite_attempts = 3;    // per round, when the rewriter's reply is unusable
    uint64_t seed            = 0;
    std::string version_prefix = "v"; // new versions are <prefix><number of versions so far>
};

// Acceptance of one batch: accepted / total, validators' rejections included.
struct Acceptance {
    int    accepted = 0, total = 0;
    double rate() const { return total ? double(accepted) / total : 0; }
    double low() const;   // Wilson 95 % interval
    double high() const;
};

// One generated sample of a review batch and its fate.
struct BatchItem {
    PlannedQuery           query;
    std::string            reply;
    std::optional<Sample>  sample;            // parsed and past the validators
    std::string            auto_rejection;    // rejection_name of a validator, or empty
    std::string            detail;
    std::optional<Verdict> verdict;           // the reviewer's, once given
};

struct ReviewBatch {
    int                    round = 0;
    std::string            version;
    std::vector<BatchItem> items;
    bool                   closed = false;  // acceptance recorded and the rewrite (if any) done
    bool                   complete() const;  // every item decided (validator or reviewer)
    Acceptance             acceptance() const;
};

struct PromptVersion {
    PromptTemplate prompt;
    std::string    parent;    // version it was rewritten from ("" for the first)
    std::string    feedback;  // summary of the feedback that produced it
    Acceptance     acceptance;  // of its review batch (total 0 until reviewed)
};

// Where review batches come from: the questions' types, the pool images, the in-context
// examples, and the generator with its validators.
struct IpoSources {
    std::vector<std::string> types;        // asked round-robin
    const ImagePool *        pool      = nullptr;
    const Dataset *          examples  = nullptr;  // in-context examples by type (e.g. the dev set)
    LlmBackend *             generator = nullptr;
    LlmBackend *             rewriter  = nullptr;
    std::function<bool(std::string_view type, const PoolImage & image)> image_fits;  // optional
    GeneratorOptions         generator_options;
};

enum class IpoStop { None, Target, Rounds, Patience };
const char * ipo_stop_name(IpoStop stop);  // "", "target", "rounds", "patience"

class PromptOptimizer {
public:
    // Opens (or creates) the state file `path` (e.g. STATE/ipo.json) starting from `initial`.
    // Throws Error(Format) naming the file when it exists and cannot be read.
    PromptOptimizer(std::string path, PromptTemplate initial, IpoOptions options = {});

    // One round: generate the batch (or continue the unfinished one), review what the
    // validators let through, record the acceptance; under the target, rewrite. Returns false
    // when the reviewer stopped before the batch was complete (resume by calling again).
    bool run_round(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress = {});
    // Rounds until a stop rule holds or the reviewer stops. Returns the stop reason (None if the
    // reviewer stopped).
    IpoStop run(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress = {});

    const std::vector<PromptVersion> & versions() const { return versions_; }
    const std::vector<ReviewBatch> &   batches() const { return batches_; }
    const PromptVersion &              current() const { return versions_.back(); }
    const PromptVersion &              best() const;  // highest acceptance, ties to the later
    IpoStop                            stopped() const { return stopped_; }
    // Rewrites that were refused, in words ("round 2, attempt 1: placeholder {examples} dropped").
    const std::vector<std::string> &   refused_rewrites() const { return refused_; }

    std::string to_json() const;
    // Markdown: acceptance by round, the prompt diff between versions, rejections by category.
    std::string report_markdown() const;
    std::string acceptance_svg() const;

private:
    void save() const;
    void load(const std::string & text);
    void new_batch(const IpoSources & sources, const ProgressCallback & progress);
    bool review(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress);
    void rewrite(const IpoSources & sources, const ReviewBatch & batch);
    IpoStop check_stop() const;

    std::string                path_;
    IpoOptions                 options_;
    std::vector<PromptVersion> versions_;
    std::vector<ReviewBatch>   batches_;
    std::vector<std::string>   refused_;
    IpoStop                    stopped_ = IpoStop::None;
};

// A line-by-line diff of two prompts ("- old", "+ new", "  same").
std::string prompt_diff(const std::string & before, const std::string & after);
// A template's text with its rules written in (what the rewriter sees and returns).
std::string prompt_with_rules(const PromptTemplate & prompt);

}  // namespace dataengine
