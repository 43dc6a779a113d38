// Type weights by rule, and integer counts that sum exactly to the budget.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "abs/abs_internal.hpp"

namespace dataengine {

const char * weight_rule_name(WeightRule rule) {
    switch (rule) {
        case WeightRule::Power: return "power";
        case WeightRule::Gain: return "gain";
        case WeightRule::Uniform: return "uniform";
        case WeightRule::Random: return "random";
    }
    return "?";
}

AbsOptions AbsOptions::preset(std::string_view name) {
    AbsOptions o;
    if (name == "gain") return o;
    if (name == "v1") {  // MLLM-DataEngine v1: weight = error rate, at least 2 bad cases
        o.rule          = WeightRule::Power;
        o.min_bad_cases = 2;
        return o;
    }
    if (name == "v2") {  // v2: square root of the error rate, so small weaknesses still get data
        o.rule  = WeightRule::Power;
        o.gamma = 0.5;
        return o;
    }
    if (name == "uniform") {
        o.rule = WeightRule::Uniform;
        return o;
    }
    if (name == "random") {
        o.rule = WeightRule::Random;
        return o;
    }
    throw Error(Status::Invalid, "unknown ABS preset '" + std::string(name) + "' (gain, v1, v2, uniform, random)");
}

std::vector<int> allocate_counts(const std::vector<double> & weights, int budget) {
    std::vector<int> counts(weights.size(), 0);
    double total = 0;
    for (const double w : weights) {
        if (!(w >= 0) || !std::isfinite(w)) throw Error(Status::Invalid, "allocate_counts: weights must be finite and >= 0");
        total += w;
    }
    if (total <= 0 || budget <= 0) return counts;
    std::vector<double> remainder(weights.size());
    int given = 0;
    for (size_t i = 0; i < weights.size(); ++i) {
        const double share = budget * weights[i] / total;
        counts[i]    = int(std::floor(share));
        remainder[i] = share - counts[i];
        given += counts[i];
    }
    std::vector<size_t> order(weights.size());
    std::iota(order.begin(), order.end(), size_t(0));
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainder[a] > remainder[b]; });
    for (size_t i = 0; given < budget; i = (i + 1) % order.size()) {
        if (weights[order[i]] <= 0) continue;  // a zero weight never gets a leftover
        ++counts[order[i]];
        ++given;
    }
    return counts;
}

namespace abs {
namespace {

struct MeasuredGain {
    double per_sample = 0;
    double standard_error = 0;  // of per_sample; 0: some observation did not say (exact)
};

// Gain per added sample by type: accuracy gain over samples added, pooled over observations,
// each weighted by memory^(number of later observations of its type).
std::map<std::string, MeasuredGain> measured_gains(const std::vector<GainObservation> & gains, double memory) {
    struct Sums {
        double gain = 0, added = 0, variance = 0;
        bool   all_known = true;
    };
    std::map<std::string, Sums> sums;
    std::map<std::string, double> weight;  // type -> weight of the next-earlier observation
    for (auto g = gains.rbegin(); g != gains.rend(); ++g) {
        if (g->added <= 0) continue;
        const double w = weight.emplace(g->type, 1.0).first->second;
        Sums & s = sums[g->type];
        s.gain += w * g->accuracy_gain;
        s.added += w * g->added;
        s.variance += w * w * g->standard_error * g->standard_error;
        s.all_known = s.all_known && g->standard_error > 0;
        weight[g->type] = w * memory;
    }
    std::map<std::string, MeasuredGain> out;
    for (const auto & [type, s] : sums)
        out[type] = {s.gain / s.added, s.all_known ? std::sqrt(s.variance) / s.added : 0.0};
    return out;
}

// Each gain with a standard error pulled towards the precision-weighted mean of those gains by
// tau^2 / (tau^2 + se^2), tau^2 the between-type variance of the true gains estimated by
// DerSimonian-Laird (the variance of the measured gains beyond what their noise explains).
void shrink_towards_pooled(std::map<std::string, MeasuredGain> & gains) {
    double sum_w = 0, sum_w2 = 0, sum_wg = 0;
    int    k = 0;
    for (const auto & [type, g] : gains) {
        if (g.standard_error <= 0) continue;
        const double w = 1.0 / (g.standard_error * g.standard_error);
        sum_w += w;
        sum_w2 += w * w;
        sum_wg += w * g.per_sample;
        ++k;
    }
    if (k < 2) return;
    const double mean = sum_wg / sum_w;
    double q = 0;
    for (const auto & [type, g] : gains)
        if (g.standard_error > 0) q += (g.per_sample - mean) * (g.per_sample - mean) / (g.standard_error * g.standard_error);
    const double tau2 = std::max(0.0, (q - (k - 1)) / (sum_w - sum_w2 / sum_w));
    for (auto & [type, g] : gains) {
        if (g.standard_error <= 0) continue;
        const double keep = tau2 / (tau2 + g.standard_error * g.standard_error);
        g.per_sample = mean + keep * (g.per_sample - mean);
    }
}

// Counts no larger than `limit` (-1: none) where the budget allows: types over their limit are
// held at it, and what they give up is split among the others by weight, repeatedly, as water
// fills the vessels that still have room. When no type with weight has room left, the rest is
// split by weight over all of them, above their limits.
std::vector<int> within_limits(std::vector<int> counts, const std::vector<double> & weights,
                               const std::vector<int64_t> & limit, int budget) {
    std::vector<bool> held(counts.size(), false);
    for (;;) {
        bool newly_held = false;
        for (size_t i = 0; i < counts.size(); ++i)
            if (!held[i] && limit[i] >= 0 && counts[i] > limit[i]) held[i] = newly_held = true;
        if (!newly_held) return counts;
        int left = budget;
        std::vector<double> room_weights(weights.size(), 0.0);
        for (size_t i = 0; i < counts.size(); ++i) {
            if (held[i]) {
                counts[i] = int(limit[i]);
                left -= counts[i];
            } else {
                room_weights[i] = weights[i];
            }
        }
        const bool any_room = std::any_of(room_weights.begin(), room_weights.end(), [](double w) { return w > 0; });
        const std::vector<int> rest = allocate_counts(any_room ? room_weights : weights, left);
        for (size_t i = 0; i < counts.size(); ++i) counts[i] = (held[i] ? counts[i] : 0) + rest[i];  // held: rest is 0 while others have room
        if (!any_room) return counts;
    }
}

}  // namespace

std::vector<TypeAllocation> allocate_types(const EvalReport & report, const std::map<std::string, std::vector<size_t>> & bad_cases,
                                           const AbsOptions & options, const std::vector<GainObservation> & gains,
                                           const std::map<std::string, int64_t> & fresh_images) {
    std::vector<TypeAllocation> types;
    for (const auto & [type, score] : report.by_type) {
        if (type.empty() || score.n == 0) continue;
        TypeAllocation t;
        t.type       = type;
        t.error_rate = 1.0 - score.accuracy();
        const auto found = bad_cases.find(type);
        t.bad_cases  = found == bad_cases.end() ? 0 : int64_t(found->second.size());
        types.push_back(t);
    }
    if (types.empty()) throw Error(Status::Invalid, "ABS: the report has no question types to plan for");

    std::map<std::string, MeasuredGain> measured = measured_gains(gains, options.gain_memory);
    if (options.shrink_gains) shrink_towards_pooled(measured);
    double best_gain = 0;  // a negative gain counts as none
    for (const auto & [type, g] : measured) best_gain = std::max(best_gain, g.per_sample);
    const double optimistic = measured.empty() || best_gain <= 0 ? options.prior_gain : best_gain;

    std::vector<double> weights;
    for (TypeAllocation & t : types) {
        double w = 0;
        switch (options.rule) {
            case WeightRule::Uniform:
            case WeightRule::Random: w = 1; break;
            case WeightRule::Power:
            case WeightRule::Gain: {
                w = std::max(options.floor, std::pow(t.error_rate, options.gamma));
                if (t.bad_cases < options.min_bad_cases) w = 0;
                if (options.rule == WeightRule::Gain) {
                    const auto found = measured.find(t.type);
                    t.gain_measured   = found != measured.end();
                    t.gain_per_sample = t.gain_measured ? std::max(found->second.per_sample, options.gain_floor * optimistic) : optimistic;
                    w *= t.gain_per_sample;
                }
                if (w > 0) w = std::pow(w, 1.0 / options.temperature);
                break;
            }
        }
        weights.push_back(w);
    }
    const double total = std::accumulate(weights.begin(), weights.end(), 0.0);
    for (size_t i = 0; i < types.size(); ++i) types[i].weight = total > 0 ? weights[i] / total : 0;

    std::vector<int> counts;
    if (options.rule == WeightRule::Random) {
        counts.assign(types.size(), 0);
        Rng rng = Rng(options.seed).fork(0xabcdef);
        for (int i = 0; i < options.budget; ++i) ++counts[rng.below(types.size())];
    } else {
        counts = allocate_counts(weights, options.budget);
    }
    std::vector<int64_t> limit;
    for (const TypeAllocation & t : types) {
        const auto found = fresh_images.find(t.type);
        limit.push_back(found == fresh_images.end() ? -1 : found->second);
    }
    const std::vector<int> limited = within_limits(counts, weights, limit, options.budget);
    for (size_t i = 0; i < types.size(); ++i) {
        if (limited[i] < counts[i])
            log(LogLevel::Info, "ABS: " + types[i].type + " planned " + std::to_string(limited[i]) + " instead of " +
                                    std::to_string(counts[i]) + ": only so many unused pool images can carry it");
        types[i].count = limited[i];
    }
    return types;
}

}  // namespace abs

double accuracy_change_standard_error(int64_t correct_before, int64_t n_before, int64_t correct_after, int64_t n_after) {
    if (n_before < 0 || n_after < 0 || correct_before < 0 || correct_after < 0 || correct_before > n_before || correct_after > n_after)
        throw Error(Status::Invalid, "accuracy_change_standard_error: counts must satisfy 0 <= correct <= n");
    auto variance = [](int64_t correct, int64_t n) {
        const double p = double(correct + 1) / double(n + 2);
        return p * (1 - p) / double(n + 2);
    };
    return std::sqrt(variance(correct_before, n_before) + variance(correct_after, n_after));
}

}  // namespace dataengine
