/* Drives a whole evaluation through the C ABI alone, and every error path on the way.
 * Plain C99: what a host in C, Rust or Go sees. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "dataengine.h"


#define CHECK_STATUS(expected, call) CHECK((call) == (expected))
#define CHECK_ERROR_MENTIONS(text) CHECK(strstr(de_last_error(), (text)) != NULL)

static char dir[64];

static void write_text(const char * name, const char * text) {
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE * f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

static const char * path_of(const char * name) {
    static char path[4][256];
    static int  next = 0;
    next = (next + 1) % 4;
    snprintf(path[next], sizeof path[next], "%s/%s", dir, name);
    return path[next];
}

/* 2 types x 2 questions, each with 2 circular copies (ids k*1000000 + i). */
static const char * kBench =
    "{\"id\": \"0\", \"question\": \"How many?\", \"options\": [\"1\", \"2\", \"3\", \"4\"], \"answer\": 1, \"type\": \"counting\", \"parent_type\": \"perception\", \"circular\": {\"group\": \"0\", \"rotation\": 0}}\n"
    "{\"id\": \"1000000\", \"question\": \"How many?\", \"options\": [\"2\", \"3\", \"4\", \"1\"], \"answer\": 0, \"type\": \"counting\", \"parent_type\": \"perception\", \"circular\": {\"group\": \"0\", \"rotation\": 1}}\n"
    "{\"id\": \"1\", \"question\": \"How many dogs?\", \"options\": [\"0\", \"5\"], \"answer\": 0, \"type\": \"counting\", \"parent_type\": \"perception\", \"circular\": {\"group\": \"1\", \"rotation\": 0}}\n"
    "{\"id\": \"1000001\", \"question\": \"How many dogs?\", \"options\": [\"5\", \"0\"], \"answer\": 1, \"type\": \"counting\", \"parent_type\": \"perception\", \"circular\": {\"group\": \"1\", \"rotation\": 1}}\n"
    "{\"id\": \"2\", \"question\": \"What does the sign say?\", \"hint\": \"Read it.\", \"options\": [\"STOP\", \"GO\"], \"answer\": 0, \"type\": \"ocr\", \"circular\": {\"group\": \"2\", \"rotation\": 0}, \"rationales\": [\"It is a stop sign.\"], \"image\": \"img/2.png\"}\n"
    "{\"id\": \"1000002\", \"question\": \"What does the sign say?\", \"hint\": \"Read it.\", \"options\": [\"GO\", \"STOP\"], \"answer\": 1, \"type\": \"ocr\", \"circular\": {\"group\": \"2\", \"rotation\": 1}, \"image\": \"img/2.png\"}\n"
    "{\"id\": \"3\", \"question\": \"Which word?\", \"options\": [\"cat\", \"dog\"], \"answer\": 1, \"type\": \"ocr\", \"circular\": {\"group\": \"3\", \"rotation\": 0}}\n"
    "{\"id\": \"1000003\", \"question\": \"Which word?\", \"options\": [\"dog\", \"cat\"], \"answer\": 0, \"type\": \"ocr\", \"circular\": {\"group\": \"3\", \"rotation\": 1}}\n";

static int log_calls = 0;
static void on_log(int32_t level, const char * message, void * user_data) {
    (void)level;
    (void)message;
    ++*(int *)user_data;
}

static int progress_calls = 0;
static int on_progress(const char * phase, int64_t done, int64_t total, void * user_data) {
    (void)done;
    (void)total;
    (void)user_data;
    if (strcmp(phase, "read") == 0) ++progress_calls;
    return 0;
}
static int stop_progress(const char * phase, int64_t done, int64_t total, void * user_data) {
    (void)phase;
    (void)done;
    (void)total;
    (void)user_data;
    return 1;
}

static void test_versions(void) {
    CHECK(de_abi_version() == DE_ABI_VERSION);
    CHECK(strcmp(de_version(), "0.1.0") == 0);
    CHECK(de_last_error() != NULL);
    CHECK(strcmp(de_status_string(DE_EFORMAT), "format error") == 0);
    CHECK(strcmp(de_status_string(12345), "unknown status") == 0);
    CHECK_STATUS(DE_EINVALID, de_set_log_level(99));
    CHECK_STATUS(DE_OK, de_set_log_callback(on_log, &log_calls));
    CHECK_STATUS(DE_OK, de_set_log_callback(NULL, NULL));
    de_string_free(NULL);
    de_dataset_free(NULL);
    de_evaluator_free(NULL);
    de_report_free(NULL);
}

static void test_options_init(void) {
    de_dataset_options o;
    memset(&o, 0xAB, sizeof o);
    CHECK_STATUS(DE_OK, de_dataset_options_init(&o, sizeof o));
    CHECK(o.struct_size == sizeof o);
    CHECK(o.strict == 1);
    CHECK(o.verify_images == 1);
    CHECK(o.image_root == NULL);
    CHECK(o.max_image_bytes == 64 * 1024 * 1024);
    CHECK(o.progress == NULL);
    CHECK_STATUS(DE_EINVALID, de_dataset_options_init(NULL, sizeof o));
    CHECK_STATUS(DE_EINVALID, de_dataset_options_init(&o, sizeof o + 8));
    CHECK_STATUS(DE_EINVALID, de_dataset_options_init(&o, 2));
    /* An older, smaller struct (only struct_size and strict): accepted, the rest untouched. */
    {
        de_dataset_options older;
        size_t             older_size = offsetof(de_dataset_options, image_root);
        memset(&older, 0xCD, sizeof older);
        CHECK_STATUS(DE_OK, de_dataset_options_init(&older, older_size));
        CHECK(older.strict == 1);
        CHECK(((unsigned char *)&older)[sizeof older - 1] == 0xCD);
    }
    {
        de_evaluator_options e;
        CHECK_STATUS(DE_OK, de_evaluator_options_init(&e, sizeof e));
        CHECK(e.circular == 0);
        CHECK(e.benchmark == NULL);
    }
}

static void test_dataset(de_dataset_t ** out_bench) {
    de_dataset_t *     bench = NULL;
    de_dataset_options o;
    size_t             count = 99, index = 0;
    de_sample_info     info;
    const char *       text = NULL;
    char *             json = NULL;
    int32_t            format = -1;

    CHECK_STATUS(DE_OK, de_format_from_name("jsonl", &format));
    CHECK(format == DE_FORMAT_JSONL);
    CHECK_STATUS(DE_EINVALID, de_format_from_name("xlsx", &format));
    CHECK_ERROR_MENTIONS("unknown format 'xlsx'");

    de_dataset_options_init(&o, sizeof o);
    o.progress = on_progress;
    CHECK_STATUS(DE_OK, de_dataset_load(path_of("bench.jsonl"), DE_FORMAT_JSONL, &o, &bench));
    CHECK(bench != NULL);
    CHECK(progress_calls > 0);
    CHECK_STATUS(DE_OK, de_dataset_count(bench, &count));
    CHECK(count == 8);

    CHECK_STATUS(DE_OK, de_dataset_find(bench, "2", &index));
    CHECK(index == 4);
    info.struct_size = sizeof info;
    CHECK_STATUS(DE_OK, de_dataset_sample(bench, index, &info));
    CHECK(strcmp(info.id, "2") == 0);
    CHECK(strcmp(info.question, "What does the sign say?") == 0);
    CHECK(strcmp(info.hint, "Read it.") == 0);
    CHECK(strcmp(info.type, "ocr") == 0);
    CHECK(strcmp(info.parent_type, "") == 0);
    CHECK(info.option_count == 2);
    CHECK(info.answer == 0);
    CHECK(info.image_kind == DE_IMAGE_FILE);
    CHECK(strcmp(info.image_path, "img/2.png") == 0);
    CHECK(strcmp(info.circular_group, "2") == 0);
    CHECK(info.rationale_count == 1);
    CHECK_STATUS(DE_OK, de_dataset_option(bench, index, 1, &text));
    CHECK(text && strcmp(text, "GO") == 0);
    CHECK_STATUS(DE_OK, de_dataset_rationale(bench, index, 0, &text));
    CHECK(text && strcmp(text, "It is a stop sign.") == 0);
    CHECK_STATUS(DE_OK, de_dataset_sample_json(bench, index, &json));
    CHECK(json && strstr(json, "\"id\":\"2\"") != NULL);
    de_string_free(json);

    /* An older, smaller de_sample_info: only the fields it has are written. */
    {
        de_sample_info small;
        memset(&small, 0xEE, sizeof small);
        small.struct_size = offsetof(de_sample_info, hint);
        CHECK_STATUS(DE_OK, de_dataset_sample(bench, 0, &small));
        CHECK(strcmp(small.question, "How many?") == 0);
        CHECK(((unsigned char *)&small.hint)[0] == 0xEE);
    }

    /* Error paths. */
    CHECK_STATUS(DE_EINVALID, de_dataset_count(NULL, &count));
    CHECK(count == 0);
    CHECK_STATUS(DE_EINVALID, de_dataset_count(bench, NULL));
    CHECK_STATUS(DE_ERANGE, de_dataset_sample(bench, 8, &info));
    CHECK_ERROR_MENTIONS("past the 8 samples");
    CHECK_STATUS(DE_ERANGE, de_dataset_option(bench, 0, 4, &text));
    CHECK(text == NULL);
    CHECK_STATUS(DE_ENOTFOUND, de_dataset_find(bench, "nope", &index));
    CHECK_ERROR_MENTIONS("'nope'");
    CHECK_STATUS(DE_ENOTFOUND, de_dataset_image_bytes(bench, 0, (const uint8_t **)&text, &count));
    info.struct_size = 0;
    CHECK_STATUS(DE_EINVALID, de_dataset_sample(bench, 0, &info));

    {
        de_dataset_t * none = (de_dataset_t *)&o; /* must be reset to NULL on failure */
        CHECK_STATUS(DE_EIO, de_dataset_load(path_of("missing.jsonl"), DE_FORMAT_JSONL, NULL, &none));
        CHECK(none == NULL);
        CHECK_ERROR_MENTIONS("missing.jsonl");
        CHECK_STATUS(DE_EINVALID, de_dataset_load(NULL, DE_FORMAT_JSONL, NULL, &none));
        CHECK_STATUS(DE_EINVALID, de_dataset_load(path_of("bench.jsonl"), 42, NULL, &none));
        CHECK_STATUS(DE_EFORMAT, de_dataset_load(path_of("broken.jsonl"), DE_FORMAT_JSONL, NULL, &none));
        CHECK_ERROR_MENTIONS("broken.jsonl: line 2");
        /* Lenient: the bad line is skipped and reported. */
        de_dataset_options_init(&o, sizeof o);
        o.strict = 0;
        CHECK_STATUS(DE_OK, de_dataset_load(path_of("broken.jsonl"), DE_FORMAT_JSONL, &o, &none));
        CHECK_STATUS(DE_OK, de_dataset_count(none, &count));
        CHECK(count == 1);
        CHECK_STATUS(DE_OK, de_dataset_read_report(none, &json));
        CHECK(json && strstr(json, "\"invalid JSON\":1") != NULL);
        de_string_free(json);
        de_dataset_free(none);
        /* A progress callback that says stop aborts the load. */
        o.progress = stop_progress;
        CHECK_STATUS(DE_EABORTED, de_dataset_load(path_of("bench.jsonl"), DE_FORMAT_JSONL, &o, &none));
        CHECK(none == NULL);
        /* A struct_size that matches no version of the struct. */
        o.struct_size = 3;
        CHECK_STATUS(DE_EINVALID, de_dataset_load(path_of("bench.jsonl"), DE_FORMAT_JSONL, &o, &none));
    }

    /* Saving: LLaVA QM-AE, then read back. A save into a missing directory fails cleanly. */
    CHECK_STATUS(DE_OK, de_dataset_save(bench, path_of("bench_llava.json"), DE_FORMAT_LLAVA, 1));
    {
        de_dataset_t * back = NULL;
        CHECK_STATUS(DE_OK, de_dataset_load(path_of("bench_llava.json"), DE_FORMAT_LLAVA, NULL, &back));
        CHECK_STATUS(DE_OK, de_dataset_count(back, &count));
        CHECK(count == 8);
        de_dataset_free(back);
    }
    CHECK_STATUS(DE_EIO, de_dataset_save(bench, path_of("no/such/dir/x.jsonl"), DE_FORMAT_JSONL, 0));
    CHECK_STATUS(DE_EINVALID, de_dataset_save(NULL, path_of("x.jsonl"), DE_FORMAT_JSONL, 0));
    *out_bench = bench;
}

static void test_evaluation(de_dataset_t * bench) {
    de_evaluator_t *     ev = NULL;
    de_evaluator_options eo;
    de_report_t *        report = NULL;
    de_score             score;
    size_t               n = 0;
    double               value = 0;
    int64_t              unextracted = -1, refused = -1, missing = -1;
    const char *         text = NULL;
    char *               json = NULL;
    const double         right_first[4] = {-0.1, -3.0, -4.0, -5.0};

    de_evaluator_options_init(&eo, sizeof eo);
    eo.circular  = 1;
    eo.benchmark = "capi-bench";
    CHECK_STATUS(DE_OK, de_evaluator_create(bench, &eo, &ev));
    /* The evaluator shares the benchmark: freeing the handle here must be safe later. */

    /* counting group 0: both right (text and scores). group 1: one copy wrong.
     * ocr group 2: right by letter on both. group 3: copies from the predictions file (one
     * unextractable). Circular: groups 0 and 2 right -> 2 of 4. */
    CHECK_STATUS(DE_OK, de_evaluator_add_text(ev, "0", "The answer is (B) 2"));
    CHECK_STATUS(DE_OK, de_evaluator_add_scores(ev, "1000000", right_first, 4));
    CHECK_STATUS(DE_OK, de_evaluator_add_letter(ev, "1", 'A'));
    CHECK_STATUS(DE_OK, de_evaluator_add_letter(ev, "1000001", 'A'));
    CHECK_STATUS(DE_OK, de_evaluator_add_letter(ev, "2", 'A'));
    CHECK_STATUS(DE_OK, de_evaluator_add_letter(ev, "1000002", 'B'));
    CHECK_STATUS(DE_OK, de_evaluator_add_file(ev, path_of("preds.jsonl"), DE_FORMAT_JSONL));
    CHECK_STATUS(DE_OK, de_evaluator_prediction_count(ev, &n));
    CHECK(n == 8);

    /* Error paths of adding. */
    CHECK_STATUS(DE_ENOTFOUND, de_evaluator_add_text(ev, "404", "A"));
    CHECK_ERROR_MENTIONS("unknown question id '404'");
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_text(ev, "0", "A"));
    CHECK_ERROR_MENTIONS("second prediction");
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_text(NULL, "0", "A"));
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_text(ev, NULL, "A"));
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_text(ev, "0", NULL));
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_scores(ev, "3", NULL, 4));
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_aokvqa(ev, "3", NULL, NULL));
    CHECK_STATUS(DE_EIO, de_evaluator_add_file(ev, path_of("nope.jsonl"), DE_FORMAT_JSONL));
    CHECK_STATUS(DE_EFORMAT, de_evaluator_add_file(ev, path_of("bad_preds.jsonl"), DE_FORMAT_JSONL));
    CHECK_ERROR_MENTIONS("bad_preds.jsonl: line 1");
    CHECK_STATUS(DE_EINVALID, de_evaluator_add_file(ev, path_of("preds.jsonl"), 77));
    {
        de_evaluator_t * other = (de_evaluator_t *)&eo; /* must be reset to NULL on failure */
        CHECK_STATUS(DE_EINVALID, de_evaluator_create(NULL, NULL, &other));
        CHECK(other == NULL);
        eo.struct_size = 1;
        CHECK_STATUS(DE_EINVALID, de_evaluator_create(bench, &eo, &other));
        CHECK_STATUS(DE_EINVALID, de_evaluator_create(bench, NULL, NULL));
    }

    CHECK_STATUS(DE_OK, de_evaluator_finish(ev, &report));
    CHECK_STATUS(DE_OK, de_report_overall(report, &score));
    CHECK(score.n == 4);
    CHECK(score.correct == 2);
    CHECK(fabs(score.accuracy - 0.5) < 1e-12);
    CHECK_STATUS(DE_OK, de_report_type_count(report, &n));
    CHECK(n == 2);
    CHECK_STATUS(DE_OK, de_report_type_name(report, 0, &text));
    CHECK(text && strcmp(text, "counting") == 0);
    CHECK_STATUS(DE_ERANGE, de_report_type_name(report, 2, &text));
    CHECK_STATUS(DE_OK, de_report_type_score(report, "counting", &score));
    CHECK(score.n == 2 && score.correct == 1);
    CHECK_STATUS(DE_OK, de_report_type_score(report, "ocr", &score));
    CHECK(score.n == 2 && score.correct == 1);
    CHECK_STATUS(DE_ENOTFOUND, de_report_type_score(report, "music", &score));
    CHECK_STATUS(DE_OK, de_report_parent_type_score(report, "perception", &score));
    CHECK(score.n == 2);
    CHECK_STATUS(DE_OK, de_report_metric(report, "circular_accuracy", &value));
    CHECK(fabs(value - 0.5) < 1e-12);
    CHECK_STATUS(DE_OK, de_report_metric(report, "vanilla_accuracy", &value));
    CHECK(fabs(value - 0.75) < 1e-12); /* originals 0, 1, 2 right; 3 unextracted */
    CHECK_STATUS(DE_ENOTFOUND, de_report_metric(report, "bleu", &value));
    CHECK_STATUS(DE_OK, de_report_problems(report, &unextracted, &refused, &missing));
    CHECK(unextracted == 1 && refused == 0 && missing == 0);
    CHECK_STATUS(DE_OK, de_report_bad_case_count(report, "ocr", &n));
    CHECK(n == 2);
    CHECK_STATUS(DE_OK, de_report_bad_case(report, "ocr", 0, &text));
    CHECK(text && strcmp(text, "3") == 0);
    CHECK_STATUS(DE_ERANGE, de_report_bad_case(report, "ocr", 2, &text));
    CHECK_STATUS(DE_OK, de_report_bad_case_count(report, "counting", &n));
    CHECK(n == 2);

    CHECK_STATUS(DE_OK, de_report_json(report, &json));
    CHECK(json && strstr(json, "\"overall\":{\"n\":4,\"correct\":2,\"accuracy\":0.5}") != NULL);
    {
        de_report_t * again = NULL;
        de_report_t * merged = NULL;
        const de_report_t * both[2];
        CHECK_STATUS(DE_OK, de_report_from_json(json, &again));
        CHECK_STATUS(DE_OK, de_report_overall(again, &score));
        CHECK(score.correct == 2);
        both[0] = report;
        both[1] = again;
        CHECK_STATUS(DE_EINVALID, de_report_merge(both, 2, &merged)); /* the same questions twice */
        CHECK(merged == NULL);
        CHECK_ERROR_MENTIONS("in two shards");
        CHECK_STATUS(DE_OK, de_report_merge(both, 1, &merged));
        CHECK_STATUS(DE_OK, de_report_overall(merged, &score));
        CHECK(score.correct == 2);
        de_report_free(merged);
        de_report_free(again);
        CHECK_STATUS(DE_EFORMAT, de_report_from_json("{\"benchmark\": 3}", &again));
        CHECK(again == NULL);
        CHECK_STATUS(DE_EFORMAT, de_report_from_json("{not json", &again));
    }
    de_string_free(json);
    CHECK_STATUS(DE_OK, de_report_markdown(report, &json));
    CHECK(json && strstr(json, "| ocr | 2 | 1 | 50.0% |") != NULL);
    de_string_free(json);

    CHECK_STATUS(DE_EINVALID, de_report_overall(NULL, &score));
    CHECK_STATUS(DE_EINVALID, de_report_json(report, NULL));
    {
        de_report_t * none = (de_report_t *)&score;
        CHECK_STATUS(DE_EINVALID, de_evaluator_finish(NULL, &none));
        CHECK(none == NULL);
    }
    de_report_free(report);
    de_evaluator_free(ev);
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/de-capi-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    write_text("bench.jsonl", kBench);
    write_text("broken.jsonl", "{\"id\": \"a\", \"question\": \"q\"}\n{\"id\": \"b\", \"question\": \n");
    write_text("preds.jsonl", "{\"id\": \"3\", \"prediction\": \"I cannot tell\"}\n{\"id\": \"1000003\", \"prediction\": \"A\"}\n");
    write_text("bad_preds.jsonl", "{\"id\": \"3\", \"prediction\": 5}\n");

    test_versions();
    test_options_init();
    {
        de_dataset_t * bench = NULL;
        test_dataset(&bench);
        {
            /* The evaluator outlives the dataset handle. */
            de_evaluator_t * ev = NULL;
            CHECK_STATUS(DE_OK, de_evaluator_create(bench, NULL, &ev));
            de_dataset_free(bench);
            CHECK_STATUS(DE_OK, de_evaluator_add_letter(ev, "0", 'B'));
            {
                de_report_t * r = NULL;
                de_score      s;
                CHECK_STATUS(DE_OK, de_evaluator_finish(ev, &r));
                CHECK_STATUS(DE_OK, de_report_overall(r, &s));
                CHECK(s.n == 8 && s.correct == 1);
                de_report_free(r);
            }
            de_evaluator_free(ev);
        }
        CHECK_STATUS(DE_OK, de_dataset_load(path_of("bench.jsonl"), DE_FORMAT_JSONL, NULL, &bench));
        test_evaluation(bench);
        de_dataset_free(bench);
    }
    {
        char command[128];
        snprintf(command, sizeof command, "rm -rf %s", dir);
        if (system(command) != 0) fprintf(stderr, "could not remove %s\n", dir);
    }
    return check_summary();
}
