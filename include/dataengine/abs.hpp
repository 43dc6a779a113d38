// include/dataengine/abs.hpp: Adaptive Bad-case Sampling (DESIGN §4.3).
//
// From an evaluation report (error rate and bad cases per question type) and an image pool, a
// plan of what to generate next: how many samples per type, and for each sample the pool image
// to ask about, the bad cases to show the generator as in-context examples, and why that image
// (similar to the bad cases, or a random one to explore).
//
// Type weights: the paper's v1 (w = e, types with fewer than 2 bad cases get nothing) and v2
// (w = sqrt(e)) as presets of the general w = max(floor, e^gamma) ^ (1/temperature); and the
// gain-aware rule (the default): w = e x measured accuracy gain per added sample of the type,
// optimistic for types not tried yet, so that the budget flows to weaknesses data fixes.
// Uniform and random allocation are baselines with the same interface.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "dataengine/data.hpp"  // Dataset, ImagePool
#include "dataengine/eval.hpp"  // EvalReport

namespace dataengine {

enum class WeightRule {
    Power,    // w = max(floor, e^gamma) ^ (1/temperature); v1: gamma 1 + min 2 bad cases, v2: gamma 0.5
    Gain,     // w = e x gain per added sample (DESIGN §4.3)
    Uniform,  // the same count for every type
    Random,   // each query's type drawn uniformly at random
};
const char * weight_rule_name(WeightRule rule);  // "power", "gain", "uniform", "random"

struct AbsOptions {
    WeightRule rule = WeightRule::Gain;
    int        budget = 1000;  // samples to plan, split by largest remainder (exact sum)
    uint64_t   seed   = 0;     // same inputs and seed, same plan

    // Power rule (and the error part of Gain).
    double gamma         = 1.0;
    double floor         = 0.0;  // weight of a type with (near) zero error
    double temperature   = 1.0;  // > 1 flattens the weights, < 1 sharpens them
    int    min_bad_cases = 0;    // types with fewer bad cases get nothing (v1: 2)

    // Gain rule: a type never tried gets the best gain measured on any type (optimism), or
    // `prior_gain` when nothing was measured yet; a measured gain never falls below
    // gain_floor x that best gain, so a type measured once as flat is still retried a little.
    double prior_gain = 1.0;
    double gain_floor = 0.1;
    // Observations of a type are pooled with weights that shrink by gain_memory for each later
    // observation of the same type (1: all alike). Gains per sample fall as a type's data grows,
    // and the first observation (the seed training's curve, which includes learning the answer
    // format) overstates them most: the latest measures the next round best.
    double gain_memory = 0.5;
    // A gain is measured as a difference of two dev accuracies, as noisy as that difference (a
    // few points on 300 questions, as large as most gains per round). With shrink_gains, the
    // measured gains of the types whose observations carry a standard error are pulled towards
    // their pooled mean by their noise (random-effects meta-analysis, DerSimonian-Laird): by as
    // much as their standard error exceeds the spread of the true gains between types. Where
    // the measurements cannot tell the types apart, the gain rule is the error rule; a gain
    // measured clearly above or below the others keeps its effect.
    bool shrink_gains = true;

    // In-context examples.
    int    examples_per_query   = 2;    // as v1
    double duplicate_similarity = 0.9;  // as v2: bad cases this alike (question and image) count once;
                                        // images by centred cosine of their embeddings

    // Query images.
    int top_k         = 1000;  // candidates by similarity, then a random pick (as v1)
    int explore_every = 2;     // every Nth query takes a uniformly random pool image (0: never)
    int max_objects   = 0;     // skip pool images with more described objects (v1: 10; 0: no limit)

    // Presets by name: "gain" (the default), "v1", "v2", "uniform", "random".
    static AbsOptions preset(std::string_view name);  // throws Error(Invalid) for another name
};

// A measurement of what data bought: `added` samples of `type` moved its accuracy by
// `accuracy_gain` (a fraction, may be negative), known to within `standard_error` (0: not
// known, taken as exact and never shrunk). From earlier rounds, or from the seed training's own
// learning curve in the first round.
struct GainObservation {
    std::string type;
    double      added = 0;
    double      accuracy_gain = 0;
    double      standard_error = 0;
};

// The standard error of the change between two accuracies measured on n_before and n_after
// questions (independent binomials, each proportion taken as (correct + 1) / (n + 2) so that an
// accuracy of 0 or 1 is not exact).
double accuracy_change_standard_error(int64_t correct_before, int64_t n_before, int64_t correct_after, int64_t n_after);

// [{"type", "added", "accuracy_gain", "standard_error" (optional)}] both ways; throws
// Error(Format) naming the entry.
std::string                  gains_to_json(const std::vector<GainObservation> & gains);
std::vector<GainObservation> gains_from_json(std::string_view json, const std::string & source = "gains");

// What plan() may use besides the report, the benchmark and the pool.
struct PlanContext {
    std::vector<GainObservation> gains;  // for WeightRule::Gain
    // Embeddings (e.g. Model::embed_images) of the benchmark images, by benchmark sample id;
    // the pool's come from PoolImage::embedding. Without both, every query explores.
    std::map<std::string, std::vector<float>> example_embeddings;
    std::vector<std::string> used_images;  // pool ids not to ask about again (earlier rounds)
    // Optional content filter per type, from what the generator will see (e.g. a "text"
    // question needs an image whose description shows text). Images that fail it are skipped
    // for that type, and a type gets at most as many queries as unused images pass it: the
    // rest of its share goes to the other types by weight. Only when no type with weight has
    // such images left does a plan ask again about earlier rounds' images that pass, and then
    // about any free image.
    std::function<bool(std::string_view type, const PoolImage & image)> image_fits;
};

struct TypeAllocation {
    std::string type;
    double      error_rate = 0;
    int64_t     bad_cases  = 0;   // distinct in-context candidates after removing near-duplicates
    double      gain_per_sample = -1;  // Gain rule: the estimate used (-1: not used)
    bool        gain_measured = false;  // false: optimistic estimate
    double      weight = 0;       // normalised to sum 1 over types
    int         count  = 0;
};

enum class QueryReason { Similar, Explore };
const char * query_reason_name(QueryReason reason);  // "similar", "explore"

struct PlannedQuery {
    std::string              type;
    std::string              image_id;     // a PoolImage id
    std::vector<std::string> example_ids;  // benchmark sample ids, the in-context bad cases
    QueryReason              reason = QueryReason::Explore;
    double                   similarity = 0;  // Similar: cosine to the examples' mean embedding (both
                                              // centred on the pool's mean embedding)
    bool operator==(const PlannedQuery & o) const;
};

struct GenerationPlan {
    std::string                 rule;  // weight_rule_name, or the preset's name
    int                         budget = 0;
    uint64_t                    seed   = 0;
    std::vector<TypeAllocation> types;    // sorted by type name
    std::vector<PlannedQuery>   queries;  // grouped by type, in type order
    int count(std::string_view type) const;
};

// Immutable once built: plan() may run on many threads at once.
class AbsSampler {
public:
    explicit AbsSampler(AbsOptions options);  // throws Error(Invalid) on out-of-range options
    const AbsOptions & options() const { return options_; }

    // Types are those of the report with a name. Bad cases are looked up in `benchmark` (the
    // report's benchmark); each pool image is used at most once per plan, so the budget is
    // capped by the usable pool (an Error(Invalid) when the pool is empty). The similarity
    // search is exact: a blocked matrix product over the pool, top_k kept per distinct set
    // of in-context examples.
    GenerationPlan plan(const EvalReport & report, const Dataset & benchmark, const ImagePool & pool,
                        const PlanContext & context = {}) const;

private:
    AbsOptions options_;
};

// Integer counts proportional to `weights` (non-negative) that sum exactly to `budget`:
// floors first, the rest to the largest remainders (ties to the lower index). All-zero
// weights give all-zero counts.
std::vector<int> allocate_counts(const std::vector<double> & weights, int budget);

// {"rule", "budget", "seed", "types": [{"type", "error_rate", "bad_cases", "gain_per_sample",
//  "gain_measured", "weight", "count"}], "queries": [{"type", "image", "examples": [ids],
//  "reason", "similarity"}]}
std::string    to_json(const GenerationPlan & plan);
GenerationPlan plan_from_json(std::string_view json, const std::string & source = "plan");  // throws Error(Format)

}  // namespace dataengine
