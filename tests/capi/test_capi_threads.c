/* Thread-safety as the header states it: one dataset and one world read by
 * several threads at once, each thread with its own evaluator over the shared benchmark (the
 * reports come out identical), and de_last_error() kept per thread. Runs under the sanitizers. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "dataengine.h"

#define THREADS 4

typedef struct {
    const de_dataset_t * dev;
    const de_world_t *   world;
    char *               report_json;  /* this thread's evaluation */
    int                  errors;       /* failed reads */
    int                  error_kept;   /* de_last_error() still this thread's own message */
} job;

static void * work(void * arg) {
    job *  j = (job *)arg;
    size_t n = 0;
    if (de_dataset_count(j->dev, &n) != DE_OK) ++j->errors;
    /* A failure of this thread's own, whose message must survive the other threads' failures. */
    size_t missing = 0;
    if (de_dataset_find(j->dev, "no-such-id", &missing) == DE_OK) ++j->errors;
    char mine[256];
    strncpy(mine, de_last_error(), sizeof mine - 1);
    mine[sizeof mine - 1] = '\0';

    de_evaluator_options o;
    de_evaluator_t *     ev     = NULL;
    de_report_t *        report = NULL;
    if (de_evaluator_options_init(&o, sizeof o) != DE_OK) ++j->errors;
    o.circular = 1;
    if (de_evaluator_create(j->dev, &o, &ev) != DE_OK) ++j->errors;
    for (size_t i = 0; i < n; ++i) {
        de_sample_info info;
        const char *   option = NULL;
        char *         json   = NULL;
        info.struct_size = sizeof info;
        if (de_dataset_sample(j->dev, i, &info) != DE_OK || de_dataset_option(j->dev, i, 0, &option) != DE_OK ||
            de_dataset_sample_json(j->dev, i, &json) != DE_OK)
            ++j->errors;
        de_string_free(json);
        /* A fixed rule every thread applies the same way: A or B by the id's last character. */
        const char letter = (info.id[strlen(info.id) - 1] % 2) ? 'A' : 'B';
        if (de_evaluator_add_letter(ev, info.id, letter) != DE_OK) ++j->errors;
        const char * name = NULL;
        const char * definition = NULL;
        if (de_world_type(i % 9, &name, &definition) != DE_OK) ++j->errors;
    }
    if (de_evaluator_finish(ev, &report) != DE_OK || de_report_json(report, &j->report_json) != DE_OK) ++j->errors;
    de_report_free(report);
    de_evaluator_free(ev);
    j->error_kept = strcmp(mine, de_last_error()) == 0 && strstr(mine, "no-such-id") != NULL;
    return NULL;
}

int main(void) {
    de_world_options wo;
    de_world_t *     world = NULL;
    de_dataset_t *   dev   = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    wo.per_type       = 12;
    wo.pool_images    = 10;
    wo.caption_images = 1;
    CHECK(de_world_create(&wo, &world) == DE_OK);
    CHECK(de_world_questions(world, DE_SPLIT_DEV, &dev) == DE_OK);

    pthread_t threads[THREADS];
    job       jobs[THREADS];
    for (int t = 0; t < THREADS; ++t) {
        jobs[t].dev = dev;
        jobs[t].world = world;
        jobs[t].report_json = NULL;
        jobs[t].errors = 0;
        jobs[t].error_kept = 0;
        CHECK(pthread_create(&threads[t], NULL, work, &jobs[t]) == 0);
    }
    for (int t = 0; t < THREADS; ++t) CHECK(pthread_join(threads[t], NULL) == 0);
    for (int t = 0; t < THREADS; ++t) {
        CHECK(jobs[t].errors == 0);
        CHECK(jobs[t].error_kept);
        CHECK(jobs[t].report_json != NULL && strstr(jobs[t].report_json, "\"overall\"") != NULL);
        if (t > 0 && jobs[t].report_json && jobs[0].report_json) CHECK(strcmp(jobs[t].report_json, jobs[0].report_json) == 0);
    }
    for (int t = 0; t < THREADS; ++t) de_string_free(jobs[t].report_json);
    de_dataset_free(dev);
    de_world_free(world);
    return check_summary();
}
