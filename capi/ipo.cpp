// C ABI: prompt optimisation (IPO).
#include <set>

#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace dataengine::capi {

std::unique_ptr<Reviewer> callback_reviewer(de_review_fn reviewer, void * user_data) {
    return function_reviewer([reviewer, user_data](const ReviewItem & item) -> std::optional<Verdict> {
        const std::string sample = sample_to_json(item.sample);
        const de_review_item shown{item.index, item.total, item.type.c_str(), sample.c_str(), item.description.c_str(),
                                   item.image_path.c_str()};
        de_verdict verdict;
        const int32_t rc = reviewer(&shown, &verdict, user_data);
        if (rc == 1) return std::nullopt;
        if (rc != 0) throw Error(Status::Io, "the host's reviewer callback returned " + std::to_string(rc));
        if (!verdict.set) throw Error(Status::Io, "the host's reviewer callback gave no verdict (de_verdict_set)");
        return verdict.verdict;
    }, "host");
}

}  // namespace dataengine::capi

extern "C" {

de_status de_verdict_set(de_verdict_t * verdict, int32_t accepted, int32_t category, const char * comment) {
    if (!verdict) return null_argument("de_verdict_set");
    const auto & categories = all_review_categories();
    if (!accepted && (category < 0 || category >= int32_t(categories.size())))
        return fail(DE_EINVALID, "de_verdict_set: category must be a DE_REVIEW_* value");
    return guard([&] {
        verdict->verdict.accepted = accepted != 0;
        verdict->verdict.category = accepted ? std::nullopt : std::optional<ReviewCategory>(categories[size_t(category)]);
        verdict->verdict.comment  = comment ? comment : "";
        verdict->set              = true;
    });
}

de_status de_ipo_options_init(de_ipo_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_ipo_options_init");
    if (status != DE_OK) return status;
    const IpoOptions d;
    if (DE_HAS_FIELD(options, batch_size)) options->batch_size = d.batch_size;
    if (DE_HAS_FIELD(options, target)) options->target = d.target;
    if (DE_HAS_FIELD(options, max_rounds)) options->max_rounds = d.max_rounds;
    if (DE_HAS_FIELD(options, patience)) options->patience = d.patience;
    if (DE_HAS_FIELD(options, rewrite_attempts)) options->rewrite_attempts = d.rewrite_attempts;
    if (DE_HAS_FIELD(options, miss_rate)) options->miss_rate = 0.05;
    return DE_OK;
}

de_status de_ipo_create(const de_ipo_options * options, const de_pool_t * pool, const de_dataset_t * examples,
                        const de_gen_options * generator, de_ipo_t ** out) {
    if (out) *out = nullptr;
    if (!options || !pool || !examples || !generator || !out) return null_argument("de_ipo_create");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_ipo_create: options.struct_size is wrong; call de_ipo_options_init");
    if (capi::bad_options_size(generator)) return fail(DE_EINVALID, "de_ipo_create: generator.struct_size is wrong; call de_gen_options_init");
    if (const std::string why = capi::check_backend_options(generator, "de_ipo_create"); !why.empty()) return fail(DE_EINVALID, why.c_str());
    return guard([&] {
        const de_ipo_options * o = options;
        IpoOptions io;
        if (DE_HAS_FIELD(o, batch_size)) io.batch_size = o->batch_size;
        if (DE_HAS_FIELD(o, target)) io.target = o->target;
        if (DE_HAS_FIELD(o, max_rounds)) io.max_rounds = o->max_rounds;
        if (DE_HAS_FIELD(o, patience)) io.patience = o->patience;
        if (DE_HAS_FIELD(o, rewrite_attempts)) io.rewrite_attempts = o->rewrite_attempts;
        if (DE_HAS_FIELD(o, seed)) io.seed = o->seed;
        PromptTemplate first = PromptTemplate::default_template();
        if (DE_HAS_FIELD(o, prompt_text) && o->prompt_text) first = prompt_from_rewrite(o->prompt_text, "v0");
        const std::string state = DE_HAS_FIELD(o, state_path) && o->state_path ? o->state_path : "";

        auto handle = std::make_unique<de_ipo>();
        const de_world_t * world = DE_HAS_FIELD(generator, world) ? generator->world : nullptr;
        std::shared_ptr<const World> shared_world;
        if (world) shared_world = std::shared_ptr<const World>(&world->impl, [](const World *) {});  // the host keeps it alive
        handle->examples  = examples->impl;
        handle->generator = capi::generator_backend(generator, shared_world);
        if (shared_world) {
            handle->reviewer = world_reviewer(shared_world, DE_HAS_FIELD(o, miss_rate) ? o->miss_rate : 0.05, io.seed);
            handle->rewriter = world_rewriter(io.seed);
        }
        IpoSources & s = handle->sources;
        if (DE_HAS_FIELD(o, types) && o->types) {
            for (const std::string & t : split(o->types, ','))
                if (!trim(t).empty()) s.types.push_back(trim(t));
        } else {
            s.types = examples->impl->types();
        }
        if (s.types.empty()) throw Error(Status::Invalid, "de_ipo_create: no question types (set options.types or give typed examples)");
        s.pool              = &pool->impl;
        s.examples          = handle->examples.get();
        s.generator         = handle->generator.get();
        s.rewriter          = handle->rewriter.get();
        s.generator_options = capi::generator_options(generator);
        if (shared_world)
            s.image_fits = world_question_filter(shared_world);
        handle->impl = std::make_unique<PromptOptimizer>(state, first, io);
        *out = handle.release();
    });
}

void de_ipo_free(de_ipo_t * ipo) { delete ipo; }

de_status de_ipo_set_reviewer(de_ipo_t * ipo, de_review_fn reviewer, void * user_data) {
    if (!ipo || !reviewer) return null_argument("de_ipo_set_reviewer");
    return guard([&] { ipo->reviewer = capi::callback_reviewer(reviewer, user_data); });
}

de_status de_ipo_set_rewriter(de_ipo_t * ipo, de_llm_fn rewriter, void * user_data) {
    if (!ipo || !rewriter) return null_argument("de_ipo_set_rewriter");
    return guard([&] {
        ipo->rewriter         = capi::callback_backend(rewriter, user_data);
        ipo->sources.rewriter = ipo->rewriter.get();
    });
}

de_status de_ipo_run_round(de_ipo_t * ipo, de_progress_fn progress, void * user_data, int32_t * out_complete) {
    if (out_complete) *out_complete = 0;
    if (!ipo) return null_argument("de_ipo_run_round");
    if (!ipo->reviewer) return fail(DE_EINVALID, "de_ipo_run_round: no reviewer (de_ipo_set_reviewer, or a world generator)");
    return guard([&] {
        const bool complete = ipo->impl->run_round(ipo->sources, *ipo->reviewer, capi::wrap_progress(progress, user_data));
        if (out_complete) *out_complete = complete ? 1 : 0;
    });
}

de_status de_ipo_run(de_ipo_t * ipo, de_progress_fn progress, void * user_data, int32_t * out_stop) {
    if (out_stop) *out_stop = DE_IPO_STOP_NONE;
    if (!ipo) return null_argument("de_ipo_run");
    if (!ipo->reviewer) return fail(DE_EINVALID, "de_ipo_run: no reviewer (de_ipo_set_reviewer, or a world generator)");
    return guard([&] {
        const IpoStop stop = ipo->impl->run(ipo->sources, *ipo->reviewer, capi::wrap_progress(progress, user_data));
        if (out_stop) *out_stop = int32_t(stop);  // IpoStop follows DE_IPO_STOP_* order
    });
}

de_status de_ipo_version_count(const de_ipo_t * ipo, size_t * out) {
    if (!ipo || !out) return null_argument("de_ipo_version_count");
    *out = ipo->impl->versions().size();
    return DE_OK;
}

de_status de_ipo_get_version(const de_ipo_t * ipo, size_t i, de_ipo_version * out) {
    if (!ipo || !out) return null_argument("de_ipo_get_version");
    const auto & versions = ipo->impl->versions();
    if (i >= versions.size()) return fail(DE_ERANGE, "de_ipo_get_version: index past the versions");
    const PromptVersion & v = versions[i];
    *out = {v.prompt.version.c_str(), v.parent.c_str(), v.prompt.text.c_str(), v.acceptance.rate(), v.acceptance.accepted,
            v.acceptance.total};
    return DE_OK;
}

de_status de_ipo_best(const de_ipo_t * ipo, size_t * out_index) {
    if (!ipo || !out_index) return null_argument("de_ipo_best");
    const PromptVersion * best = &ipo->impl->best();
    *out_index = size_t(best - ipo->impl->versions().data());
    return DE_OK;
}

de_status de_ipo_batch_count(const de_ipo_t * ipo, size_t * out) {
    if (!ipo || !out) return null_argument("de_ipo_batch_count");
    *out = ipo->impl->batches().size();
    return DE_OK;
}

de_status de_ipo_batch_acceptance(const de_ipo_t * ipo, size_t i, int32_t * out_accepted, int32_t * out_total, double * out_low,
                                  double * out_high) {
    if (!ipo) return null_argument("de_ipo_batch_acceptance");
    const auto & batches = ipo->impl->batches();
    if (i >= batches.size()) return fail(DE_ERANGE, "de_ipo_batch_acceptance: index past the batches");
    const Acceptance a = batches[i].acceptance();
    if (out_accepted) *out_accepted = a.accepted;
    if (out_total) *out_total = a.total;
    if (out_low) *out_low = a.low();
    if (out_high) *out_high = a.high();
    return DE_OK;
}

de_status de_ipo_json(const de_ipo_t * ipo, char ** out) {
    if (out) *out = nullptr;
    if (!ipo || !out) return null_argument("de_ipo_json");
    return guard([&] { *out = capi::owned_string(ipo->impl->to_json()); });
}

de_status de_ipo_report_markdown(const de_ipo_t * ipo, char ** out) {
    if (out) *out = nullptr;
    if (!ipo || !out) return null_argument("de_ipo_report_markdown");
    return guard([&] { *out = capi::owned_string(ipo->impl->report_markdown()); });
}

}  // extern "C"
