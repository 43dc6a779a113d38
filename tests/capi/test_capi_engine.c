/* A host in C plans data with ABS and generates it (offline world, and its own LLM callback),
 * through dataengine.h alone. No LibTorch kernels run: it also runs under the sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dataengine.h"

static int llm_calls = 0;

/* A stand-in LLM: one fixed question, or a failure for every 5th call. */
static int32_t fake_llm(const char * request_json, de_llm_reply_t * reply, void * user_data) {
    int * calls = (int *)user_data;
    ++*calls;
    if (strstr(request_json, "\"prompt\":") == NULL) return 7;
    if (*calls % 5 == 0) return 1;
    return de_llm_reply_set(reply,
                            "Question: What kind of background does the image have?\n"
                            "Choices: (A) plain dark (B) plain light (C) striped (D) checkered\n"
                            "Answer: The answer is (A): the background is dark.") == DE_OK ? 0 : 2;
}

int main(void) {
    de_world_options wo;
    de_world_t *     world = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    wo.seed        = 3;
    wo.per_type    = 8;
    wo.pool_images = 120;
    wo.caption_images = 1;
    CHECK(de_world_create(&wo, &world) == DE_OK);

    de_dataset_t * dev = NULL;
    CHECK(de_world_questions(world, DE_SPLIT_DEV, &dev) == DE_OK);
    size_t n = 0;
    CHECK(de_dataset_count(dev, &n) == DE_OK && n == 9 * 8 * 4);

    /* A model that always says A: every type has bad cases. */
    de_evaluator_options eo;
    de_evaluator_t *     evaluator = NULL;
    de_report_t *        report    = NULL;
    CHECK(de_evaluator_options_init(&eo, sizeof eo) == DE_OK);
    eo.circular = 1;
    CHECK(de_evaluator_create(dev, &eo, &evaluator) == DE_OK);
    for (size_t i = 0; i < n; ++i) {
        de_sample_info info;
        info.struct_size = sizeof info;
        CHECK(de_dataset_sample(dev, i, &info) == DE_OK);
        CHECK(de_evaluator_add_letter(evaluator, info.id, 'A') == DE_OK);
    }
    CHECK(de_evaluator_finish(evaluator, &report) == DE_OK);

    de_pool_t * pool = NULL;
    CHECK(de_world_pool(world, "/nonexistent-world-dir", &pool) == DE_OK);
    size_t pool_size = 0;
    CHECK(de_pool_count(pool, &pool_size) == DE_OK && pool_size == 120);
    const char *id, *path, *description;
    CHECK(de_pool_image(pool, 0, &id, &path, &description) == DE_OK);
    CHECK(strcmp(id, "pool-000000") == 0 && strstr(description, ": [") != NULL);

    /* ABS without embeddings: every query explores. */
    de_abs_options ao;
    de_plan_t *    plan = NULL;
    CHECK(de_abs_options_init(&ao, sizeof ao) == DE_OK);
    CHECK(ao.budget == 1000 && ao.top_k == 1000 && ao.explore_every == 2);
    ao.preset = "v2";
    ao.budget = 40;
    ao.seed   = 1;
    CHECK(de_abs_plan(report, dev, pool, &ao, &plan) == DE_OK);
    size_t queries = 0;
    CHECK(de_plan_query_count(plan, &queries) == DE_OK && queries == 40);
    int32_t total = 0;
    for (size_t t = 0; t < 9; ++t) {
        const char *name, *definition;
        int32_t     count = 0;
        CHECK(de_world_type(t, &name, &definition) == DE_OK);
        CHECK(de_plan_type_count(plan, name, &count) == DE_OK);
        total += count;
    }
    CHECK(total == 40);
    de_plan_query q;
    CHECK(de_plan_get_query(plan, 3, &q) == DE_OK);
    CHECK(q.reason == DE_REASON_EXPLORE && q.example_count == 2);
    const char * example = NULL;
    CHECK(de_plan_query_example(plan, 3, 1, &example) == DE_OK && example != NULL);
    size_t where = 0;
    CHECK(de_dataset_find(dev, example, &where) == DE_OK);
    CHECK(de_plan_query_example(plan, 3, 2, &example) == DE_ERANGE);
    char * json = NULL;
    de_plan_t * back = NULL;
    CHECK(de_plan_json(plan, &json) == DE_OK);
    CHECK(de_plan_from_json(json, &back) == DE_OK);
    size_t back_queries = 0;
    CHECK(de_plan_query_count(back, &back_queries) == DE_OK && back_queries == 40);
    de_string_free(json);
    de_plan_free(back);

    /* The rule's settings: -1 keeps the preset's. A weight floor above every e^gamma (errors are
     * at most 1) gives every type the same error part; scene measured flat then keeps only
     * gain_floor (preset 0.1) x the optimistic gain of the untried types, and with gain_floor 1
     * it is one of them again: the budget splits evenly. An out-of-range gain memory is refused. */
    CHECK(ao.gamma == -1 && ao.weight_floor == -1 && ao.min_bad_cases == -1 && ao.gain_floor == -1 && ao.gain_memory == -1);
    ao.preset       = "gain";
    ao.weight_floor = 2;
    ao.gains_json   = "[{\"type\": \"scene\", \"added\": 100, \"accuracy_gain\": 0.0}]";
    for (int even = 0; even < 2; ++even) {
        de_plan_t * split = NULL;
        ao.gain_floor = even ? 1.0 : -1;
        CHECK(de_abs_plan(report, dev, pool, &ao, &split) == DE_OK);
        int32_t fewest = 1000, most = 0, scene = 0;
        for (size_t t = 0; t < 9; ++t) {
            const char *name, *definition;
            int32_t     count = 0;
            CHECK(de_world_type(t, &name, &definition) == DE_OK);
            CHECK(de_plan_type_count(split, name, &count) == DE_OK);
            if (strcmp(name, "scene") == 0) scene = count;
            else {
                fewest = count < fewest ? count : fewest;
                most   = count > most ? count : most;
            }
        }
        if (even) CHECK(scene >= 4 && scene <= 5 && fewest == 4 && most == 5); /* 40 over 9 types */
        else CHECK(scene <= 1 && fewest >= 4 && most == 5);                     /* 2 x 0.1 against 8 x 2 */
        de_plan_free(split);
    }
    /* Measured with a standard error, scene's flat 100 samples and identity's 4 points are
     * within each other's noise (5 points): both are pulled to their pooled gain, which is also
     * the optimistic gain of the untried types, so the budget splits evenly again; with
     * shrink_gains 0 scene keeps only the floor. */
    ao.gains_json = "[{\"type\": \"scene\", \"added\": 100, \"accuracy_gain\": 0.0, \"standard_error\": 0.05},"
                    " {\"type\": \"identity\", \"added\": 100, \"accuracy_gain\": 0.04, \"standard_error\": 0.05}]";
    CHECK(ao.shrink_gains == -1);
    ao.gain_floor = -1;
    for (int shrink = 0; shrink < 2; ++shrink) {
        de_plan_t * noisy = NULL;
        ao.shrink_gains = shrink;
        CHECK(de_abs_plan(report, dev, pool, &ao, &noisy) == DE_OK);
        int32_t scene = -1;
        CHECK(de_plan_type_count(noisy, "scene", &scene) == DE_OK);
        if (shrink) CHECK(scene >= 4 && scene <= 5);
        else CHECK(scene <= 1);
        de_plan_free(noisy);
    }
    ao.shrink_gains = -1;
    ao.gains_json   = "[{\"type\": \"scene\", \"added\": 100, \"accuracy_gain\": 0.0}]";
    ao.gain_memory = 0;
    de_plan_t * refused_plan = NULL;
    CHECK(de_abs_plan(report, dev, pool, &ao, &refused_plan) == DE_EINVALID && refused_plan == NULL);
    CHECK(strstr(de_last_error(), "gain_memory") != NULL);
    ao.gain_memory  = -1;
    ao.gain_floor   = -1;
    ao.weight_floor = -1;
    ao.gains_json   = NULL;
    ao.preset       = "v2";

    /* With embeddings (here synthetic: even pool images on axis 0, odd ones on axes 1-3, every
     * bad case on axis 0), similar queries pick pool images on axis 0. */
    for (size_t k = 0; k < pool_size; ++k) {
        float e[4] = {0, 0, 0, 0};
        e[k % 2 == 0 ? 0 : 1 + (k / 2) % 3] = 1.0f;
        CHECK(de_pool_set_embedding(pool, k, e, 4) == DE_OK);
    }
    const char ** ids = malloc(n * sizeof *ids);
    float *       embeddings = calloc(n * 4, sizeof *embeddings);
    for (size_t i = 0; i < n; ++i) {
        de_sample_info info;
        info.struct_size = sizeof info;
        CHECK(de_dataset_sample(dev, i, &info) == DE_OK);
        ids[i] = info.id;
        embeddings[i * 4] = 1.0f;
    }
    ao.example_ids        = ids;
    ao.example_embeddings = embeddings;
    ao.example_count      = n;
    ao.embedding_dim      = 4;
    ao.gains_json         = "[{\"type\": \"scene\", \"added\": 100, \"accuracy_gain\": 0.0}]";
    ao.preset             = "gain";
    ao.top_k              = 10;  /* of the 60 pool images on axis 0 */
    de_plan_t * similar = NULL;
    CHECK(de_abs_plan(report, dev, pool, &ao, &similar) == DE_OK);
    int similar_queries = 0;
    for (size_t i = 0; i < 40; ++i) {
        CHECK(de_plan_get_query(similar, i, &q) == DE_OK);
        if (q.reason == DE_REASON_SIMILAR) {
            ++similar_queries;
            CHECK(atoi(q.image_id + 5) % 2 == 0);
        }
    }
    CHECK(similar_queries >= 15);
    ao.gains_json = "[{\"type\": 3}]";
    de_plan_t * none = NULL;
    CHECK(de_abs_plan(report, dev, pool, &ao, &none) == DE_EFORMAT && none == NULL);
    ao.gains_json = NULL;

    /* Generation with the offline world, no mistakes. */
    de_gen_options go;
    de_generation_t * generation = NULL;
    CHECK(de_gen_options_init(&go, sizeof go) == DE_OK);
    CHECK(go.backend == DE_BACKEND_WORLD && go.concurrency == 1 && go.retries == 2);
    go.world        = world;
    go.mistake_rate = 0.0;
    go.round        = 1;
    CHECK(de_generate(plan, dev, pool, NULL, &go, NULL, NULL, &generation) == DE_OK);
    de_dataset_t * samples = NULL;
    CHECK(de_generation_samples(generation, &samples) == DE_OK);
    size_t accepted = 0;
    CHECK(de_dataset_count(samples, &accepted) == DE_OK);
    CHECK(accepted >= 20 && accepted <= 40);
    char * rejections = NULL;
    CHECK(de_generation_rejections_json(generation, &rejections) == DE_OK);
    CHECK(strstr(rejections, "\"rejected_by_reason\":") != NULL);
    de_string_free(rejections);

    /* Generation with the host's own LLM, checked against the world: its one question is right
     * only on dark backgrounds, and asked again it is a duplicate. */
    go.backend       = DE_BACKEND_CALLBACK;
    go.llm           = fake_llm;
    go.llm_user_data = &llm_calls;
    go.retries       = 0;
    go.concurrency   = 1; /* fake_llm counts calls without a lock: one thread (concurrency is tested in C++) */
    de_generation_t * hosted = NULL;
    CHECK(de_generate(plan, dev, pool, samples, &go, NULL, NULL, &hosted) == DE_OK);
    CHECK(llm_calls == 40);
    CHECK(de_generation_rejections_json(hosted, &rejections) == DE_OK);
    CHECK(strstr(rejections, "\"backend_error\":8") != NULL);
    CHECK(strstr(rejections, "\"wrong_answer\":") != NULL);
    de_string_free(rejections);

    /* Bad arguments. */
    CHECK(de_abs_plan(NULL, dev, pool, &ao, &none) == DE_EINVALID);
    ao.struct_size = 3;
    CHECK(de_abs_plan(report, dev, pool, &ao, &none) == DE_EINVALID);
    de_generation_t * refused = NULL;
    go.backend = DE_BACKEND_COMMAND;
    go.command = NULL;
    CHECK(de_generate(plan, dev, pool, NULL, &go, NULL, NULL, &refused) == DE_EINVALID && refused == NULL);
    go.backend = 9;
    CHECK(de_generate(plan, dev, pool, NULL, &go, NULL, NULL, &refused) == DE_EINVALID);
    CHECK(de_plan_get_query(plan, 40, &q) == DE_ERANGE);
    CHECK(de_pool_add(pool, "pool-000000", "x.png", "dup", NULL, 0) == DE_EINVALID);
    CHECK(de_llm_reply_set(NULL, "x") == DE_EINVALID);
    CHECK(de_plan_from_json("{", &back) == DE_EFORMAT && back == NULL);

    free(ids);
    free(embeddings);
    de_generation_free(hosted);
    de_dataset_free(samples);
    de_generation_free(generation);
    de_plan_free(similar);
    de_plan_free(plan);
    de_pool_free(pool);
    de_report_free(report);
    de_evaluator_free(evaluator);
    de_dataset_free(dev);
    de_world_free(world);
    return check_summary();
}
