/* A world directory reopened through dataengine.h: de_world_open gives back the world its
 * world.json records; a world.json from another generator version is refused, naming the file;
 * and a loop refuses a world directory made with other settings than its own. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static char * read_text(const char * path) {
    FILE * f = fopen(path, "rb");
    if (!f) return NULL;
    char * text = calloc(1, 1 << 16);
    if (text) fread(text, 1, (1 << 16) - 1, f);
    fclose(f);
    return text;
}

static int write_text(const char * path, const char * text) {
    FILE * f = fopen(path, "wb");
    if (!f) return 0;
    const int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok;
}

int main(void) {
    char dir[64] = "/tmp/de-capi-world-XXXXXX";
    char path[256], state[256];
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    de_world_options wo;
    de_world_t *     world = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    wo.seed           = 11;
    wo.per_type       = 2;
    wo.pool_images    = 3;
    wo.caption_images = 1;
    wo.seed_counts    = "scene=2,identity=1,attribute=0,location=0,counting=0,spatial relation=0,interaction=0,reasoning=0,text=0";
    CHECK(de_world_create(&wo, &world) == DE_OK);
    CHECK(de_world_write(world, dir, NULL, NULL) == DE_OK);

    /* Reopened, it is the same world: the same scene descriptions and questions. */
    de_world_t * reopened = NULL;
    CHECK(de_world_open(dir, &reopened) == DE_OK && reopened != NULL);
    char *a = NULL, *b = NULL;
    CHECK(de_world_scene_json(world, DE_SPLIT_TEST, 1, &a) == DE_OK);
    CHECK(de_world_scene_json(reopened, DE_SPLIT_TEST, 1, &b) == DE_OK);
    CHECK(a && b && strcmp(a, b) == 0);
    de_string_free(a);
    de_string_free(b);
    de_dataset_t * seed = NULL;
    size_t         n    = 0;
    CHECK(de_world_questions(reopened, DE_SPLIT_SEED_TRAIN, &seed) == DE_OK);
    CHECK(de_dataset_count(seed, &n) == DE_OK && n == 3);
    de_dataset_free(seed);

    /* A loop whose own world (defaults, seed 11) is not this one refuses the directory. */
    snprintf(state, sizeof state, "%s/state", dir);
    de_loop_options lo;
    de_loop_t *     loop = NULL;
    CHECK(de_loop_options_init(&lo, sizeof lo) == DE_OK);
    lo.state_dir  = state;
    lo.world_dir  = dir;
    lo.world_seed = 11;
    CHECK(de_loop_create(&lo, &loop) == DE_EINVALID && loop == NULL);
    CHECK(strstr(de_last_error(), "other settings") != NULL && strstr(de_last_error(), dir) != NULL);

    /* world.json written before the generator version was recorded: refused, the file named. */
    snprintf(path, sizeof path, "%s/world.json", dir);
    char * text = read_text(path);
    CHECK(text != NULL);
    if (text) {
        char * version = strstr(text, "\"generator\":");
        CHECK(version != NULL);
        if (version) {
            char * comma = strchr(version, ',');
            memmove(version, comma + 1, strlen(comma + 1) + 1);
            CHECK(write_text(path, text));
        }
        free(text);
    }
    de_world_t * old = NULL;
    CHECK(de_world_open(dir, &old) == DE_EFORMAT && old == NULL);
    CHECK(strstr(de_last_error(), path) != NULL && strstr(de_last_error(), "version 0") != NULL);
    snprintf(state, sizeof state, "%s/state2", dir);
    lo.state_dir = state;
    CHECK(de_loop_create(&lo, &loop) == DE_EINVALID && loop == NULL);
    CHECK(strstr(de_last_error(), "version 0") != NULL);

    /* Arguments. */
    CHECK(de_world_open(NULL, &old) == DE_EINVALID);
    CHECK(de_world_open(dir, NULL) == DE_EINVALID);
    snprintf(path, sizeof path, "%s/none", dir);
    CHECK(de_world_open(path, &old) == DE_ENOTFOUND && old == NULL);

    de_world_free(reopened);
    de_world_free(world);
    snprintf(path, sizeof path, "rm -rf '%s'", dir);
    if (system(path) != 0) fprintf(stderr, "could not remove %s\n", dir);
    return check_summary();
}
