/* A host in C runs IPO with its own reviewer and rewriter callbacks (and the world's generator),
 * stops reviewing midway, resumes from the state file, and reads versions and acceptance. No
 * LibTorch kernels run: it also runs under the sanitizers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dataengine.h"

typedef struct {
    int verdicts;  /* given so far */
    int quit_at;   /* stop (return 1) when this many were given; -1: never */
} reviewer_state;

/* A strict reviewer: rejects questions whose rationale is missing or short, accepts the rest. */
static int32_t review(const de_review_item * item, de_verdict_t * verdict, void * user_data) {
    reviewer_state * s = (reviewer_state *)user_data;
    if (s->verdicts == s->quit_at) return 1;
    ++s->verdicts;
    if (item->index >= item->total || item->type == NULL || strstr(item->sample_json, "\"question\"") == NULL) return 9;
    if (strstr(item->sample_json, "\"rationales\":[]") != NULL)
        return de_verdict_set(verdict, 0, DE_REVIEW_POOR_RATIONALE, "no explanation") == DE_OK ? 0 : 2;
    return de_verdict_set(verdict, 1, 0, NULL) == DE_OK ? 0 : 2;
}

static int rewrites = 0;

/* A rewriter that appends one instruction to the prompt it finds between the markers. */
static int32_t rewrite(const char * request_json, de_llm_reply_t * reply, void * user_data) {
    (void)user_data;
    ++rewrites;
    if (strstr(request_json, "<<<PROMPT") == NULL) return 5;
    if (rewrites == 1) return de_llm_reply_set(reply, "no placeholders here") == DE_OK ? 0 : 2;  /* refused, asked again */
    return de_llm_reply_set(reply,
                            "Write a \\\"{type}\\\" question ({definition}) about: {description}\nExamples: {examples}\n"
                            "Check the answer against the description. Never mention coordinates. Always include an explanation.\n"
                            "Reply in exactly this layout:\nQuestion: ...\nChoices: (A) ... (B) ... (C) ... (D) ...\n"
                            "Answer: The answer is (X): ...") == DE_OK ? 0 : 2;
}

int main(void) {
    de_world_options wo;
    de_world_t *     world = NULL;
    CHECK(de_world_options_init(&wo, sizeof wo) == DE_OK);
    wo.seed           = 4;
    wo.per_type       = 6;
    wo.pool_images    = 300;
    wo.caption_images = 1;
    CHECK(de_world_create(&wo, &world) == DE_OK);
    de_dataset_t * dev  = NULL;
    de_pool_t *    pool = NULL;
    CHECK(de_world_questions(world, DE_SPLIT_DEV, &dev) == DE_OK);
    CHECK(de_world_pool(world, "/nonexistent-world-dir", &pool) == DE_OK);

    char state[] = "/tmp/de-capi-ipo-XXXXXX";
    CHECK(mkdtemp(state) != NULL);
    char path[256];
    snprintf(path, sizeof path, "%s/ipo.json", state);

    de_gen_options go;
    CHECK(de_gen_options_init(&go, sizeof go) == DE_OK);
    go.backend           = DE_BACKEND_WORLD;
    go.world             = world;
    go.mistake_rate      = 0.5;
    go.require_rationale = 0;  /* the reviewer judges rationales */
    de_ipo_options io;
    CHECK(de_ipo_options_init(&io, sizeof io) == DE_OK);
    CHECK(io.batch_size == 40 && io.target == 0.9 && io.max_rounds == 6);
    io.state_path = path;
    io.batch_size = 12;
    io.max_rounds = 2;
    io.types      = "counting,attribute";

    /* Argument checks. */
    de_ipo_t * ipo = NULL;
    CHECK(de_ipo_create(NULL, pool, dev, &go, &ipo) == DE_EINVALID && ipo == NULL);
    io.struct_size = 3;
    CHECK(de_ipo_create(&io, pool, dev, &go, &ipo) == DE_EINVALID);
    io.struct_size = sizeof io;
    io.prompt_text = "a prompt without placeholders";
    CHECK(de_ipo_create(&io, pool, dev, &go, &ipo) != DE_OK && strstr(de_last_error(), "placeholder") != NULL);
    io.prompt_text = NULL;
    CHECK(de_verdict_set(NULL, 1, 0, NULL) == DE_EINVALID);

    /* First session: the reviewer quits after 4 verdicts. */
    reviewer_state rs = {0, 4};
    CHECK(de_ipo_create(&io, pool, dev, &go, &ipo) == DE_OK);
    CHECK(de_ipo_set_reviewer(ipo, review, &rs) == DE_OK);
    CHECK(de_ipo_set_rewriter(ipo, rewrite, NULL) == DE_OK);
    int32_t complete = 1;
    CHECK(de_ipo_run_round(ipo, NULL, NULL, &complete) == DE_OK && complete == 0);
    de_ipo_free(ipo);

    /* Second session on the same state file: continues, then runs to the end. */
    rs.quit_at = -1;
    ipo        = NULL;
    CHECK(de_ipo_create(&io, pool, dev, &go, &ipo) == DE_OK);
    CHECK(de_ipo_set_reviewer(ipo, review, &rs) == DE_OK);
    CHECK(de_ipo_set_rewriter(ipo, rewrite, NULL) == DE_OK);
    int32_t stop = -1;
    CHECK(de_ipo_run(ipo, NULL, NULL, &stop) == DE_OK);
    CHECK(stop == DE_IPO_STOP_TARGET || stop == DE_IPO_STOP_ROUNDS);
    size_t versions = 0, batches = 0, best = 99;
    CHECK(de_ipo_version_count(ipo, &versions) == DE_OK && versions >= 1);
    CHECK(de_ipo_batch_count(ipo, &batches) == DE_OK && batches >= 1 && batches <= 2);
    CHECK(de_ipo_best(ipo, &best) == DE_OK && best < versions);
    int32_t accepted = -1, total = -1;
    double  low = -1, high = -1;
    CHECK(de_ipo_batch_acceptance(ipo, 0, &accepted, &total, &low, &high) == DE_OK);
    CHECK(total == 12 && accepted >= 0 && accepted <= total && low <= high);
    CHECK(de_ipo_batch_acceptance(ipo, 99, NULL, NULL, NULL, NULL) == DE_ERANGE);
    if (versions >= 2) {
        de_ipo_version v;
        CHECK(de_ipo_get_version(ipo, 1, &v) == DE_OK);
        CHECK(strcmp(v.parent, "v0") == 0 && strstr(v.prompt, "Never mention coordinates") != NULL);
        CHECK(rewrites >= 2);  /* the first reply was refused and asked again */
    }
    char * json = NULL;
    CHECK(de_ipo_json(ipo, &json) == DE_OK && json && strstr(json, "\"best\"") != NULL);
    CHECK(json && strstr(json, "placeholder") != NULL);  /* the refused rewrite is on record */
    de_string_free(json);
    char * md = NULL;
    CHECK(de_ipo_report_markdown(ipo, &md) == DE_OK && md && strstr(md, "| round |") != NULL);
    de_string_free(md);
    /* 4 verdicts in session one were kept: session two did not ask for them again. */
    CHECK(rs.verdicts >= 4);
    de_ipo_free(ipo);

    remove(path);
    rmdir(state);
    de_pool_free(pool);
    de_dataset_free(dev);
    de_world_free(world);
    return check_summary();
}
