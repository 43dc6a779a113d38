// Internal to src/abs: the steps of AbsSampler::plan, one file each.
#pragma once
#include <string>
#include <vector>

#include "dataengine/abs.hpp"

namespace dataengine::abs {

// Per type: error rate, distinct bad cases and the rule's weight (normalised), then counts.
// `fresh_images[type]` (absent: no limit) is how many unused pool images can carry the type:
// a count above it is cut to it and the rest goes to the other types by weight, since a query
// beyond it could only ask again about an image an earlier round used. Only when every type
// with weight is full does the rest go back to them (and the plan reuses earlier images).
std::vector<TypeAllocation> allocate_types(const EvalReport & report, const std::map<std::string, std::vector<size_t>> & bad_cases,
                                           const AbsOptions & options, const std::vector<GainObservation> & gains,
                                           const std::map<std::string, int64_t> & fresh_images);

// The benchmark's bad cases of each type as sample indices: one per circular group, near
// duplicates (question text and image both at least `threshold` alike) dropped, in a seeded order.
std::map<std::string, std::vector<size_t>> distinct_bad_cases(const EvalReport & report, const Dataset & benchmark,
                                                              const PlanContext & context, const AbsOptions & options,
                                                              const std::vector<float> & center);

// The mean of the pool's embeddings (empty without any). Cosines are taken after subtracting it:
// embeddings share a large common component (CLIP's do, and so do the built-in model's), which
// would make every pair look alike.
std::vector<float> embedding_center(const ImagePool & pool);

// `count` sets of k examples from `candidates`, spread so that each is used as evenly as possible.
std::vector<std::vector<size_t>> spread_examples(const std::vector<size_t> & candidates, int count, int k);

// Exact top-k search of pool rows by cosine similarity to each anchor (anchors L2-normalised).
// Rows with usable[row] == false are skipped; `center` is subtracted from rows and anchors. Result per anchor: (similarity, row), best first.
struct Neighbour {
    float  similarity;
    size_t row;
};
std::vector<std::vector<Neighbour>> nearest_pool_images(const ImagePool & pool, const std::vector<bool> & usable,
                                                        const std::vector<std::vector<float>> & anchors, size_t k,
                                                        const std::vector<float> & center);

}  // namespace dataengine::abs
