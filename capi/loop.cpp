// C ABI: the closed loop.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

extern "C" {

de_status de_loop_options_init(de_loop_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_loop_options_init");
    if (status != DE_OK) return status;
    const LoopOptions d;
    if (DE_HAS_FIELD(options, rounds)) options->rounds = d.rounds;
    if (DE_HAS_FIELD(options, budget)) options->budget = d.budget;
    if (DE_HAS_FIELD(options, seed_steps)) options->seed_steps = d.seed_steps;
    if (DE_HAS_FIELD(options, round_steps)) options->round_steps = d.round_steps;
    if (DE_HAS_FIELD(options, mistake_rate)) options->mistake_rate = d.mistake_rate;
    if (DE_HAS_FIELD(options, world_scale_percent)) options->world_scale_percent = d.world_scale_percent;
    if (DE_HAS_FIELD(options, ipo)) options->ipo = d.ipo ? 1 : 0;
    if (DE_HAS_FIELD(options, ipo_batch)) options->ipo_batch = d.ipo_batch;
    if (DE_HAS_FIELD(options, ipo_rounds)) options->ipo_rounds = d.ipo_rounds;
    return DE_OK;
}

de_status de_loop_create(const de_loop_options * options, de_loop_t ** out) {
    if (out) *out = nullptr;
    if (!out) return null_argument("de_loop_create");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_loop_create: options.struct_size is wrong; call de_loop_options_init");
    return guard([&] {
        const de_loop_options * o = options;
        LoopOptions l;
        if (DE_HAS_FIELD(o, state_dir) && o->state_dir) l.state_dir = o->state_dir;
        if (DE_HAS_FIELD(o, world_dir) && o->world_dir) l.world_dir = o->world_dir;
        if (DE_HAS_FIELD(o, world_seed)) l.world_seed = o->world_seed;
        if (DE_HAS_FIELD(o, strategy) && o->strategy) l.strategy = o->strategy;
        if (DE_HAS_FIELD(o, rounds)) l.rounds = o->rounds;
        if (DE_HAS_FIELD(o, budget)) l.budget = o->budget;
        if (DE_HAS_FIELD(o, seed_steps)) l.seed_steps = o->seed_steps;
        if (DE_HAS_FIELD(o, round_steps)) l.round_steps = o->round_steps;
        if (DE_HAS_FIELD(o, seed)) l.seed = o->seed;
        if (DE_HAS_FIELD(o, threads)) l.threads = o->threads;
        if (DE_HAS_FIELD(o, mistake_rate)) l.mistake_rate = o->mistake_rate;
        if (DE_HAS_FIELD(o, stage1_steps)) l.stage1_steps = o->stage1_steps;
        if (DE_HAS_FIELD(o, model_dim)) l.model_dim = o->model_dim;
        if (DE_HAS_FIELD(o, world_scale_percent)) l.world_scale_percent = o->world_scale_percent;
        if (DE_HAS_FIELD(o, ipo)) l.ipo = o->ipo != 0;
        if (DE_HAS_FIELD(o, ipo_batch)) l.ipo_batch = o->ipo_batch;
        if (DE_HAS_FIELD(o, ipo_rounds)) l.ipo_rounds = o->ipo_rounds;
        if (DE_HAS_FIELD(o, verify_answers)) l.verify_answers = o->verify_answers != 0;
        if (DE_HAS_FIELD(o, seed_curve_gains)) l.seed_curve_gains = o->seed_curve_gains != 0;
        *out = new de_loop{std::make_unique<Loop>(l)};
    });
}

void de_loop_free(de_loop_t * loop) { delete loop; }

de_status de_loop_set_llm(de_loop_t * loop, de_llm_fn llm, void * user_data) {
    if (!loop || !llm) return null_argument("de_loop_set_llm");
    return guard([&] { loop->impl->set_backend(std::shared_ptr<LlmBackend>(capi::callback_backend(llm, user_data))); });
}

de_status de_loop_set_reviewer(de_loop_t * loop, de_review_fn reviewer, void * user_data) {
    if (!loop || !reviewer) return null_argument("de_loop_set_reviewer");
    return guard([&] { loop->impl->set_reviewer(std::shared_ptr<Reviewer>(capi::callback_reviewer(reviewer, user_data))); });
}

de_status de_loop_set_rewriter(de_loop_t * loop, de_llm_fn rewriter, void * user_data) {
    if (!loop || !rewriter) return null_argument("de_loop_set_rewriter");
    return guard([&] { loop->impl->set_rewriter(std::shared_ptr<LlmBackend>(capi::callback_backend(rewriter, user_data))); });
}

de_status de_loop_position(const de_loop_t * loop, int32_t * out_round, int32_t * out_phase) {
    if (!loop || !out_round || !out_phase) return null_argument("de_loop_position");
    return guard([&] {
        *out_round = loop->impl->round();
        *out_phase = int32_t(loop->impl->phase());  // LoopPhase follows DE_PHASE_* order
    });
}

de_status de_loop_step_phase(de_loop_t * loop, de_progress_fn progress, void * user_data, int32_t * out_ran) {
    if (out_ran) *out_ran = 0;
    if (!loop) return null_argument("de_loop_step_phase");
    return guard([&] {
        const bool ran = loop->impl->step_phase(capi::wrap_progress(progress, user_data));
        if (out_ran) *out_ran = ran ? 1 : 0;
    });
}

de_status de_loop_step_round(de_loop_t * loop, de_progress_fn progress, void * user_data) {
    if (!loop) return null_argument("de_loop_step_round");
    return guard([&] { loop->impl->step_round(capi::wrap_progress(progress, user_data)); });
}

de_status de_loop_run(de_loop_t * loop, de_progress_fn progress, void * user_data) {
    if (!loop) return null_argument("de_loop_run");
    return guard([&] { loop->impl->run(capi::wrap_progress(progress, user_data)); });
}

de_status de_loop_report(const de_loop_t * loop, int32_t round, int32_t which, de_report_t ** out) {
    if (out) *out = nullptr;
    if (!loop || !out) return null_argument("de_loop_report");
    if (which != 0 && which != 1) return fail(DE_EINVALID, "de_loop_report: which must be 0 (dev) or 1 (test)");
    return guard([&] {
        for (const RoundRecord & r : loop->impl->records())
            if (r.round == round && r.evaluated) {
                *out = new de_report{which == 0 ? r.dev : r.test};
                return;
            }
        throw Error(Status::NotFound, "de_loop_report: round " + std::to_string(round) + " has not been evaluated");
    });
}

de_status de_loop_summary_json(const de_loop_t * loop, char ** out) {
    if (out) *out = nullptr;
    if (!loop || !out) return null_argument("de_loop_summary_json");
    return guard([&] { *out = capi::owned_string(loop->impl->summary_json()); });
}

de_status de_loop_write_reports(const de_loop_t * loop) {
    if (!loop) return null_argument("de_loop_write_reports");
    return guard([&] { loop->impl->write_reports(); });
}

}  // extern "C"
