/* A host in C makes a tiny world, trains a tiny built-in model for a few steps and evaluates it,
 * through dataengine.h alone. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dataengine.h"


static int progress_calls = 0;
static int count_progress(const char * phase, int64_t done, int64_t total, void * user_data) {
    (void)phase;
    (void)done;
    (void)total;
    ++*(int *)user_data;
    return 0;
}

int main(void) {
    char dir[64] = "/tmp/de-capi-model-XXXXXX";
    char path[256];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }

    /* The world: small splits. */
    de_world_options wo;
    de_world_t *     world = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    CHECK(wo.image_size == 64 && wo.per_type == 300 && wo.circular == 1);
    wo.seed           = 11;
    wo.per_type       = 3;
    wo.pool_images    = 5;
    wo.caption_images = 60;
    wo.seed_counts    = "scene=30,counting=30,identity=0,attribute=0,location=0,spatial relation=0,interaction=0,reasoning=0,text=0";
    CHECK(de_world_create(&wo, &world) == DE_OK);
    {
        size_t       types = 0;
        const char * name = NULL, *definition = NULL;
        char *       text = NULL;
        CHECK(de_world_type_count(&types) == DE_OK && types == 9);
        CHECK(de_world_type(4, &name, &definition) == DE_OK && strcmp(name, "counting") == 0);
        CHECK(de_world_type(9, &name, &definition) == DE_ERANGE && name == NULL);
        CHECK(de_world_describe(world, DE_SPLIT_POOL, 0, &text) == DE_OK && strstr(text, ": [") != NULL);
        de_string_free(text);
        CHECK(de_world_scene_json(world, DE_SPLIT_POOL, 0, &text) == DE_OK && strstr(text, "\"objects\"") != NULL);
        de_string_free(text);
        CHECK(de_world_describe(world, 17, 0, &text) == DE_EINVALID && text == NULL);
        wo.seed_counts = "colour=3";
        {
            de_world_t * bad = NULL;
            CHECK(de_world_create(&wo, &bad) == DE_EINVALID && bad == NULL);
            CHECK(strstr(de_last_error(), "colour=3") != NULL);
        }
    }
    CHECK(de_world_write(world, dir, count_progress, &progress_calls) == DE_OK);
    CHECK(progress_calls > 0);
    {
        de_dataset_t * test = NULL;
        size_t         n = 0;
        CHECK(de_world_questions(world, DE_SPLIT_TEST, &test) == DE_OK);
        CHECK(de_dataset_count(test, &n) == DE_OK && n == 9 * 3 * 4);
        de_dataset_free(test);
        CHECK(de_world_questions(world, DE_SPLIT_POOL, &test) == DE_EINVALID);
    }

    /* A tiny model with the world's vocabulary. */
    de_model_options mo;
    de_model_t *     model = NULL;
    CHECK(de_model_options_init(&mo, sizeof mo) == DE_OK);
    CHECK(mo.dim == 128 && mo.heads == 4);
    mo.dim = 32;
    mo.heads = 2;
    mo.encoder_layers = 1;
    mo.decoder_layers = 1;
    mo.image_tokens_side = 4; /* a 4 x 4 token grid, merged 2 x 2 into a 2 x 2 prefix */
    mo.prefix_side = 2;
    CHECK(mo.bidirectional_prompt == 1); /* the prompt joins the image in the decoder's bidirectional prefix */
    mo.grid_convs = 1;
    CHECK(de_model_create_for_world(dir, &mo, &model) == DE_OK);
    {
        de_model_t * bad = NULL;
        mo.prefix_side = 3; /* does not divide the token grid */
        CHECK(de_model_create_for_world(dir, &mo, &bad) == DE_EINVALID && bad == NULL);
        CHECK(strstr(de_last_error(), "prefix") != NULL);
        mo.prefix_side = 2;
        mo.image_tokens_side = 6; /* the image is not 6 times a power of two */
        CHECK(de_model_create_for_world(dir, &mo, &bad) == DE_EINVALID && bad == NULL);
        mo.image_tokens_side = 4;
        mo.heads = 3; /* 32 is not divisible by 3 */
        CHECK(de_model_create_for_world(dir, &mo, &bad) == DE_EINVALID && bad == NULL);
        CHECK(de_model_create_for_world("/nonexistent/world", NULL, &bad) == DE_ENOTFOUND);
    }

    /* Train: captions then questions, a few steps each. */
    {
        de_dataset_t *   captions = NULL, *seed = NULL, *test = NULL;
        de_train_options to;
        de_train_source  source;
        double           loss_captions = 0, loss_questions = 0;
        double           scores[8];
        size_t           count = 0;
        de_report_t *    report = NULL;
        de_score         overall;
        float            embedding[64];
        unsigned char    rgb[16 * 16 * 3];
        int              train_calls = 0;

        snprintf(path, sizeof path, "%s/captions.jsonl", dir);
        CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &captions) == DE_OK);
        snprintf(path, sizeof path, "%s/seed_train.jsonl", dir);
        CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &seed) == DE_OK);
        snprintf(path, sizeof path, "%s/test.jsonl", dir);
        CHECK(de_dataset_load(path, DE_FORMAT_JSONL, NULL, &test) == DE_OK);

        CHECK(de_train_options_init(&to, sizeof to) == DE_OK);
        CHECK(to.steps == 300 && to.batch_size == 64);
        to.steps              = 8;
        to.batch_size         = 8;
        to.threads            = 1;
        to.warmup_steps       = 2;
        to.progress           = count_progress;
        to.progress_user_data = &train_calls;
        source.data   = captions;
        source.kind   = DE_SOURCE_CAPTIONS;
        source.weight = 1.0;
        CHECK(de_model_train(model, &source, 1, &to, &loss_captions) == DE_OK);
        CHECK(loss_captions > 0 && isfinite(loss_captions));
        CHECK(train_calls > 0);
        {
            /* The grounding objective (the captions' boxes) adds its own loss, from a head that
             * starts afresh: near ln(vocab) after a few steps, on top of the captions' loss. */
            double loss_grounded = 0;
            CHECK(to.grounding_weight == 0);
            to.grounding_weight = 1.0;
            CHECK(de_model_train(model, &source, 1, &to, &loss_grounded) == DE_OK);
            CHECK(loss_grounded > loss_captions + 1.0);
            to.grounding_weight = -1;
            CHECK(de_model_train(model, &source, 1, &to, NULL) == DE_EINVALID);
            CHECK(strstr(de_last_error(), "grounding_weight") != NULL);
            to.grounding_weight = 0;
        }
        source.data = seed;
        source.kind = DE_SOURCE_QUESTIONS;
        CHECK(de_model_train(model, &source, 1, &to, &loss_questions) == DE_OK);
        CHECK(loss_questions > 0);
        source.kind = 9;
        CHECK(de_model_train(model, &source, 1, &to, NULL) == DE_EINVALID);
        source.kind   = DE_SOURCE_QUESTIONS;
        source.weight = -1;
        CHECK(de_model_train(model, &source, 1, &to, NULL) == DE_EINVALID);
        CHECK(strstr(de_last_error(), "weights must be positive") != NULL);

        CHECK(de_model_score(model, test, 0, scores, 8, &count) == DE_OK);
        CHECK(count == 4);
        CHECK(scores[0] < 0 && scores[1] < 0);
        CHECK(de_model_score(model, test, 100000, scores, 8, &count) == DE_ERANGE);

        CHECK(de_model_evaluate(model, test, NULL, &report) == DE_OK);
        CHECK(de_report_overall(report, &overall) == DE_OK);
        CHECK(overall.n == 9 * 3 * 4);
        de_report_free(report);

        memset(rgb, 100, sizeof rgb);
        CHECK(de_model_embed_image(model, rgb, 16, 16, embedding, 64, &count) == DE_OK);
        CHECK(count == 64); /* mean and max of the stem's 32 features */
        CHECK(de_model_embed_image(model, rgb, 0, 16, embedding, 64, &count) == DE_EINVALID);
        CHECK(de_model_embed_sample(model, test, 0, embedding, 64, &count) == DE_OK);
        CHECK(count == 64 && fabs(embedding[0]) <= 1.0f);
        CHECK(de_model_embed_sample(model, test, 100000, embedding, 64, &count) == DE_ERANGE);

        /* Save and load: the same scores. */
        snprintf(path, sizeof path, "%s/model", dir);
        CHECK(de_model_save(model, path) == DE_OK);
        {
            /* The shape given at creation is the shape saved. */
            char   config[1024] = {0};
            FILE * f;
            snprintf(path, sizeof path, "%s/model/model.json", dir);
            f = fopen(path, "rb");
            CHECK(f != NULL);
            if (f) {
                CHECK(fread(config, 1, sizeof config - 1, f) > 0);
                fclose(f);
            }
            CHECK(strstr(config, "\"image_tokens_side\":4") != NULL && strstr(config, "\"prefix_side\":2") != NULL);
            CHECK(strstr(config, "\"bidirectional_prompt\":true") != NULL && strstr(config, "\"grid_convs\":1") != NULL);
            snprintf(path, sizeof path, "%s/model", dir);
        }
        {
            de_model_t * loaded = NULL;
            double       again[8];
            CHECK(de_model_load(path, &loaded) == DE_OK);
            CHECK(de_model_score(loaded, test, 0, again, 8, &count) == DE_OK);
            CHECK(fabs(again[0] - scores[0]) < 1e-5 && fabs(again[3] - scores[3]) < 1e-5);
            de_model_free(loaded);
            CHECK(de_model_load("/nonexistent/model", &loaded) == DE_ENOTFOUND && loaded == NULL);
        }
        de_dataset_free(captions);
        de_dataset_free(seed);
        de_dataset_free(test);
    }
    de_model_free(model);
    de_world_free(world);
    {
        char command[128];
        snprintf(command, sizeof command, "rm -rf %s", dir);
        if (system(command) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return check_summary();
}
