/* Options structs across versions, in the spirit of libgit2's struct-init tests: every
 * de_*_options_init fills its defaults and struct_size; an older, smaller struct (one that ends
 * before the newest field) is accepted, filled up to its own size and not a byte beyond; a struct
 * larger than any the library knows, or smaller than struct_size itself, is refused; the create
 * functions take an older struct and use defaults for the fields it lacks. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "dataengine.h"

#define GUARD 32

/* Checks one options type; `last` is its newest field, `defaults` a condition on `o`. */
#define CHECK_OPTIONS(type, init, last, defaults)                                                      \
    do {                                                                                              \
        union {                                                                                       \
            type          o;                                                                          \
            unsigned char bytes[sizeof(type) + GUARD];                                                \
            double        align_d;                                                                    \
            void *        align_p;                                                                    \
            long long     align_ll;                                                                   \
        } u;                                                                                          \
        type * o = &u.o;                                                                              \
        size_t older, i, touched = 0;                                                                 \
        memset(&u, 0xAB, sizeof u);                                                                   \
        CHECK(init(o, sizeof(type)) == DE_OK);                                                        \
        CHECK(o->struct_size == sizeof(type));                                                        \
        CHECK(defaults);                                                                              \
        /* An older version of the struct: everything before its newest field. */                    \
        older = offsetof(type, last);                                                                 \
        memset(&u, 0xAB, sizeof u);                                                                   \
        CHECK(init(o, older) == DE_OK);                                                               \
        CHECK(o->struct_size == older);                                                               \
        for (i = older; i < sizeof u.bytes; ++i) touched += u.bytes[i] != 0xAB;                       \
        CHECK(touched == 0);                                                                          \
        CHECK(init(o, sizeof(type) + 8) == DE_EINVALID);                                              \
        CHECK(strstr(de_last_error(), "struct_size") != NULL);                                        \
        CHECK(init(o, 2) == DE_EINVALID);                                                             \
        CHECK(init(NULL, sizeof(type)) == DE_EINVALID);                                               \
    } while (0)

int main(void) {
    /* Every documented default, field by field: a default the header promises and the library
     * stops filling is caught here. */
    CHECK_OPTIONS(de_dataset_options, de_dataset_options_init, progress_user_data,
                  o->strict == 1 && o->image_root == NULL && o->keep_none_literal == 0 && o->verify_images == 1 &&
                      o->max_image_bytes == 64 * 1024 * 1024 && o->max_image_pixels == 40000000 && o->progress == NULL &&
                      o->progress_user_data == NULL);
    CHECK_OPTIONS(de_evaluator_options, de_evaluator_options_init, benchmark, o->circular == 0 && o->benchmark == NULL);
    CHECK_OPTIONS(de_world_options, de_world_options_init, seed_counts,
                  o->seed == 0 && o->image_size == 64 && o->per_type == 300 && o->pool_images == 5000 &&
                      o->caption_images == 20000 && o->circular == 1 && o->seed_counts == NULL);
    CHECK_OPTIONS(de_model_options, de_model_options_init, grid_convs,
                  o->image_size == 64 && o->dim == 128 && o->heads == 4 && o->encoder_layers == 2 && o->decoder_layers == 2 &&
                      o->seed == 0 && o->image_tokens_side == 8 && o->prefix_side == 8 && o->max_text_tokens == 64 &&
                      o->bidirectional_prompt == 1 && o->grid_convs == 0);
    CHECK_OPTIONS(de_train_options, de_train_options_init, grounding_weight,
                  o->steps == 300 && o->batch_size == 64 && o->learning_rate == 1e-3 && o->weight_decay == 0.01 &&
                      o->warmup_steps == 30 && o->grad_clip == 1.0 && o->seed == 0 && o->threads == 0 && o->with_rationale == 0 &&
                      o->progress == NULL && o->progress_user_data == NULL && o->grounding_weight == 0);
    CHECK_OPTIONS(de_train_options, de_pretrain_options_init, grounding_weight,
                  o->steps == 1200 && o->batch_size == 64 && o->learning_rate == 1e-3 && o->warmup_steps == 50 &&
                      o->seed == 0 && o->threads == 0 && o->progress == NULL && o->grounding_weight == 1.0);
    CHECK_OPTIONS(de_abs_options, de_abs_options_init, shrink_gains,
                  o->preset == NULL && o->budget == 1000 && o->seed == 0 && o->examples_per_query == 2 &&
                      o->duplicate_similarity == 0.9 && o->top_k == 1000 && o->explore_every == 2 && o->max_objects == 0 &&
                      o->gains_json == NULL && o->example_ids == NULL && o->example_count == 0 && o->used_count == 0 &&
                      o->gamma == -1 && o->weight_floor == -1 && o->temperature == -1 && o->min_bad_cases == -1 &&
                      o->prior_gain == -1 && o->gain_floor == -1 && o->gain_memory == -1 && o->shrink_gains == -1);
    CHECK_OPTIONS(de_gen_options, de_gen_options_init, id_prefix,
                  o->backend == DE_BACKEND_WORLD && o->llm == NULL && o->command == NULL && o->timeout_seconds == 60 &&
                      o->world == NULL && o->mistake_rate == 0.2 && o->concurrency == 1 && o->retries == 2 &&
                      o->backoff_seconds == 0.5 && o->require_rationale == 0 && o->round == -1 && o->seed == 0 &&
                      o->id_prefix == NULL);
    CHECK_OPTIONS(de_ipo_options, de_ipo_options_init, miss_rate,
                  o->state_path == NULL && o->prompt_text == NULL && o->batch_size == 40 && o->target == 0.9 &&
                      o->max_rounds == 6 && o->patience == 2 && o->rewrite_attempts == 3 && o->seed == 0 && o->types == NULL &&
                      o->miss_rate == 0.05);
    CHECK_OPTIONS(de_loop_options, de_loop_options_init, seed_curve_gains,
                  o->state_dir == NULL && o->world_dir == NULL && o->world_seed == 0 && o->strategy == NULL && o->rounds == 3 &&
                      o->budget == 1200 && o->seed_steps == 600 && o->round_steps == 250 && o->seed == 0 && o->threads == 0 &&
                      o->mistake_rate == 0.35 && o->stage1_steps == 0 && o->model_dim == 0 && o->world_scale_percent == 100 &&
                      o->ipo == 1 && o->ipo_batch == 40 && o->ipo_rounds == 6 && o->verify_answers == 0 &&
                      o->seed_curve_gains == 0);
    CHECK_OPTIONS(de_host_model, de_host_model_init, release,
                  o->user_data == NULL && o->score == NULL && o->train == NULL && o->embed == NULL && o->embedding_dim == 0 &&
                      o->save == NULL && o->release == NULL);

    /* A host built against an older header: its world options end before seed_counts and its
     * IPO options before miss_rate; creation uses the defaults for what they lack. */
    {
        de_world_options wo;
        de_world_t *     world = NULL;
        CHECK(de_world_options_init(&wo, offsetof(de_world_options, seed_counts)) == DE_OK);
        wo.per_type       = 4;
        wo.pool_images    = 50;
        wo.caption_images = 1;
        CHECK(de_world_create(&wo, &world) == DE_OK);
        de_dataset_t * dev = NULL;
        size_t         n   = 0;
        CHECK(de_world_questions(world, DE_SPLIT_DEV, &dev) == DE_OK);
        CHECK(de_dataset_count(dev, &n) == DE_OK && n == 9 * 4 * 4);  /* circular by default */

        de_pool_t * pool = NULL;
        CHECK(de_world_pool(world, "/nonexistent", &pool) == DE_OK);
        de_gen_options go;
        CHECK(de_gen_options_init(&go, offsetof(de_gen_options, id_prefix)) == DE_OK);
        go.world = world;
        de_ipo_options io;
        CHECK(de_ipo_options_init(&io, offsetof(de_ipo_options, miss_rate)) == DE_OK);
        io.batch_size = 4;
        io.max_rounds = 1;
        de_ipo_t * ipo = NULL;
        CHECK(de_ipo_create(&io, pool, dev, &go, &ipo) == DE_OK);
        int32_t stop = -1;
        CHECK(de_ipo_run(ipo, NULL, NULL, &stop) == DE_OK && stop != DE_IPO_STOP_NONE);
        /* A struct from a newer header than this library is refused by create as well. */
        de_ipo_t * other = NULL;
        io.struct_size = sizeof io + 16;
        CHECK(de_ipo_create(&io, pool, dev, &go, &other) == DE_EINVALID && other == NULL);
        de_ipo_free(ipo);
        de_pool_free(pool);
        de_dataset_free(dev);
        de_world_free(world);
    }
    CHECK(de_abi_version() == DE_ABI_VERSION);
    return check_summary();
}
