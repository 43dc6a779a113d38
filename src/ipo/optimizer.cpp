// PromptOptimizer: review rounds, acceptance, rewrites and the stop rule; state in one JSON file
// written atomically after every verdict.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "dataengine/ipo.hpp"

namespace dataengine {

namespace {

// Wilson score interval, 95 %: sensible at small batches and at rates near 0 or 1.
std::pair<double, double> wilson(int accepted, int total) {
    if (total == 0) return {0, 1};
    const double z = 1.959964, n = total, p = double(accepted) / n;
    const double centre = (p + z * z / (2 * n)) / (1 + z * z / n);
    const double half   = z * std::sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n);
    return {std::max(0.0, centre - half), std::min(1.0, centre + half)};
}

}  // namespace

double Acceptance::low() const { return wilson(accepted, total).first; }
double Acceptance::high() const { return wilson(accepted, total).second; }

bool ReviewBatch::complete() const {
    return std::all_of(items.begin(), items.end(), [](const BatchItem & i) { return !i.sample || i.verdict; });
}

Acceptance ReviewBatch::acceptance() const {
    Acceptance a;
    for (const BatchItem & i : items) {
        if (i.sample && !i.verdict) continue;  // not decided yet
        ++a.total;
        a.accepted += i.sample && i.verdict->accepted;
    }
    return a;
}

const char * ipo_stop_name(IpoStop stop) {
    switch (stop) {
        case IpoStop::None: return "";
        case IpoStop::Target: return "target";
        case IpoStop::Rounds: return "rounds";
        case IpoStop::Patience: return "patience";
    }
    return "";
}

PromptOptimizer::PromptOptimizer(std::string path, PromptTemplate initial, IpoOptions options)
    : path_(std::move(path)), options_(options) {
    if (options_.batch_size < 1 || options_.max_rounds < 1 || options_.patience < 1 || options_.rewrite_attempts < 1 ||
        !(options_.target > 0 && options_.target <= 1))
        throw Error(Status::Invalid, "ipo: batch_size, max_rounds, patience and rewrite_attempts must be >= 1 and target in (0, 1]");
    if (!path_.empty() && file_exists(path_)) {
        load(read_file(path_));
        return;
    }
    PromptVersion first;
    first.prompt = std::move(initial);
    if (first.prompt.version.empty()) first.prompt.version = "v0";
    versions_.push_back(std::move(first));
}

const PromptVersion & PromptOptimizer::best() const {
    const PromptVersion * best = &versions_.front();
    for (const PromptVersion & v : versions_)
        if (v.acceptance.total > 0 && (best->acceptance.total == 0 || v.acceptance.rate() >= best->acceptance.rate())) best = &v;
    return *best;
}

void PromptOptimizer::new_batch(const IpoSources & sources, const ProgressCallback & progress) {
    if (!sources.pool || sources.pool->size() == 0 || !sources.examples || !sources.generator || sources.types.empty())
        throw Error(Status::Invalid, "ipo: a review batch needs types, a non-empty pool, an example set and a generator");
    const int round = int(batches_.size());
    Rng rng(options_.seed ^ (0x9e3779b97f4a7c15ULL * uint64_t(round + 1)));
    // Fresh images every round (those used before are skipped), of a kind each type can ask about.
    std::set<std::string> used;
    for (const ReviewBatch & b : batches_)
        for (const BatchItem & i : b.items) used.insert(i.query.image_id);
    std::map<std::string, std::vector<const Sample *>> examples_by_type;
    for (const Sample & s : sources.examples->samples()) examples_by_type[s.type].push_back(&s);
    GenerationPlan plan;
    plan.rule   = "ipo";
    plan.budget = options_.batch_size;
    plan.seed   = options_.seed + uint64_t(round);
    for (int k = 0; k < options_.batch_size; ++k) {
        PlannedQuery q;
        q.type = sources.types[size_t(k) % sources.types.size()];
        auto fits = [&](const PoolImage & image) { return !sources.image_fits || sources.image_fits(q.type, image); };
        for (int tries = 0; tries < 200 && q.image_id.empty(); ++tries) {
            const PoolImage & image = (*sources.pool)[rng.below(sources.pool->size())];
            if (!used.count(image.id) && fits(image)) q.image_id = image.id;
        }
        // A small pool runs out of fresh images: then any that fits, unused first.
        for (int pass = 0; pass < 2 && q.image_id.empty(); ++pass) {
            const size_t start = rng.below(sources.pool->size());
            for (size_t step = 0; step < sources.pool->size() && q.image_id.empty(); ++step) {
                const PoolImage & image = (*sources.pool)[(start + step) % sources.pool->size()];
                if ((pass == 1 || !used.count(image.id)) && fits(image)) q.image_id = image.id;
            }
        }
        if (q.image_id.empty()) throw Error(Status::Invalid, "ipo: no pool image can carry a '" + q.type + "' question");
        used.insert(q.image_id);
        auto & candidates = examples_by_type[q.type];
        for (int e = 0; e < 2 && !candidates.empty(); ++e) q.example_ids.push_back(candidates[rng.below(candidates.size())]->id);
        std::sort(q.example_ids.begin(), q.example_ids.end());
        q.example_ids.erase(std::unique(q.example_ids.begin(), q.example_ids.end()), q.example_ids.end());
        plan.queries.push_back(std::move(q));
    }
    GeneratorOptions g = sources.generator_options;
    g.id_prefix = "ipo" + std::to_string(round);
    g.seed      = options_.seed * 1000003 + uint64_t(round);
    const GenerationResult result =
        generate(plan, *sources.examples, *sources.pool, *sources.generator, current().prompt, g, {}, nullptr, progress);
    ReviewBatch batch;
    batch.round   = round;
    batch.version = current().prompt.version;
    for (const QueryOutcome & o : result.outcomes) {
        BatchItem item;
        item.query  = plan.queries[o.query];
        item.reply  = o.reply;
        item.detail = o.detail;
        if (o.rejection) item.auto_rejection = rejection_name(*o.rejection);
        if (o.accepted) item.sample = *result.samples.find(g.id_prefix + "-" + std::to_string(o.query));
        batch.items.push_back(std::move(item));
    }
    batches_.push_back(std::move(batch));
    save();
}

bool PromptOptimizer::review(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress) {
    ReviewBatch & batch = batches_.back();
    ProgressReporter reporter(progress, "review", int64_t(batch.items.size()));
    for (size_t i = 0; i < batch.items.size(); ++i) {
        BatchItem & item = batch.items[i];
        reporter.update(int64_t(i));
        if (!item.sample || item.verdict) continue;  // a validator decided, or reviewed before a restart
        ReviewItem shown;
        shown.index  = i;
        shown.total  = batch.items.size();
        shown.type   = item.query.type;
        shown.sample = *item.sample;
        if (sources.pool)
            if (const PoolImage * image = sources.pool->find(item.query.image_id)) {
                shown.description = image->description;
                if (image->image.kind == ImageKind::File) shown.image_path = resolve_image_path(sources.pool->image_root(), image->image.value);
            }
        std::optional<Verdict> verdict = reviewer.review(shown);
        if (!verdict) return false;  // the reviewer stopped; what was reviewed is saved
        if (!verdict->accepted && !verdict->category) verdict->category = ReviewCategory::Other;
        item.verdict = std::move(*verdict);
        save();
    }
    reporter.update(int64_t(batch.items.size()));
    return true;
}

void PromptOptimizer::rewrite(const IpoSources & sources, const ReviewBatch & batch) {
    if (!sources.rewriter) {
        refused_.push_back("round " + std::to_string(batch.round) + ": no rewriter");
        return;
    }
    std::vector<Feedback>    rejected;
    std::vector<std::string> accepted;
    std::map<std::string, int> counts;
    for (const BatchItem & item : batch.items) {
        if (!item.auto_rejection.empty()) {
            rejected.push_back({item.auto_rejection, item.reply.empty() ? "(no reply)" : item.reply.substr(0, 400), item.detail});
        } else if (item.verdict && !item.verdict->accepted) {
            rejected.push_back({review_category_name(item.verdict->category.value_or(ReviewCategory::Other)),
                                format_example(*item.sample), item.verdict->comment});
        } else if (item.sample) {
            accepted.push_back(format_example(*item.sample));
        }
    }
    for (const Feedback & f : rejected) ++counts[f.category];
    std::string summary;
    for (const auto & [category, n] : counts) summary += (summary.empty() ? "" : ", ") + category + " " + std::to_string(n);
    const std::string current_text = prompt_with_rules(current().prompt);
    GenerationRequest request;
    request.prompt         = rewrite_meta_prompt(current_text, rejected, accepted);
    request.type           = "prompt_rewrite";
    request.prompt_version = current().prompt.version;
    for (int attempt = 1; attempt <= options_.rewrite_attempts; ++attempt) {
        request.seed = options_.seed * 7919 + uint64_t(batch.round) * 101 + uint64_t(attempt);
        const std::string where = "round " + std::to_string(batch.round) + ", attempt " + std::to_string(attempt) + ": ";
        try {
            PromptTemplate next = prompt_from_rewrite(sources.rewriter->complete(request), options_.version_prefix + std::to_string(versions_.size()));
            if (trim(next.text) == trim(current_text)) throw Error(Status::Format, "the rewrite changed nothing");
            PromptVersion v;
            v.prompt   = std::move(next);
            v.parent   = current().prompt.version;
            v.feedback = summary.empty() ? "no rejections" : summary;
            versions_.push_back(std::move(v));
            return;
        } catch (const std::exception & e) {
            refused_.push_back(where + e.what());
        }
    }
}

IpoStop PromptOptimizer::check_stop() const {
    if (batches_.empty()) return IpoStop::None;
    const ReviewBatch & last = batches_.back();
    if (last.acceptance().rate() >= options_.target) return IpoStop::Target;
    if (int(batches_.size()) >= options_.max_rounds) return IpoStop::Rounds;
    // Rounds since a batch last beat every earlier one.
    double best = -1;
    int    best_round = 0;
    for (const ReviewBatch & b : batches_)
        if (b.acceptance().rate() > best) best = b.acceptance().rate(), best_round = b.round;
    if (int(batches_.size()) - 1 - best_round >= options_.patience) return IpoStop::Patience;
    return IpoStop::None;
}

bool PromptOptimizer::run_round(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress) {
    if (stopped_ != IpoStop::None) return true;
    if (batches_.empty() || batches_.back().closed) new_batch(sources, progress);
    if (!review(sources, reviewer, progress)) return false;
    ReviewBatch & batch = batches_.back();
    // The version's acceptance: over all its batches (a version re-reviewed after a failed rewrite).
    Acceptance total;
    for (const ReviewBatch & b : batches_)
        if (b.version == batch.version) {
            const Acceptance a = b.acceptance();
            total.accepted += a.accepted;
            total.total += a.total;
        }
    for (PromptVersion & v : versions_)
        if (v.prompt.version == batch.version) v.acceptance = total;
    stopped_ = check_stop();
    if (stopped_ == IpoStop::None) rewrite(sources, batch);
    batch.closed = true;
    save();
    return true;
}

IpoStop PromptOptimizer::run(const IpoSources & sources, Reviewer & reviewer, const ProgressCallback & progress) {
    while (stopped_ == IpoStop::None)
        if (!run_round(sources, reviewer, progress)) return IpoStop::None;
    return stopped_;
}

}  // namespace dataengine
