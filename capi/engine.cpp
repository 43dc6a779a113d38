// C ABI: image pools, ABS plans and generation.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace dataengine::capi {

std::unique_ptr<LlmBackend> callback_backend(de_llm_fn llm, void * user_data) {
    return function_backend([llm, user_data](const GenerationRequest & request) {
        de_llm_reply reply;
        const int32_t rc = llm(request.to_json().c_str(), &reply, user_data);
        if (rc != 0) throw Error(Status::Io, "the host's LLM callback returned " + std::to_string(rc));
        if (!reply.set) throw Error(Status::Io, "the host's LLM callback set no reply (de_llm_reply_set)");
        return reply.text;
    });
}

std::string check_backend_options(const de_gen_options * o, const char * function) {
    const int32_t backend = DE_HAS_FIELD(o, backend) ? o->backend : DE_BACKEND_WORLD;
    const std::string f = function;
    if (backend < DE_BACKEND_CALLBACK || backend > DE_BACKEND_WORLD) return f + ": backend must be a DE_BACKEND_* value";
    if (backend == DE_BACKEND_CALLBACK && !(DE_HAS_FIELD(o, llm) && o->llm)) return f + ": the callback backend needs llm";
    if (backend == DE_BACKEND_COMMAND && !(DE_HAS_FIELD(o, command) && o->command)) return f + ": the command backend needs command";
    if (backend == DE_BACKEND_WORLD && !(DE_HAS_FIELD(o, world) && o->world)) return f + ": the world backend needs world";
    return "";
}

std::unique_ptr<LlmBackend> generator_backend(const de_gen_options * o, const std::shared_ptr<const World> & world) {
    const int32_t backend = DE_HAS_FIELD(o, backend) ? o->backend : DE_BACKEND_WORLD;
    if (backend == DE_BACKEND_CALLBACK) return callback_backend(o->llm, DE_HAS_FIELD(o, llm_user_data) ? o->llm_user_data : nullptr);
    if (backend == DE_BACKEND_COMMAND)
        return command_backend({split_command_line(o->command), DE_HAS_FIELD(o, timeout_seconds) ? o->timeout_seconds : 60});
    return world_backend(world, {DE_HAS_FIELD(o, mistake_rate) ? o->mistake_rate : WorldBackendOptions{}.mistake_rate, true});
}

GeneratorOptions generator_options(const de_gen_options * o) {
    GeneratorOptions g;
    if (DE_HAS_FIELD(o, concurrency)) g.concurrency = o->concurrency;
    if (DE_HAS_FIELD(o, retries)) g.retries = o->retries;
    if (DE_HAS_FIELD(o, backoff_seconds)) g.backoff_seconds = o->backoff_seconds;
    if (DE_HAS_FIELD(o, require_rationale)) g.require_rationale = o->require_rationale != 0;
    if (DE_HAS_FIELD(o, round)) g.round = o->round;
    if (DE_HAS_FIELD(o, seed)) g.seed = o->seed;
    if (DE_HAS_FIELD(o, id_prefix) && o->id_prefix) g.id_prefix = o->id_prefix;
    return g;
}

}  // namespace dataengine::capi

using capi::callback_backend;

extern "C" {

de_status de_pool_create(const char * image_root, de_pool_t ** out) {
    if (out) *out = nullptr;
    if (!image_root || !out) return null_argument("de_pool_create");
    return guard([&] { *out = new de_pool{ImagePool(image_root)}; });
}

de_status de_world_pool(const de_world_t * world, const char * world_dir, de_pool_t ** out) {
    if (out) *out = nullptr;
    if (!world || !world_dir || !out) return null_argument("de_world_pool");
    return guard([&] {
        auto handle = std::make_unique<de_pool>(de_pool{ImagePool(world_dir)});
        const ImagePool made = world->impl.pool();
        for (const PoolImage & p : made.images()) handle->impl.add(p);
        *out = handle.release();
    });
}

void de_pool_free(de_pool_t * pool) { delete pool; }

de_status de_pool_add(de_pool_t * pool, const char * id, const char * image_path, const char * description,
                      const float * embedding, size_t dim) {
    if (!pool || !id || !image_path || !description || (!embedding && dim > 0)) return null_argument("de_pool_add");
    return guard([&] {
        PoolImage p;
        p.id          = id;
        p.image       = ImageRef::file(image_path);
        p.description = description;
        if (embedding) p.embedding.assign(embedding, embedding + dim);
        pool->impl.add(std::move(p));
    });
}

de_status de_pool_count(const de_pool_t * pool, size_t * out) {
    if (!pool || !out) return null_argument("de_pool_count");
    *out = pool->impl.size();
    return DE_OK;
}

de_status de_pool_image(const de_pool_t * pool, size_t index, const char ** out_id, const char ** out_image_path,
                        const char ** out_description) {
    for (const char ** o : {out_id, out_image_path, out_description})
        if (o) *o = nullptr;
    if (!pool || !out_id || !out_image_path || !out_description) return null_argument("de_pool_image");
    if (index >= pool->impl.size()) return fail(DE_ERANGE, "de_pool_image: index past the pool");
    const PoolImage & p = pool->impl[index];
    *out_id          = p.id.c_str();
    *out_image_path  = p.image.value.c_str();
    *out_description = p.description.c_str();
    return DE_OK;
}

de_status de_pool_set_embedding(de_pool_t * pool, size_t index, const float * embedding, size_t dim) {
    if (!pool || (!embedding && dim > 0)) return null_argument("de_pool_set_embedding");
    if (index >= pool->impl.size()) return fail(DE_ERANGE, "de_pool_set_embedding: index past the pool");
    return guard([&] { pool->impl.set_embedding(index, std::vector<float>(embedding, embedding + dim)); });
}

de_status de_pool_embed(de_pool_t * pool, de_model_t * model, de_progress_fn progress, void * user_data) {
    if (!pool || !model) return null_argument("de_pool_embed");
    return guard([&] {
        ImagePool embedded = pool->impl;  // a failure (or a stop) leaves the pool as it was
        embed_pool(*model->impl, embedded, capi::wrap_progress(progress, user_data));
        pool->impl = std::move(embedded);
    });
}

de_status de_abs_options_init(de_abs_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_abs_options_init");
    if (status != DE_OK) return status;
    const AbsOptions d;
    if (DE_HAS_FIELD(options, budget)) options->budget = d.budget;
    if (DE_HAS_FIELD(options, examples_per_query)) options->examples_per_query = d.examples_per_query;
    if (DE_HAS_FIELD(options, duplicate_similarity)) options->duplicate_similarity = d.duplicate_similarity;
    if (DE_HAS_FIELD(options, top_k)) options->top_k = d.top_k;
    if (DE_HAS_FIELD(options, explore_every)) options->explore_every = d.explore_every;
    // The rule's settings depend on the preset, chosen later: -1 keeps the preset's.
    if (DE_HAS_FIELD(options, gamma)) options->gamma = -1;
    if (DE_HAS_FIELD(options, weight_floor)) options->weight_floor = -1;
    if (DE_HAS_FIELD(options, temperature)) options->temperature = -1;
    if (DE_HAS_FIELD(options, min_bad_cases)) options->min_bad_cases = -1;
    if (DE_HAS_FIELD(options, prior_gain)) options->prior_gain = -1;
    if (DE_HAS_FIELD(options, gain_floor)) options->gain_floor = -1;
    if (DE_HAS_FIELD(options, gain_memory)) options->gain_memory = -1;
    if (DE_HAS_FIELD(options, shrink_gains)) options->shrink_gains = -1;
    return DE_OK;
}

de_status de_abs_plan(const de_report_t * report, const de_dataset_t * benchmark, const de_pool_t * pool,
                      const de_abs_options * options, de_plan_t ** out) {
    if (out) *out = nullptr;
    if (!report || !benchmark || !pool || !out) return null_argument("de_abs_plan");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_abs_plan: options.struct_size is wrong; call de_abs_options_init");
    return guard([&] {
        const de_abs_options * o = options;
        AbsOptions a = AbsOptions::preset(DE_HAS_FIELD(o, preset) && o->preset ? o->preset : "gain");
        if (DE_HAS_FIELD(o, budget)) a.budget = o->budget;
        if (DE_HAS_FIELD(o, seed)) a.seed = o->seed;
        if (DE_HAS_FIELD(o, examples_per_query)) a.examples_per_query = o->examples_per_query;
        if (DE_HAS_FIELD(o, duplicate_similarity)) a.duplicate_similarity = o->duplicate_similarity;
        if (DE_HAS_FIELD(o, top_k)) a.top_k = o->top_k;
        if (DE_HAS_FIELD(o, explore_every)) a.explore_every = o->explore_every;
        if (DE_HAS_FIELD(o, max_objects)) a.max_objects = o->max_objects;
        auto rule_setting = [](double given, double & field) {
            if (given >= 0) field = given;
        };
        if (DE_HAS_FIELD(o, gamma)) rule_setting(o->gamma, a.gamma);
        if (DE_HAS_FIELD(o, weight_floor)) rule_setting(o->weight_floor, a.floor);
        if (DE_HAS_FIELD(o, temperature)) rule_setting(o->temperature, a.temperature);
        if (DE_HAS_FIELD(o, min_bad_cases) && o->min_bad_cases >= 0) a.min_bad_cases = o->min_bad_cases;
        if (DE_HAS_FIELD(o, prior_gain)) rule_setting(o->prior_gain, a.prior_gain);
        if (DE_HAS_FIELD(o, gain_floor)) rule_setting(o->gain_floor, a.gain_floor);
        if (DE_HAS_FIELD(o, gain_memory)) rule_setting(o->gain_memory, a.gain_memory);
        if (DE_HAS_FIELD(o, shrink_gains) && o->shrink_gains >= 0) a.shrink_gains = o->shrink_gains != 0;
        PlanContext context;
        if (DE_HAS_FIELD(o, gains_json) && o->gains_json) context.gains = gains_from_json(o->gains_json, "de_abs_options.gains_json");
        if (DE_HAS_FIELD(o, embedding_dim) && o->example_count > 0) {
            if (!o->example_ids || !o->example_embeddings || o->embedding_dim == 0)
                throw Error(Status::Invalid, "de_abs_plan: example_count > 0 needs example_ids, example_embeddings and embedding_dim");
            for (size_t i = 0; i < o->example_count; ++i) {
                if (!o->example_ids[i]) throw Error(Status::Invalid, "de_abs_plan: example_ids[" + std::to_string(i) + "] is NULL");
                const float * e = o->example_embeddings + i * o->embedding_dim;
                context.example_embeddings[o->example_ids[i]] = std::vector<float>(e, e + o->embedding_dim);
            }
        }
        if (DE_HAS_FIELD(o, used_count) && o->used_count > 0) {
            if (!o->used_images) throw Error(Status::Invalid, "de_abs_plan: used_count > 0 needs used_images");
            for (size_t i = 0; i < o->used_count; ++i)
                if (o->used_images[i]) context.used_images.emplace_back(o->used_images[i]);
        }
        *out = new de_plan{AbsSampler(a).plan(report->impl, *benchmark->impl, pool->impl, context)};
    });
}

void de_plan_free(de_plan_t * plan) { delete plan; }

de_status de_plan_json(const de_plan_t * plan, char ** out) {
    if (out) *out = nullptr;
    if (!plan || !out) return null_argument("de_plan_json");
    return guard([&] { *out = capi::owned_string(to_json(plan->impl)); });
}

de_status de_plan_from_json(const char * json, de_plan_t ** out) {
    if (out) *out = nullptr;
    if (!json || !out) return null_argument("de_plan_from_json");
    return guard([&] { *out = new de_plan{plan_from_json(json)}; });
}

de_status de_plan_query_count(const de_plan_t * plan, size_t * out) {
    if (!plan || !out) return null_argument("de_plan_query_count");
    *out = plan->impl.queries.size();
    return DE_OK;
}

de_status de_plan_get_query(const de_plan_t * plan, size_t i, de_plan_query * out) {
    if (!plan || !out) return null_argument("de_plan_get_query");
    if (i >= plan->impl.queries.size()) return fail(DE_ERANGE, "de_plan_get_query: index past the plan");
    const PlannedQuery & q = plan->impl.queries[i];
    out->type          = q.type.c_str();
    out->image_id      = q.image_id.c_str();
    out->example_count = q.example_ids.size();
    out->reason        = q.reason == QueryReason::Similar ? DE_REASON_SIMILAR : DE_REASON_EXPLORE;
    out->similarity    = q.similarity;
    return DE_OK;
}

de_status de_plan_query_example(const de_plan_t * plan, size_t i, size_t k, const char ** out) {
    if (out) *out = nullptr;
    if (!plan || !out) return null_argument("de_plan_query_example");
    if (i >= plan->impl.queries.size() || k >= plan->impl.queries[i].example_ids.size())
        return fail(DE_ERANGE, "de_plan_query_example: index past the plan or the query's examples");
    *out = plan->impl.queries[i].example_ids[k].c_str();
    return DE_OK;
}

de_status de_plan_type_count(const de_plan_t * plan, const char * type, int32_t * out) {
    if (!plan || !type || !out) return null_argument("de_plan_type_count");
    *out = plan->impl.count(type);
    return DE_OK;
}

de_status de_llm_reply_set(de_llm_reply_t * reply, const char * text) {
    if (!reply || !text) return null_argument("de_llm_reply_set");
    return guard([&] {
        reply->text = text;
        reply->set  = true;
    });
}

de_status de_gen_options_init(de_gen_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_gen_options_init");
    if (status != DE_OK) return status;
    const GeneratorOptions g;
    if (DE_HAS_FIELD(options, backend)) options->backend = DE_BACKEND_WORLD;
    if (DE_HAS_FIELD(options, timeout_seconds)) options->timeout_seconds = 60;
    if (DE_HAS_FIELD(options, mistake_rate)) options->mistake_rate = WorldBackendOptions{}.mistake_rate;
    if (DE_HAS_FIELD(options, concurrency)) options->concurrency = g.concurrency;
    if (DE_HAS_FIELD(options, retries)) options->retries = g.retries;
    if (DE_HAS_FIELD(options, backoff_seconds)) options->backoff_seconds = g.backoff_seconds;
    if (DE_HAS_FIELD(options, round)) options->round = g.round;
    return DE_OK;
}

de_status de_generate(const de_plan_t * plan, const de_dataset_t * benchmark, const de_pool_t * pool, const de_dataset_t * existing,
                      const de_gen_options * options, de_progress_fn progress, void * user_data, de_generation_t ** out) {
    if (out) *out = nullptr;
    if (!plan || !benchmark || !pool || !options || !out) return null_argument("de_generate");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_generate: options.struct_size is wrong; call de_gen_options_init");
    const de_gen_options * o = options;
    const de_world_t * world = DE_HAS_FIELD(o, world) ? o->world : nullptr;
    if (const std::string why = capi::check_backend_options(o, "de_generate"); !why.empty()) return fail(DE_EINVALID, why.c_str());
    return guard([&] {
        std::shared_ptr<const World> shared_world;
        if (world) shared_world = std::shared_ptr<const World>(&world->impl, [](const World *) {});  // borrowed for the call
        const std::unique_ptr<LlmBackend> llm = capi::generator_backend(o, shared_world);
        const GeneratorOptions g = capi::generator_options(o);
        const AnswerChecker checker = shared_world ? world_checker(shared_world) : AnswerChecker{};
        *out = new de_generation{generate(plan->impl, *benchmark->impl, pool->impl, *llm, PromptTemplate::default_template(), g,
                                          checker, existing ? existing->impl.get() : nullptr, capi::wrap_progress(progress, user_data))};
    });
}

void de_generation_free(de_generation_t * generation) { delete generation; }

de_status de_generation_samples(const de_generation_t * generation, de_dataset_t ** out) {
    if (out) *out = nullptr;
    if (!generation || !out) return null_argument("de_generation_samples");
    return guard([&] {
        auto handle  = std::make_unique<de_dataset>();
        handle->impl = std::make_shared<const Dataset>(generation->impl.samples);
        *out = handle.release();
    });
}

de_status de_generation_rejections_json(const de_generation_t * generation, char ** out) {
    if (out) *out = nullptr;
    if (!generation || !out) return null_argument("de_generation_rejections_json");
    return guard([&] {
        JsonWriter w;
        w.begin_object().key("rejected_by_reason").raw(rejections_to_json(generation->impl.rejected_by_reason)).key("accepted_by_type").begin_object();
        for (const auto & [type, n] : generation->impl.accepted_by_type) w.key(type).value(n);
        w.end_object().end_object();
        *out = capi::owned_string(w.take());
    });
}

}  // extern "C"
