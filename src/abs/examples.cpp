// In-context examples: the distinct bad cases of each type, spread evenly over the queries.
#include <algorithm>
#include <cmath>
#include <set>

#include "abs/abs_internal.hpp"

namespace dataengine::abs {
namespace {

// A question's words with counts, as sorted (hash, count) pairs: cheap cosine by merging.
using WordBag = std::vector<std::pair<uint64_t, int>>;

WordBag word_bag(const Sample & s) {
    std::vector<uint64_t> hashes;
    std::string text = to_lower(s.question);
    for (const std::string & o : s.options) text += " " + to_lower(o);
    std::string word;
    for (const char c : text + " ") {
        if (std::isalnum(static_cast<unsigned char>(c))) word += c;
        else if (!word.empty()) {
            hashes.push_back(stable_hash(word));
            word.clear();
        }
    }
    std::sort(hashes.begin(), hashes.end());
    WordBag bag;
    for (const uint64_t h : hashes) {
        if (!bag.empty() && bag.back().first == h) ++bag.back().second;
        else bag.emplace_back(h, 1);
    }
    return bag;
}

double cosine(const WordBag & a, const WordBag & b) {
    double dot = 0, na = 0, nb = 0;
    for (const auto & [h, n] : a) na += double(n) * n;
    for (const auto & [h, n] : b) nb += double(n) * n;
    for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
        if (a[i].first < b[j].first) ++i;
        else if (b[j].first < a[i].first) ++j;
        else dot += double(a[i++].second) * b[j++].second;
    }
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

double cosine(const std::vector<float> & a, const std::vector<float> & b, const std::vector<float> & center) {
    if (a.size() != b.size() || a.empty()) return 0.0;
    const bool centred = center.size() == a.size();
    double dot = 0, na = 0, nb = 0;
    for (size_t i = 0; i < a.size(); ++i) {
        const double x = a[i] - (centred ? center[i] : 0.0f), y = b[i] - (centred ? center[i] : 0.0f);
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace

std::vector<float> embedding_center(const ImagePool & pool) {
    std::vector<double> sum;
    size_t n = 0;
    for (const PoolImage & p : pool.images()) {
        if (p.embedding.empty()) continue;
        if (sum.empty()) sum.assign(p.embedding.size(), 0.0);
        if (p.embedding.size() != sum.size()) throw Error(Status::Invalid, "ABS: pool embeddings differ in size ('" + p.id + "')");
        for (size_t d = 0; d < sum.size(); ++d) sum[d] += p.embedding[d];
        ++n;
    }
    std::vector<float> center(sum.size());
    for (size_t d = 0; d < sum.size(); ++d) center[d] = float(sum[d] / double(n));
    return center;
}

std::map<std::string, std::vector<size_t>> distinct_bad_cases(const EvalReport & report, const Dataset & benchmark,
                                                              const PlanContext & context, const AbsOptions & options,
                                                              const std::vector<float> & center) {
    std::map<std::string, std::vector<size_t>> out;
    for (const auto & [type, ids] : report.bad_cases) {
        // One per circular group: the copies are the same question with the options rotated.
        std::vector<size_t> candidates;
        std::set<std::string> groups;
        for (const std::string & id : ids) {
            const Sample * s = benchmark.find(id);
            if (!s) throw Error(Status::NotFound, "ABS: bad case '" + id + "' of the report is not in the benchmark");
            if (!s->has_answer() || s->options.empty()) continue;  // nothing to show as an example
            const std::string group = s->circular_group.empty() ? s->id : s->circular_group;
            if (groups.insert(group).second) candidates.push_back(size_t(s - benchmark.samples().data()));
        }
        // A seeded order, so that which of two near-duplicates survives does not depend on ids.
        Rng rng = Rng(options.seed).fork(stable_hash(type));
        rng.shuffle(candidates);

        std::vector<size_t>  kept;
        std::vector<WordBag> kept_bags;
        for (const size_t index : candidates) {
            const Sample & s   = benchmark[index];
            WordBag        bag = word_bag(s);
            const auto     emb = context.example_embeddings.find(s.id);
            bool duplicate = false;
            for (size_t k = 0; k < kept.size() && !duplicate; ++k) {
                if (cosine(bag, kept_bags[k]) < options.duplicate_similarity) continue;
                const Sample & other = benchmark[kept[k]];
                const auto     other_emb = context.example_embeddings.find(other.id);
                const double   image_similarity =
                    s.image == other.image ? 1.0
                    : emb != context.example_embeddings.end() && other_emb != context.example_embeddings.end()
                        ? cosine(emb->second, other_emb->second, center)
                        : 0.0;
                duplicate = image_similarity >= options.duplicate_similarity;
            }
            if (duplicate) continue;
            kept.push_back(index);
            kept_bags.push_back(std::move(bag));
        }
        if (!kept.empty()) out[type] = std::move(kept);
    }
    return out;
}

std::vector<std::vector<size_t>> spread_examples(const std::vector<size_t> & candidates, int count, int k) {
    // Walk the candidates round-robin: with n candidates and count x k slots, none is used more
    // than ceil(count x k / n) times, and one query never gets the same example twice.
    std::vector<std::vector<size_t>> out(size_t(std::max(0, count)));
    if (candidates.empty() || k <= 0) return out;
    const size_t per_query = std::min(size_t(k), candidates.size());
    size_t next = 0;
    for (auto & examples : out)
        for (size_t i = 0; i < per_query; ++i) examples.push_back(candidates[next++ % candidates.size()]);
    return out;
}

}  // namespace dataengine::abs
