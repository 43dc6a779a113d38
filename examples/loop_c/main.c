/* examples/loop_c: the closed loop with the host in charge, through dataengine.h alone.
 *
 * The host owns every step: it makes the world, trains the built-in model, evaluates it, asks
 * ABS for a plan aimed at the bad cases, has the offline world generate the data, trains on it,
 * and evaluates again — printing per-type test accuracy round by round.
 *
 *   loop_c [WORLD_DIR] [--tiny]     (--tiny: a small world and short training, for tests)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dataengine.h"

static const int    kRounds      = 2;     /* rounds of targeted data after the seed training */
static const int    kBudget      = 1200;  /* samples planned per round */
static const int    kSeedSteps   = 600;   /* stage 2 on the seed set */
static const int    kRoundSteps  = 250;   /* continued training per round */
static const double kRoundRate   = 5e-4;  /* learning rate of the continued training */
static const int    kMaxDatasets = 16;    /* seed set + one generated set per round */

#define TRY(call)                                                                        \
    do {                                                                                 \
        de_status status_ = (call);                                                      \
        if (status_ != DE_OK) {                                                          \
            fprintf(stderr, "%s failed (%d): %s\n", #call, (int)status_, de_last_error()); \
            exit(1);                                                                     \
        }                                                                                \
    } while (0)

/* A progress line on stderr. */
static int progress_line(const char * phase, int64_t done, int64_t total, void * user_data) {
    fprintf(stderr, "\r%s %s: %lld/%lld   ", (const char *)user_data, phase, (long long)done, (long long)total);
    if (total > 0 && done >= total) fputc('\n', stderr);
    return 0;
}

static de_dataset_t * load(const char * dir, const char * name) {
    char path[1024];
    de_dataset_t * data = NULL;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    TRY(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &data));
    return data;
}

static void print_accuracy(const de_report_t * report, int round) {
    size_t types = 0;
    de_score overall;
    TRY(de_report_type_count(report, &types));
    TRY(de_report_overall(report, &overall));
    printf("round %d test:", round);
    for (size_t t = 0; t < types; ++t) {
        const char * name = NULL;
        de_score     score;
        TRY(de_report_type_name(report, t, &name));
        TRY(de_report_type_score(report, name, &score));
        printf(" %s %.1f |", name, 100 * score.accuracy);
    }
    printf(" overall %.1f\n", 100 * overall.accuracy);
    fflush(stdout);
}

/* The gain rule's evidence: what one round's accepted data of each type moved that type's dev
 * accuracy by, appended to the JSON array in `json` ("[" + entries; the caller closes it). The
 * world's type names need no escaping. */
static void append_gains(char * json, size_t capacity, const de_report_t * before, const de_report_t * after,
                         const de_dataset_t * added) {
    size_t types = 0, count = 0;
    TRY(de_report_type_count(after, &types));
    TRY(de_dataset_count(added, &count));
    for (size_t t = 0; t < types; ++t) {
        const char * name = NULL;
        de_score     now, then;
        size_t       n = 0;
        TRY(de_report_type_name(after, t, &name));
        for (size_t i = 0; i < count; ++i) {
            de_sample_info info;
            info.struct_size = sizeof info;
            TRY(de_dataset_sample(added, i, &info));
            n += strcmp(info.type, name) == 0;
        }
        if (n == 0 || de_report_type_score(before, name, &then) != DE_OK) continue;
        TRY(de_report_type_score(after, name, &now));
        const size_t used = strlen(json);
        snprintf(json + used, capacity - used, "%s{\"type\": \"%s\", \"added\": %zu, \"accuracy_gain\": %.6f}",
                 used > 1 ? ", " : "", name, n, now.accuracy - then.accuracy);
    }
}

int main(int argc, char ** argv) {
    const char * dir  = argc > 1 && argv[1][0] != '-' ? argv[1] : "loop_c_world";
    int          tiny = 0;
    for (int i = 1; i < argc; ++i) tiny |= strcmp(argv[i], "--tiny") == 0;
    const int seed_steps = tiny ? 10 : kSeedSteps, round_steps = tiny ? 5 : kRoundSteps, budget = tiny ? 30 : kBudget;

    /* The world, written once. */
    de_world_options wo;
    de_world_t *     world = NULL;
    TRY(de_world_options_init(&wo, sizeof wo));
    if (tiny) {
        wo.per_type       = 6;
        wo.pool_images    = 80;
        wo.caption_images = 40;
        wo.seed_counts    = "scene=10,identity=10,attribute=10,location=10,counting=10,spatial relation=10,"
                            "interaction=10,reasoning=10,text=10";
    }
    TRY(de_world_create(&wo, &world));
    char marker[1024];
    snprintf(marker, sizeof marker, "%s/world.json", dir);
    FILE * exists = fopen(marker, "r");
    if (exists) fclose(exists);
    else TRY(de_world_write(world, dir, progress_line, "world"));
    de_dataset_t * seed = load(dir, "seed_train.jsonl");
    de_dataset_t * dev  = load(dir, "dev.jsonl");
    de_dataset_t * test = load(dir, "test.jsonl");

    /* Stage 1 (cached next to the world), then the seed set. */
    de_train_options to;
    TRY(de_pretrain_options_init(&to, sizeof to));
    to.progress           = progress_line;
    to.progress_user_data = "stage 1";
    if (tiny) to.steps = 10;
    de_model_t * model = NULL;
    TRY(de_model_pretrained(dir, &to, &model));
    TRY(de_train_options_init(&to, sizeof to));
    to.steps              = seed_steps;
    to.progress           = progress_line;
    to.progress_user_data = "seed set";
    de_train_source sources[16];
    size_t          source_count = 0;
    sources[source_count++] = (de_train_source){seed, DE_SOURCE_QUESTIONS, 1.0};
    size_t seed_size = 0;
    TRY(de_dataset_count(seed, &seed_size));
    sources[0].weight = (double)seed_size;
    TRY(de_model_train(model, sources, source_count, &to, NULL));

    de_evaluator_options eo;
    TRY(de_evaluator_options_init(&eo, sizeof eo));
    eo.circular = 1;
    de_pool_t * pool = NULL;
    TRY(de_world_pool(world, dir, &pool));
    const char * used[4096];
    size_t       used_count = 0;

    /* Gain observations so far (the first plan has none: every type is untried). */
    static char    gains[16384] = "[";
    de_report_t *  previous_dev = NULL;

    for (int round = 0;; ++round) {
        de_report_t *dev_report = NULL, *test_report = NULL;
        TRY(de_model_evaluate(model, dev, &eo, &dev_report));
        TRY(de_model_evaluate(model, test, &eo, &test_report));
        print_accuracy(test_report, round);
        if (previous_dev) {
            append_gains(gains, sizeof gains - 1, previous_dev, dev_report, sources[source_count - 1].data);
            de_report_free(previous_dev);
        }
        previous_dev = dev_report;
        if (round == kRounds || source_count == (size_t)kMaxDatasets) {
            de_report_free(test_report);
            break;
        }

        /* Embeddings of the pool and of every bad case's image, for similar-image queries. */
        TRY(de_pool_embed(pool, model, progress_line, "embed"));
        size_t dev_size = 0, types = 0, bad_total = 0;
        TRY(de_dataset_count(dev, &dev_size));
        TRY(de_report_type_count(dev_report, &types));
        const char ** ids = malloc(dev_size * sizeof *ids);
        float *       embeddings = NULL;
        size_t        dim = 0;
        for (size_t t = 0; t < types; ++t) {
            const char * type = NULL;
            size_t       bad  = 0;
            TRY(de_report_type_name(dev_report, t, &type));
            TRY(de_report_bad_case_count(dev_report, type, &bad));
            for (size_t b = 0; b < bad && bad_total < dev_size; ++b) {
                size_t index = 0;
                float  e[1024];
                TRY(de_report_bad_case(dev_report, type, b, &ids[bad_total]));
                TRY(de_dataset_find(dev, ids[bad_total], &index));
                TRY(de_model_embed_sample(model, dev, index, e, 1024, &dim));
                if (!embeddings) embeddings = malloc(dev_size * dim * sizeof *embeddings);
                memcpy(embeddings + bad_total * dim, e, dim * sizeof *e);
                ++bad_total;
            }
        }

        /* ABS: what to generate, and about which images. */
        de_abs_options ao;
        de_plan_t *    plan = NULL;
        TRY(de_abs_options_init(&ao, sizeof ao));
        ao.budget             = budget;
        ao.seed               = (uint64_t)round;
        ao.example_ids        = ids;
        ao.example_embeddings = embeddings;
        ao.example_count      = bad_total;
        ao.embedding_dim      = dim;
        ao.used_images        = used;
        ao.used_count         = used_count;
        char gains_json[sizeof gains + 1];
        snprintf(gains_json, sizeof gains_json, "%s]", gains);
        ao.gains_json = gains_json;
        TRY(de_abs_plan(dev_report, dev, pool, &ao, &plan));

        /* The offline world writes the data; the validators keep what is right. */
        de_gen_options    go;
        de_generation_t * generation = NULL;
        TRY(de_gen_options_init(&go, sizeof go));
        go.world             = world;
        go.round             = round;
        go.seed              = (uint64_t)round;
        go.require_rationale = 1;
        char prefix[32];
        snprintf(prefix, sizeof prefix, "r%d", round);
        go.id_prefix = prefix;
        TRY(de_generate(plan, dev, pool, NULL, &go, progress_line, "generate", &generation));
        de_dataset_t * generated = NULL;
        TRY(de_generation_samples(generation, &generated));
        char * rejections = NULL;
        TRY(de_generation_rejections_json(generation, &rejections));
        size_t accepted = 0, queries = 0;
        TRY(de_dataset_count(generated, &accepted));
        TRY(de_plan_query_count(plan, &queries));
        printf("round %d: %zu of %zu generated samples accepted; %s\n", round, accepted, queries, rejections);
        de_string_free(rejections);
        for (size_t q = 0; q < queries && used_count < 4096; ++q) {
            de_plan_query query;
            TRY(de_plan_get_query(plan, q, &query));
            used[used_count++] = strdup(query.image_id);
        }

        /* Continue training on the seed set plus everything generated so far. */
        sources[source_count++] = (de_train_source){generated, DE_SOURCE_QUESTIONS, (double)accepted > 0 ? (double)accepted : 1.0};
        TRY(de_train_options_init(&to, sizeof to));
        to.steps              = round_steps;
        to.learning_rate      = kRoundRate;
        to.seed               = (uint64_t)round + 1;
        to.progress           = progress_line;
        to.progress_user_data = "train";
        TRY(de_model_train(model, sources, source_count, &to, NULL));

        de_generation_free(generation);
        de_plan_free(plan);
        free(ids);
        free(embeddings);
        de_report_free(test_report);
    }
    de_report_free(previous_dev);
    printf("gain observations: %s]\n", gains);

    for (size_t i = 0; i < used_count; ++i) free((void *)used[i]);
    for (size_t i = 1; i < source_count; ++i) de_dataset_free((de_dataset_t *)sources[i].data);
    de_pool_free(pool);
    de_model_free(model);
    de_dataset_free(seed);
    de_dataset_free(dev);
    de_dataset_free(test);
    de_world_free(world);
    return 0;
}
