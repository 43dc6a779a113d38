/* A host supplies its own model through callbacks: a nearest-neighbour classifier over 8 x 8
 * thumbnails, written here in C. The engine evaluates it, embeds the pool with it, plans with
 * ABS around its bad cases and trains it on generated data — through dataengine.h alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dataengine.h"

#define THUMB 192 /* 8 x 8 x RGB */
#define MAX_MEMORY 4096

/* What the host model remembers: a thumbnail, the question and the right option's text. */
typedef struct memory_item {
    float thumb[THUMB];
    char  question[160];
    char  answer[64];
} memory_item;

typedef struct host_state {
    memory_item * items;
    size_t        count;
    int           fail_score;  /* make the score callback fail, to test the error path */
    int           train_calls, release_calls;
    size_t        trained_samples;
} host_state;

static void thumbnail(const uint8_t * rgb, int32_t width, int32_t height, float * out) {
    memset(out, 0, THUMB * sizeof *out);
    for (int32_t y = 0; y < height; ++y)
        for (int32_t x = 0; x < width; ++x)
            for (int c = 0; c < 3; ++c)
                out[((y * 8 / height) * 8 + x * 8 / width) * 3 + c] += rgb[((size_t)y * width + x) * 3 + c] / 255.0f;
    for (int k = 0; k < THUMB; ++k) out[k] /= (float)(width * height) / 64.0f;
}

static float distance(const float * a, const float * b) {
    float d = 0;
    for (int k = 0; k < THUMB; ++k) d += (a[k] - b[k]) * (a[k] - b[k]);
    return d;
}

/* Score of an option: minus the distance to the nearest remembered image of the same question
 * whose answer was that option's text (-1000 when none). */
static int32_t host_score(const de_dataset_t * data, size_t index, const uint8_t * rgb, int32_t width, int32_t height,
                          double * out_scores, size_t option_count, void * user_data) {
    host_state *   state = user_data;
    de_sample_info info;
    float          thumb[THUMB];
    if (state->fail_score) return 42;
    info.struct_size = sizeof info;
    if (de_dataset_sample(data, index, &info) != DE_OK || !rgb || info.option_count != option_count) return 1;
    thumbnail(rgb, width, height, thumb);
    for (size_t k = 0; k < option_count; ++k) {
        const char * text = NULL;
        float        best = 1000;
        if (de_dataset_option(data, index, k, &text) != DE_OK) return 2;
        for (size_t m = 0; m < state->count; ++m)
            if (strcmp(state->items[m].answer, text) == 0 && strcmp(state->items[m].question, info.question) == 0) {
                const float d = distance(thumb, state->items[m].thumb);
                if (d < best) best = d;
            }
        out_scores[k] = -best;
    }
    return 0;
}

/* "Training" remembers every question of every source, reporting progress per sample. */
static int32_t host_train(const de_train_source * sources, size_t count, const de_train_options * options,
                          double * out_final_loss, void * user_data) {
    host_state * state = user_data;
    size_t       total = 0, done = 0;
    ++state->train_calls;
    for (size_t s = 0; s < count; ++s) {
        size_t n = 0;
        if (de_dataset_count(sources[s].data, &n) != DE_OK) return 1;
        total += n;
    }
    for (size_t s = 0; s < count; ++s) {
        size_t n = 0;
        de_dataset_count(sources[s].data, &n);
        for (size_t i = 0; i < n && state->count < MAX_MEMORY; ++i, ++done) {
            de_sample_info info;
            const char *   answer = NULL;
            int32_t        width = 0, height = 0;
            uint8_t *      rgb;
            info.struct_size = sizeof info;
            if (de_dataset_sample(sources[s].data, i, &info) != DE_OK || info.answer < 0) return 2;
            if (de_dataset_option(sources[s].data, i, (size_t)info.answer, &answer) != DE_OK) return 3;
            if (de_dataset_image_rgb(sources[s].data, i, NULL, 0, &width, &height) != DE_OK) return 4;
            rgb = malloc((size_t)width * height * 3);
            if (de_dataset_image_rgb(sources[s].data, i, rgb, (size_t)width * height * 3, &width, &height) != DE_OK) return 5;
            memory_item * item = &state->items[state->count++];
            thumbnail(rgb, width, height, item->thumb);
            free(rgb);
            snprintf(item->question, sizeof item->question, "%s", info.question);
            snprintf(item->answer, sizeof item->answer, "%s", answer);
            ++state->trained_samples;
            if (options->progress && options->progress("train", (int64_t)done + 1, (int64_t)total, options->progress_user_data))
                return 9; /* asked to stop */
        }
    }
    *out_final_loss = 0.5;
    return 0;
}

static int32_t host_embed(const uint8_t * rgb, int32_t width, int32_t height, float * out, size_t dim, void * user_data) {
    (void)user_data;
    if (dim != THUMB) return 1;
    thumbnail(rgb, width, height, out);
    return 0;
}

static void host_release(void * user_data) { ++((host_state *)user_data)->release_calls; }

static int stop_at_3(const char * phase, int64_t done, int64_t total, void * user_data) {
    (void)phase;
    (void)total;
    (void)user_data;
    return done >= 3;
}

static double accuracy_of(de_model_t * model, const de_dataset_t * bench, const char * type, de_report_t ** keep) {
    de_evaluator_options eo;
    de_report_t *        report = NULL;
    de_score             score;
    double               accuracy = -1;
    de_evaluator_options_init(&eo, sizeof eo);
    eo.circular = 1;
    if (de_model_evaluate(model, bench, &eo, &report) != DE_OK) return -1;
    if (de_report_type_score(report, type, &score) == DE_OK) accuracy = score.accuracy;
    if (keep) *keep = report;
    else de_report_free(report);
    return accuracy;
}

int main(void) {
    char dir[64] = "/tmp/de-capi-host-XXXXXX";
    char path[256];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    /* A world of background questions: the thumbnail model can learn those. */
    de_world_options wo;
    de_world_t *     world = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    wo.seed           = 5;
    wo.per_type       = 12;
    wo.pool_images    = 40;
    wo.caption_images = 4;
    wo.seed_counts    = "scene=60,identity=0,attribute=0,location=0,counting=0,spatial relation=0,interaction=0,reasoning=0,text=0";
    CHECK(de_world_create(&wo, &world) == DE_OK);
    CHECK(de_world_write(world, dir, NULL, NULL) == DE_OK);
    de_dataset_t *seed = NULL, *dev = NULL, *test = NULL;
    snprintf(path, sizeof path, "%s/seed_train.jsonl", dir);
    CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &seed) == DE_OK);
    snprintf(path, sizeof path, "%s/dev.jsonl", dir);
    CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &dev) == DE_OK);
    snprintf(path, sizeof path, "%s/test.jsonl", dir);
    CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &test) == DE_OK);

    /* Images decoded for the host. */
    {
        int32_t width = 0, height = 0;
        uint8_t small[16];
        CHECK(de_dataset_image_rgb(seed, 0, NULL, 0, &width, &height) == DE_OK && width == 64 && height == 64);
        CHECK(de_dataset_image_rgb(seed, 0, small, sizeof small, &width, &height) == DE_OK && width == 64);
        CHECK(de_dataset_image_rgb(seed, 1u << 30, NULL, 0, &width, &height) == DE_ERANGE && width == 0);
        CHECK(de_dataset_image_rgb(seed, 0, NULL, 5, &width, &height) == DE_EINVALID);
    }

    /* The host model. */
    host_state    state = {0};
    de_host_model host;
    de_model_t *  model = NULL;
    state.items = calloc(MAX_MEMORY, sizeof *state.items);
    CHECK(de_host_model_init(&host, sizeof host) == DE_OK && host.score == NULL && host.struct_size == sizeof host);
    CHECK(de_model_from_host(&host, &model) == DE_EINVALID && model == NULL && strstr(de_last_error(), "score") != NULL);
    host.user_data     = &state;
    host.score         = host_score;
    host.train         = host_train;
    host.embed         = host_embed;
    host.embedding_dim = THUMB;
    host.release       = host_release;
    CHECK(de_model_from_host(&host, &model) == DE_OK && model != NULL);

    /* Untrained, it knows nothing; trained, it answers background questions it never saw. */
    const double before = accuracy_of(model, test, "scene", NULL);
    double       loss   = 0;
    de_train_options to;
    CHECK(de_train_options_init(&to, sizeof to) == DE_OK);
    CHECK(de_model_train(model, (de_train_source[]){{seed, DE_SOURCE_QUESTIONS, 1.0}}, 1, &to, &loss) == DE_OK);
    CHECK(state.train_calls == 1 && state.trained_samples == 60 && loss == 0.5);
    const double on_seed = accuracy_of(model, seed, "scene", NULL);
    de_report_t * dev_report = NULL;
    const double after = accuracy_of(model, test, "scene", NULL);
    const double on_dev = accuracy_of(model, dev, "scene", &dev_report);
    printf("host model, scene accuracy (circular): untrained %.2f, trained: seed %.2f, dev %.2f, test %.2f\n", before, on_seed,
           on_dev, after);
    CHECK(before >= 0 && before <= 0.25);
    CHECK(on_seed == 1.0);
    CHECK(after >= 0.6 && on_dev >= 0.6);

    /* Progress forwarded from the host's training; stopping it fails the call. */
    to.progress = stop_at_3;
    CHECK(de_model_train(model, (de_train_source[]){{seed, DE_SOURCE_QUESTIONS, 1.0}}, 1, &to, NULL) == DE_EABORTED);
    CHECK(strstr(de_last_error(), "train callback returned 9") != NULL);
    to.progress = NULL;
    state.count = 60;

    /* ABS around the host model: pool embedded by its callback, a plan, the world generates. */
    de_pool_t * pool = NULL;
    CHECK(de_world_pool(world, dir, &pool) == DE_OK);
    CHECK(de_pool_embed(pool, model, NULL, NULL) == DE_OK);
    {
        float  e[THUMB];
        size_t dim = 0;
        double norm = 0;
        CHECK(de_model_embed_sample(model, seed, 0, e, THUMB, &dim) == DE_OK && dim == THUMB);
        for (size_t k = 0; k < dim; ++k) norm += (double)e[k] * e[k];
        CHECK(fabs(norm - 1.0) < 1e-4);
    }
    de_abs_options ao;
    de_plan_t *    plan = NULL;
    CHECK(de_abs_options_init(&ao, sizeof ao) == DE_OK);
    ao.budget = 12;
    ao.preset = "uniform";
    CHECK(de_abs_plan(dev_report, dev, pool, &ao, &plan) == DE_OK);
    size_t queries = 0;
    CHECK(de_plan_query_count(plan, &queries) == DE_OK && queries == 12);
    de_gen_options    go;
    de_generation_t * generation = NULL;
    de_dataset_t *    generated  = NULL;
    size_t            accepted   = 0;
    CHECK(de_gen_options_init(&go, sizeof go) == DE_OK);
    go.world     = world;
    go.id_prefix = "host";
    CHECK(de_generate(plan, dev, pool, NULL, &go, NULL, NULL, &generation) == DE_OK);
    CHECK(de_generation_samples(generation, &generated) == DE_OK);
    CHECK(de_dataset_count(generated, &accepted) == DE_OK && accepted > 0);
    CHECK(de_model_train(model, (de_train_source[]){{seed, DE_SOURCE_QUESTIONS, 60.0}, {generated, DE_SOURCE_QUESTIONS, 1.0}}, 2,
                         &to, NULL) == DE_OK);
    CHECK(state.count == 60 + 60 + accepted);

    /* A failing callback fails the call with its code and the sample; nothing is saved. */
    state.fail_score = 1;
    {
        de_evaluator_options eo;
        de_report_t *        report = NULL;
        de_evaluator_options_init(&eo, sizeof eo);
        CHECK(de_model_evaluate(model, test, &eo, &report) == DE_EABORTED && report == NULL);
        CHECK(strstr(de_last_error(), "score callback returned 42") != NULL);
    }
    snprintf(path, sizeof path, "%s/host-model", dir);
    CHECK(de_model_save(model, path) == DE_EUNSUPPORTED);

    CHECK(state.release_calls == 0);
    de_model_free(model);
    CHECK(state.release_calls == 1);

    de_dataset_free(generated);
    de_generation_free(generation);
    de_plan_free(plan);
    de_pool_free(pool);
    de_report_free(dev_report);
    de_dataset_free(seed);
    de_dataset_free(dev);
    de_dataset_free(test);
    de_world_free(world);
    free(state.items);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    if (system(path) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return check_summary();
}
