// AbsSampler::plan: types and counts, in-context examples, then one pool image per query.
#include <algorithm>
#include <cmath>
#include <set>

#include "abs/abs_internal.hpp"

namespace dataengine {

const char * query_reason_name(QueryReason reason) { return reason == QueryReason::Similar ? "similar" : "explore"; }

bool PlannedQuery::operator==(const PlannedQuery & o) const {
    return type == o.type && image_id == o.image_id && example_ids == o.example_ids && reason == o.reason &&
           similarity == o.similarity;
}

int GenerationPlan::count(std::string_view type) const {
    for (const TypeAllocation & t : types)
        if (t.type == type) return t.count;
    return 0;
}

AbsSampler::AbsSampler(AbsOptions options) : options_(std::move(options)) {
    const AbsOptions & o = options_;
    if (o.budget < 0 || o.gamma <= 0 || o.floor < 0 || o.temperature <= 0 || o.min_bad_cases < 0 || o.prior_gain <= 0 ||
        o.gain_floor < 0 || o.gain_floor > 1 || !(o.gain_memory > 0 && o.gain_memory <= 1) || o.examples_per_query < 0 ||
        o.duplicate_similarity < 0 || o.duplicate_similarity > 1 || o.top_k < 1 || o.explore_every < 0 || o.max_objects < 0)
        throw Error(Status::Invalid, "ABS options: budget, floor, min_bad_cases, examples_per_query, explore_every and "
                                     "max_objects must be >= 0; gamma, temperature and prior_gain > 0; gain_floor and "
                                     "duplicate_similarity in [0, 1]; gain_memory in (0, 1]; top_k >= 1");
}

namespace {

// Which pool rows a plan may use: not used in earlier rounds, within the content filter.
std::vector<bool> usable_rows(const ImagePool & pool, const PlanContext & context, const AbsOptions & options) {
    const std::set<std::string> used(context.used_images.begin(), context.used_images.end());
    std::vector<bool> usable(pool.size());
    for (size_t r = 0; r < pool.size(); ++r) {
        const PoolImage & image = pool[r];
        usable[r] = !used.count(image.id) && (options.max_objects == 0 || int(image.objects.size()) <= options.max_objects);
    }
    return usable;
}

// The mean of the examples' embeddings, or empty when one is missing.
std::vector<float> anchor_of(const std::vector<size_t> & examples, const Dataset & benchmark, const PlanContext & context) {
    std::vector<float> mean;
    for (const size_t index : examples) {
        const auto found = context.example_embeddings.find(benchmark[index].id);
        if (found == context.example_embeddings.end() || found->second.empty()) return {};
        if (mean.empty()) mean.assign(found->second.size(), 0.0f);
        if (found->second.size() != mean.size()) throw Error(Status::Invalid, "ABS: example embeddings differ in size");
        for (size_t d = 0; d < mean.size(); ++d) mean[d] += found->second[d];
    }
    return mean;
}

}  // namespace

GenerationPlan AbsSampler::plan(const EvalReport & report, const Dataset & benchmark, const ImagePool & pool,
                                const PlanContext & context) const {
    if (pool.size() == 0) throw Error(Status::Invalid, "ABS: the image pool is empty");
    const std::vector<float> center = abs::embedding_center(pool);
    const auto bad = abs::distinct_bad_cases(report, benchmark, context, options_, center);
    const std::vector<bool> usable = usable_rows(pool, context, options_);
    std::vector<size_t> free_rows, earlier_rows;  // earlier: asked about in earlier rounds, within the filter
    for (size_t r = 0; r < pool.size(); ++r) {
        if (usable[r]) free_rows.push_back(r);
        else if (options_.max_objects == 0 || int(pool[r].objects.size()) <= options_.max_objects) earlier_rows.push_back(r);
    }

    AbsOptions options = options_;
    if (size_t(options.budget) > free_rows.size()) {
        log(LogLevel::Warn, "ABS: budget " + std::to_string(options.budget) + " capped at the " +
                                   std::to_string(free_rows.size()) + " usable pool images");
        options.budget = int(free_rows.size());
    }
    GenerationPlan plan;
    plan.rule   = weight_rule_name(options.rule);
    plan.budget = options.budget;
    plan.seed   = options.seed;
    // Per type, how many unused images the content filter lets carry it (no filter: no limit).
    std::map<std::string, int64_t> fresh_images;
    std::map<std::string, std::vector<size_t>> fitting_rows;  // asked once, reused for reservations
    if (context.image_fits)
        for (const auto & [type, score] : report.by_type) {
            auto & rows = fitting_rows[type];
            for (const size_t r : free_rows)
                if (context.image_fits(type, pool[r])) rows.push_back(r);
            fresh_images[type] = int64_t(rows.size());
        }
    plan.types = abs::allocate_types(report, bad, options, context.gains, fresh_images);
    // A type planned up to its last fitting image needs every one of them: other types leave
    // those images alone while they have others.
    std::vector<bool> reserved(pool.size(), false);
    std::set<std::string> tight;
    for (const TypeAllocation & t : plan.types) {
        const auto found = fresh_images.find(t.type);
        if (t.count > 0 && found != fresh_images.end() && t.count >= found->second) tight.insert(t.type);
    }
    for (const std::string & type : tight)
        for (const size_t r : fitting_rows[type]) reserved[r] = true;

    // Queries with their examples; similar ones share an anchor per distinct example set.
    struct Draft {
        const TypeAllocation * type;
        std::vector<size_t>    examples;
        int                    anchor = -1;  // -1: explore
    };
    std::vector<Draft> drafts;
    std::vector<std::vector<float>> anchors;
    std::map<std::vector<size_t>, int> anchor_of_set;
    std::vector<size_t> uses;
    for (const TypeAllocation & t : plan.types) {
        const auto found = bad.find(t.type);
        const auto sets  = abs::spread_examples(found == bad.end() ? std::vector<size_t>{} : found->second, t.count,
                                                options.examples_per_query);
        for (int j = 0; j < t.count; ++j) {
            Draft d{&t, sets[size_t(j)], -1};
            const bool explore = options.explore_every > 0 && (j + 1) % options.explore_every == 0;
            if (!explore && !d.examples.empty()) {
                std::vector<size_t> key = d.examples;
                std::sort(key.begin(), key.end());
                auto at = anchor_of_set.find(key);
                if (at == anchor_of_set.end()) {
                    std::vector<float> anchor = anchor_of(d.examples, benchmark, context);
                    if (!anchor.empty()) {
                        at = anchor_of_set.emplace(key, int(anchors.size())).first;
                        anchors.push_back(std::move(anchor));
                        uses.push_back(0);
                    }
                }
                if (at != anchor_of_set.end()) {
                    d.anchor = at->second;
                    ++uses[size_t(d.anchor)];
                }
            }
            drafts.push_back(std::move(d));
        }
    }
    // Enough neighbours that top_k remain after the anchor's own earlier picks.
    const size_t most_uses = uses.empty() ? 0 : *std::max_element(uses.begin(), uses.end());
    const auto   nearest   = abs::nearest_pool_images(pool, usable, anchors, size_t(options.top_k) + most_uses, center);

    Rng rng = Rng(options.seed).fork(1);
    std::vector<bool> taken(pool.size(), false);
    auto may_carry = [&](const std::string & type, size_t row) { return !context.image_fits || context.image_fits(type, pool[row]); };
    auto fits = [&](const std::string & type, size_t row) {
        return may_carry(type, row) && (!reserved[row] || tight.count(type));
    };
    auto random_free = [&](const std::string & type) -> size_t {
        for (int attempt = 0; attempt < 64; ++attempt) {
            const size_t r = free_rows[rng.below(free_rows.size())];
            if (!taken[r] && fits(type, r)) return r;
        }
        for (const size_t r : free_rows)  // few fitting images left: scan
            if (!taken[r] && fits(type, r)) return r;
        for (const size_t r : free_rows)  // only images another type was kept for
            if (!taken[r] && may_carry(type, r)) return r;
        // No fresh image can carry the type (the pool ran out of them over the rounds): ask again
        // about an earlier round's image that can — another question about it is still new data —
        // rather than plan a query that can only come back "Skip".
        for (int attempt = 0; attempt < 64 && !earlier_rows.empty(); ++attempt) {
            const size_t r = earlier_rows[rng.below(earlier_rows.size())];
            if (!taken[r] && may_carry(type, r)) return r;
        }
        for (const size_t r : earlier_rows)
            if (!taken[r] && may_carry(type, r)) return r;
        for (const size_t r : free_rows)  // none fits: any free image
            if (!taken[r]) return r;
        throw Error(Status::Internal, "ABS: no free pool image left");
    };
    for (const Draft & d : drafts) {
        PlannedQuery q;
        q.type = d.type->type;
        for (const size_t index : d.examples) q.example_ids.push_back(benchmark[index].id);
        size_t row = pool.size();
        if (d.anchor >= 0) {
            std::vector<abs::Neighbour> candidates;
            for (const abs::Neighbour & n : nearest[size_t(d.anchor)]) {
                if (taken[n.row] || !fits(q.type, n.row)) continue;
                candidates.push_back(n);
                if (candidates.size() == size_t(options.top_k)) break;
            }
            if (candidates.empty()) {
                // Other anchors took this one's neighbours (anchors close together): search again
                // among the images still free.
                std::vector<bool> free(pool.size());
                for (size_t r = 0; r < pool.size(); ++r) free[r] = usable[r] && !taken[r] && fits(q.type, r);
                candidates = abs::nearest_pool_images(pool, free, {anchors[size_t(d.anchor)]}, size_t(options.top_k), center)[0];
            }
            if (!candidates.empty()) {
                const abs::Neighbour & pick = candidates[rng.below(candidates.size())];
                row          = pick.row;
                q.reason     = QueryReason::Similar;
                // Cosine after centring on the pool's mean, to 6 decimals: embeddings computed
                // on several threads differ in float32's last bits from run to run.
                q.similarity = std::round(double(pick.similarity) * 1e6) / 1e6;
            }
        }
        if (row == pool.size()) {
            row      = random_free(q.type);
            q.reason = QueryReason::Explore;
        }
        taken[row] = true;
        q.image_id = pool[row].id;
        plan.queries.push_back(std::move(q));
    }
    return plan;
}

}  // namespace dataengine
