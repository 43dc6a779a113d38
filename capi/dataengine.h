/* dataengine.h: the stable C ABI of dataengine (DESIGN §6). Pure C99.
 *
 * Conventions
 *   - Objects are opaque handles de_x_t, made by de_x_create / de_x_load(..., de_x_t **out) and
 *     released by de_x_free(x); passing NULL to a _free function is fine.
 *   - Every fallible call returns a de_status: DE_OK (0) or a negative error. The message of the
 *     last failure on the calling thread is de_last_error() (borrowed, never NULL, valid until the
 *     next failing call on that thread). On failure, out-parameters are set to NULL / 0.
 *   - Options structs start with struct_size, are filled by de_x_options_init(&o, sizeof o), are
 *     passed by pointer (NULL means defaults) and only ever grow at the end: a host built against
 *     an older header keeps working.
 *   - Strings are UTF-8. A returned `const char *` is borrowed (its lifetime is stated); a
 *     returned `char *` is owned by the caller and released with de_string_free.
 *   - Callbacks are a function pointer plus a void *user_data; a non-zero return aborts the work,
 *     which then fails with DE_EABORTED. No C++ exception ever crosses this boundary.
 *   - Only de_* symbols are exported.
 */
#ifndef DATAENGINE_H
#define DATAENGINE_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#  if defined(DE_BUILDING_LIBRARY)
#    define DE_API __declspec(dllexport)
#  else
#    define DE_API __declspec(dllimport)
#  endif
#else
#  define DE_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ------------------------------------------------------------------------------------------ */
/* Versions */

#define DE_VERSION_MAJOR 0
#define DE_VERSION_MINOR 1
#define DE_VERSION_PATCH 0
/* Bumped on any incompatible change of this header's types or functions. */
#define DE_ABI_VERSION 1

DE_API const char * de_version(void);     /* "0.1.0", static */
DE_API int32_t      de_abi_version(void); /* DE_ABI_VERSION of the library actually loaded */

/* ------------------------------------------------------------------------------------------ */
/* Status codes. Values are never renumbered. */

typedef int32_t de_status;
#define DE_OK           0
#define DE_EINVALID    -1   /* a bad argument or option */
#define DE_ENOMEM      -2
#define DE_EIO         -3   /* a file could not be opened, read or written */
#define DE_EFORMAT     -4   /* malformed input */
#define DE_ENOTFOUND   -5   /* no such id, type or file */
#define DE_ERANGE      -6   /* an index out of range */
#define DE_EABORTED    -7   /* a callback asked to stop */
#define DE_EUNSUPPORTED -8
#define DE_ELIMIT      -9   /* input over a configured limit */
#define DE_EINTERNAL -100

/* The message of the last failure on this thread: borrowed, never NULL ("" if none yet). */
DE_API const char * de_last_error(void);
/* A static, short description of a status, e.g. "format error". */
DE_API const char * de_status_string(de_status status);

/* Releases strings returned as `char *` by this library. NULL is fine. */
DE_API void de_string_free(char * string);

/* ------------------------------------------------------------------------------------------ */
/* Logging. One process-wide sink; by default messages go to stderr. */

#define DE_LOG_DEBUG 0
#define DE_LOG_INFO  1
#define DE_LOG_WARN  2
#define DE_LOG_ERROR 3
#define DE_LOG_OFF   4

/* `message` is borrowed for the duration of the call. Called from whichever thread logs, one
 * message at a time. */
typedef void (*de_log_fn)(int32_t level, const char * message, void * user_data);

/* fn == NULL restores the default sink. */
DE_API de_status de_set_log_callback(de_log_fn fn, void * user_data);
DE_API de_status de_set_log_level(int32_t level);

/* Progress of long work: return non-zero to abort (the call then fails with DE_EABORTED).
 * `phase` is borrowed for the call; total is 0 when unknown. Called on the calling thread. */
typedef int (*de_progress_fn)(const char * phase, int64_t done, int64_t total, void * user_data);

/* ------------------------------------------------------------------------------------------ */
/* Datasets: benchmark and training data in any supported format.
 * Thread-safety: a dataset is immutable once loaded; any number of threads may read it. */

typedef struct de_dataset de_dataset_t;

#define DE_FORMAT_JSONL   0  /* native JSON lines, lossless */
#define DE_FORMAT_MMBENCH 1  /* MMBench TSV (VLMEvalKit) */
#define DE_FORMAT_AOKVQA  2  /* A-OKVQA JSON */
#define DE_FORMAT_SEED    3  /* SEED-Bench JSON */
#define DE_FORMAT_LLAVA   4  /* LLaVA conversation JSON */

/* Parses "jsonl", "mmbench", "aokvqa", "seed" or "llava". */
DE_API de_status de_format_from_name(const char * name, int32_t * out);

typedef struct de_dataset_options {
    size_t         struct_size;        /* set by de_dataset_options_init */
    int32_t        strict;             /* 1 (default): fail on the first bad record; 0: skip and count */
    const char *   image_root;         /* NULL (default): the directory of the file */
    int32_t        keep_none_literal;  /* MMBench: an option cell "None" is text (default 0) */
    int32_t        verify_images;      /* MMBench: check each base64 image's header (default 1) */
    int64_t        max_image_bytes;    /* default 64 MiB */
    int64_t        max_image_pixels;   /* default 40 000 000 */
    de_progress_fn progress;           /* default NULL */
    void *         progress_user_data;
    /* append new fields here, never insert */
} de_dataset_options;

DE_API de_status de_dataset_options_init(de_dataset_options * options, size_t struct_size);

/* Loads `path` in `format` (a DE_FORMAT_*). options may be NULL. On success *out owns the dataset. */
DE_API de_status de_dataset_load(const char * path, int32_t format, const de_dataset_options * options,
                                 de_dataset_t ** out);
DE_API void      de_dataset_free(de_dataset_t * dataset);

/* What the load skipped (lenient mode), as owned JSON:
 * {"records": n, "accepted": n, "skipped": {"reason": count}, "messages": [...]}. */
DE_API de_status de_dataset_read_report(const de_dataset_t * dataset, char ** out_json);

/* Writes atomically. llava_with_rationale selects the QM-AE style for DE_FORMAT_LLAVA. */
DE_API de_status de_dataset_save(const de_dataset_t * dataset, const char * path, int32_t format,
                                 int32_t llava_with_rationale);

DE_API de_status de_dataset_count(const de_dataset_t * dataset, size_t * out);
/* Position of the sample with this id; DE_ENOTFOUND if none. */
DE_API de_status de_dataset_find(const de_dataset_t * dataset, const char * id, size_t * out_index);

#define DE_IMAGE_NONE   0
#define DE_IMAGE_FILE   1
#define DE_IMAGE_INLINE 2
#define DE_IMAGE_SCENE  3

/* A read-only view of one sample. Every pointer is borrowed from the dataset and valid until
 * de_dataset_free. Callers set struct_size = sizeof(de_sample_info); fields past it are not
 * written, so the struct can grow. */
typedef struct de_sample_info {
    size_t       struct_size;
    const char * id;
    const char * question;
    const char * hint;           /* "" if none */
    const char * type;           /* "" if none */
    const char * parent_type;    /* "" if none */
    size_t       option_count;   /* 0 for open-ended samples */
    int32_t      answer;         /* option index, or -1 when unknown */
    int32_t      image_kind;     /* DE_IMAGE_* */
    const char * image_path;     /* DE_IMAGE_FILE: relative to the root; DE_IMAGE_SCENE: scene id; else "" */
    const char * circular_group; /* "" if none */
    int32_t      rotation;
    size_t       direct_answer_count;
    size_t       rationale_count;
    /* append new fields here, never insert */
} de_sample_info;

DE_API de_status de_dataset_sample(const de_dataset_t * dataset, size_t index, de_sample_info * out);
/* Option k of sample `index` (borrowed, valid until de_dataset_free). */
DE_API de_status de_dataset_option(const de_dataset_t * dataset, size_t index, size_t k, const char ** out);
DE_API de_status de_dataset_direct_answer(const de_dataset_t * dataset, size_t index, size_t k, const char ** out);
DE_API de_status de_dataset_rationale(const de_dataset_t * dataset, size_t index, size_t k, const char ** out);
/* Encoded image bytes of a DE_IMAGE_INLINE sample (borrowed, valid until de_dataset_free). */
DE_API de_status de_dataset_image_bytes(const de_dataset_t * dataset, size_t index, const uint8_t ** out_data,
                                        size_t * out_size);
/* The sample's image decoded to RGB (width * height * 3 bytes, row-major): writes it when
 * capacity is large enough (else nothing) and always sets the size; call with out = NULL,
 * capacity = 0 to ask the size first. DE_ENOTFOUND when the sample has no file or inline image. */
DE_API de_status de_dataset_image_rgb(const de_dataset_t * dataset, size_t index, uint8_t * out, size_t capacity,
                                      int32_t * out_width, int32_t * out_height);
/* The sample as one owned native-JSON object. */
DE_API de_status de_dataset_sample_json(const de_dataset_t * dataset, size_t index, char ** out_json);

/* ------------------------------------------------------------------------------------------ */
/* Evaluation. An evaluator collects predictions for one benchmark, then scores them into a
 * report. Thread-safety: an evaluator is not; use one per thread. A report is immutable: any
 * number of threads may read it. */

typedef struct de_evaluator de_evaluator_t;
typedef struct de_report    de_report_t;

typedef struct de_evaluator_options {
    size_t       struct_size;  /* set by de_evaluator_options_init */
    int32_t      circular;     /* 1: a question counts only if all its circular copies are right (default 0) */
    const char * benchmark;    /* a name for the report (copied), default "" */
    /* append new fields here, never insert */
} de_evaluator_options;

DE_API de_status de_evaluator_options_init(de_evaluator_options * options, size_t struct_size);

/* The evaluator keeps its own reference to the dataset's contents: the dataset may be freed first. */
DE_API de_status de_evaluator_create(const de_dataset_t * benchmark, const de_evaluator_options * options,
                                     de_evaluator_t ** out);
DE_API void      de_evaluator_free(de_evaluator_t * evaluator);

/* One prediction per question id; DE_ENOTFOUND for an unknown id, DE_EINVALID for a repeat. */
DE_API de_status de_evaluator_add_text(de_evaluator_t * evaluator, const char * id, const char * text);
DE_API de_status de_evaluator_add_letter(de_evaluator_t * evaluator, const char * id, char letter);
DE_API de_status de_evaluator_add_scores(de_evaluator_t * evaluator, const char * id, const double * scores,
                                         size_t count);
/* A-OKVQA: the chosen option's text (may be NULL) and a direct answer (may be NULL). */
DE_API de_status de_evaluator_add_aokvqa(de_evaluator_t * evaluator, const char * id, const char * choice,
                                         const char * direct_answer);
/* Reads a predictions file written by the benchmark's own tools (see `dataengine eval --help`);
 * call it once per shard file. `format` is the benchmark's DE_FORMAT_*. */
DE_API de_status de_evaluator_add_file(de_evaluator_t * evaluator, const char * path, int32_t format);
DE_API de_status de_evaluator_prediction_count(const de_evaluator_t * evaluator, size_t * out);

/* Scores what was added. The evaluator stays usable (more predictions, another finish). */
DE_API de_status de_evaluator_finish(const de_evaluator_t * evaluator, de_report_t ** out);

DE_API void      de_report_free(de_report_t * report);
/* Merges reports of disjoint shards of one benchmark into the report of the whole. */
DE_API de_status de_report_merge(const de_report_t * const * reports, size_t count, de_report_t ** out);
/* Reads a report written by de_report_json. */
DE_API de_status de_report_from_json(const char * json, de_report_t ** out);

/* Counts and accuracy (a fraction in [0, 1]) overall (type == NULL) or for one question type. */
typedef struct de_score {
    int64_t n;
    int64_t correct;
    double  accuracy;
} de_score;

DE_API de_status de_report_overall(const de_report_t * report, de_score * out);
DE_API de_status de_report_type_count(const de_report_t * report, size_t * out);
/* Name of type i in sorted order (borrowed, valid until de_report_free). */
DE_API de_status de_report_type_name(const de_report_t * report, size_t i, const char ** out);
DE_API de_status de_report_type_score(const de_report_t * report, const char * type, de_score * out);
DE_API de_status de_report_parent_type_score(const de_report_t * report, const char * parent_type, de_score * out);
/* A named metric ("accuracy", "circular_accuracy", "direct_answer_accuracy", ...). */
DE_API de_status de_report_metric(const de_report_t * report, const char * name, double * out);
/* Answers that could not be read as an option, refusals, and questions without a prediction. */
DE_API de_status de_report_problems(const de_report_t * report, int64_t * out_unextracted, int64_t * out_refused,
                                    int64_t * out_missing);
/* Bad cases of one type: count, then ids (borrowed, valid until de_report_free). */
DE_API de_status de_report_bad_case_count(const de_report_t * report, const char * type, size_t * out);
DE_API de_status de_report_bad_case(const de_report_t * report, const char * type, size_t i, const char ** out);
/* The whole report as owned JSON / Markdown. */
DE_API de_status de_report_json(const de_report_t * report, char ** out);
DE_API de_status de_report_markdown(const de_report_t * report, char ** out);


/* ------------------------------------------------------------------------------------------ */
/* The embedded world (DESIGN §5): procedural scenes with ground truth, questions of nine types,
 * splits. Thread-safety: a world is immutable; any number of threads may use it. */

typedef struct de_world de_world_t;

#define DE_SPLIT_SEED_TRAIN 0
#define DE_SPLIT_DEV        1
#define DE_SPLIT_TEST       2
#define DE_SPLIT_POOL       3
#define DE_SPLIT_CAPTIONS   4
#define DE_SPLIT_EXTRA      5  /* fresh scenes for experiments that add data of one type */

typedef struct de_world_options {
    size_t       struct_size;     /* set by de_world_options_init */
    uint64_t     seed;            /* default 0 */
    int32_t      image_size;      /* pixels, default 64 */
    int32_t      per_type;        /* dev and test questions per type, default 300 */
    int32_t      pool_images;     /* default 5000 */
    int32_t      caption_images;  /* default 20000 */
    int32_t      circular;        /* dev/test carry 4 rotations of each question, default 1 */
    const char * seed_counts;     /* overrides, e.g. "counting=300,text=900"; NULL: the defaults */
    /* append new fields here, never insert */
} de_world_options;

DE_API de_status de_world_options_init(de_world_options * options, size_t struct_size);
DE_API de_status de_world_create(const de_world_options * options, de_world_t ** out);
/* The world a directory holds, as its world.json records it (written by de_world_write or
 * `dataengine world`): DE_ENOTFOUND without one, DE_EFORMAT when it is malformed or was made by
 * another version of the world generator (its questions would not match what this one adds). */
DE_API de_status de_world_open(const char * dir, de_world_t ** out);
DE_API void      de_world_free(de_world_t * world);

/* The nine question types: name and definition (borrowed, static). */
DE_API de_status de_world_type_count(size_t * out);
DE_API de_status de_world_type(size_t i, const char ** out_name, const char ** out_definition);

/* Writes images/, seed_train.jsonl, dev.jsonl/.tsv, test.jsonl/.tsv, pool.jsonl, captions.jsonl,
 * scenes.jsonl and world.json under `dir`. progress may be NULL. */
DE_API de_status de_world_write(const de_world_t * world, const char * dir, de_progress_fn progress, void * user_data);
/* The questions of DE_SPLIT_SEED_TRAIN, _DEV or _TEST as a dataset (images "images/<scene>.png"). */
DE_API de_status de_world_questions(const de_world_t * world, int32_t split, de_dataset_t ** out);
/* Scene `index` of a split: its text description (captions + boxes) and its graph as JSON. */
DE_API de_status de_world_describe(const de_world_t * world, int32_t split, uint64_t index, char ** out);
DE_API de_status de_world_scene_json(const de_world_t * world, int32_t split, uint64_t index, char ** out);

/* ------------------------------------------------------------------------------------------ */
/* Models (DESIGN §4.1): the built-in MLLM (LibTorch). Thread-safety: a model is not thread-safe;
 * use it from one thread at a time. Builds without LibTorch return DE_EUNSUPPORTED. */

typedef struct de_model de_model_t;

typedef struct de_model_options {
    size_t   struct_size;     /* set by de_model_options_init */
    int32_t  image_size;      /* default 64 */
    int32_t  dim;             /* default 128 */
    int32_t  heads;           /* default 4 */
    int32_t  encoder_layers;  /* default 2 */
    int32_t  decoder_layers;  /* default 2 */
    uint64_t seed;            /* weight initialisation, default 0 */
    int32_t  image_tokens_side; /* the encoder's token grid is side x side, default 8; image_size must be
                                   it times a power of two */
    int32_t  prefix_side;     /* image tokens the decoder sees, side x side, default 8; divides
                                 image_tokens_side (a smaller prefix concatenates neighbouring tokens) */
    int32_t  max_text_tokens; /* longest text the decoder reads, default 64 */
    int32_t  bidirectional_prompt; /* 1 (default): the prompt (question, options) joins the image in the
                                      decoder's bidirectional prefix; 0: only the image does (faster scoring) */
    int32_t  grid_convs;      /* 3x3 convolutions at the token grid after the stem, default 0 */
    /* append new fields here, never insert */
} de_model_options;

typedef struct de_train_options {
    size_t         struct_size;     /* set by de_train_options_init */
    int32_t        steps;           /* default 300 */
    int32_t        batch_size;      /* default 64 */
    double         learning_rate;   /* default 1e-3 (AdamW, warmup then cosine) */
    double         weight_decay;    /* default 0.01 */
    int32_t        warmup_steps;    /* default 30 */
    double         grad_clip;       /* default 1.0 */
    uint64_t       seed;            /* default 0 */
    int32_t        threads;         /* LibTorch threads, 0 (default): all cores */
    int32_t        with_rationale;  /* QM-AE targets, default 0 */
    de_progress_fn progress;        /* called on the calling thread; non-zero return aborts */
    void *         progress_user_data;
    /* Built-in model: where samples carry object boxes (extra "boxes", box lines as pool
     * descriptions print them), image tokens also learn the words naming the object at their
     * place; this weight scales that loss (0: off; default 0, stage 1's default 1). */
    double         grounding_weight;
    /* append new fields here, never insert */
} de_train_options;

#define DE_SOURCE_QUESTIONS 0  /* multiple-choice samples with answers (stage 2) */
#define DE_SOURCE_CAPTIONS  1  /* samples whose first direct answer is a caption (stage 1) */

typedef struct de_train_source {
    const de_dataset_t * data;
    int32_t              kind;    /* DE_SOURCE_* */
    double               weight;  /* sampling ratio among sources, > 0 */
} de_train_source;

DE_API de_status de_model_options_init(de_model_options * options, size_t struct_size);
DE_API de_status de_train_options_init(de_train_options * options, size_t struct_size);
/* Stage 1's defaults (1200 steps, learning rate 1e-3, 50 warmup steps, grounding 1), for
 * de_model_pretrained. */
DE_API de_status de_pretrain_options_init(de_train_options * options, size_t struct_size);

/* A new built-in model with random weights and the vocabulary of the world written in world_dir. */
DE_API de_status de_model_create_for_world(const char * world_dir, const de_model_options * options, de_model_t ** out);
/* The world's stage-1 model, trained on its captions or loaded from world_dir/stage1 (cached
 * per settings). `options`: from de_pretrain_options_init, or NULL for those defaults. */
DE_API de_status de_model_pretrained(const char * world_dir, const de_train_options * options, de_model_t ** out);
DE_API de_status de_model_load(const char * dir, de_model_t ** out);
DE_API de_status de_model_save(const de_model_t * model, const char * dir);
DE_API void      de_model_free(de_model_t * model);

/* Continues training on a mix of sources. out_final_loss (may be NULL): mean of the last steps. */
DE_API de_status de_model_train(de_model_t * model, const de_train_source * sources, size_t count,
                                const de_train_options * options, double * out_final_loss);
/* Log-likelihood of each option of sample `index`: writes min(count, capacity) values and sets
 * *out_count to the number of options. */
DE_API de_status de_model_score(de_model_t * model, const de_dataset_t * data, size_t index, double * out_scores,
                                size_t capacity, size_t * out_count);
/* The model answers every question of the benchmark; the evaluator scores the answers. */
DE_API de_status de_model_evaluate(de_model_t * model, const de_dataset_t * benchmark,
                                   const de_evaluator_options * options, de_report_t ** out);
/* An L2-normalised embedding of an RGB image (width * height * 3 bytes). */
DE_API de_status de_model_embed_image(de_model_t * model, const uint8_t * rgb, int32_t width, int32_t height,
                                      float * out, size_t capacity, size_t * out_dim);
/* The same for the image of sample `index` of a dataset (decoded from its file or inline bytes). */
DE_API de_status de_model_embed_sample(de_model_t * model, const de_dataset_t * data, size_t index, float * out,
                                       size_t capacity, size_t * out_dim);

/* A model the host built and trains in its own framework (PyTorch, Candle, Gorgonia, ...). The
 * engine evaluates it (de_model_evaluate), embeds pools with it (de_pool_embed) and trains it
 * (de_model_train) through these callbacks, so ABS, generation and evaluation run around a
 * model the library did not build. Callbacks run on the thread of the de_* call that needs
 * them, one at a time; a non-zero return fails that call with DE_EABORTED. */
typedef struct de_host_model {
    size_t struct_size;  /* set by de_host_model_init */
    void * user_data;    /* passed to every callback */
    /* Required. A log-likelihood (any score, higher = more likely) for each of the option_count
     * options of sample `index` of `data` (read it with de_dataset_sample / de_dataset_option;
     * `data` is borrowed for the call). rgb is the sample's decoded image, width * height * 3
     * bytes (NULL and 0 x 0 when it has none); circular copies of a question share one decode. */
    int32_t (*score)(const de_dataset_t * data, size_t index, const uint8_t * rgb, int32_t width, int32_t height,
                     double * out_scores, size_t option_count, void * user_data);
    /* Continues training on the mix of sources (datasets borrowed for the call). options->progress,
     * when set, takes ("train", step, steps) reports and returns non-zero to stop. Set
     * *out_final_loss if known. NULL: de_model_train fails with DE_EUNSUPPORTED. */
    int32_t (*train)(const de_train_source * sources, size_t count, const de_train_options * options,
                     double * out_final_loss, void * user_data);
    /* Writes embedding_dim floats describing an RGB image (the engine L2-normalises them).
     * NULL: de_pool_embed and de_model_embed_* fail with DE_EUNSUPPORTED. */
    int32_t (*embed)(const uint8_t * rgb, int32_t width, int32_t height, float * out, size_t dim, void * user_data);
    size_t embedding_dim;
    /* Saves the weights under dir. NULL: de_model_save fails with DE_EUNSUPPORTED. */
    int32_t (*save)(const char * dir, void * user_data);
    /* Called once by de_model_free (may be NULL), e.g. to release user_data. */
    void (*release)(void * user_data);
    /* append new fields here, never insert */
} de_host_model;

DE_API de_status de_host_model_init(de_host_model * host, size_t struct_size);
/* Copies *host; de_model_free calls host->release. Works in builds without LibTorch. */
DE_API de_status de_model_from_host(const de_host_model * host, de_model_t ** out);

/* ------------------------------------------------------------------------------------------ */
/* Image pools (DESIGN §3): unlabeled images with a description each, optionally an embedding.
 * Thread-safety: reading from many threads is safe; adding is not. */

typedef struct de_pool de_pool_t;

DE_API de_status de_pool_create(const char * image_root, de_pool_t ** out);
/* The embedded world's pool; its images are those de_world_write put under `world_dir`. */
DE_API de_status de_world_pool(const de_world_t * world, const char * world_dir, de_pool_t ** out);
DE_API void      de_pool_free(de_pool_t * pool);
/* `embedding` may be NULL (dim 0). DE_EINVALID on a duplicate id. */
DE_API de_status de_pool_add(de_pool_t * pool, const char * id, const char * image_path, const char * description,
                             const float * embedding, size_t dim);
DE_API de_status de_pool_count(const de_pool_t * pool, size_t * out);
/* Borrowed strings, valid until the pool is freed or added to. */
DE_API de_status de_pool_image(const de_pool_t * pool, size_t index, const char ** out_id, const char ** out_image_path,
                               const char ** out_description);
DE_API de_status de_pool_set_embedding(de_pool_t * pool, size_t index, const float * embedding, size_t dim);
/* Embeds every pool image with the model (decoding the files under the pool's root). */
DE_API de_status de_pool_embed(de_pool_t * pool, de_model_t * model, de_progress_fn progress, void * user_data);

/* ------------------------------------------------------------------------------------------ */
/* ABS (DESIGN §4.3): from an evaluation report and a pool, a plan of what to generate.
 * A plan is immutable; reading it from many threads is safe. */

typedef struct de_plan de_plan_t;

#define DE_REASON_SIMILAR 0
#define DE_REASON_EXPLORE 1

typedef struct de_abs_options {
    size_t        struct_size;           /* set by de_abs_options_init */
    const char *  preset;                /* "gain" (default), "v1", "v2", "uniform", "random" */
    int32_t       budget;                /* samples, default 1000 */
    uint64_t      seed;
    int32_t       examples_per_query;    /* default 2 */
    double        duplicate_similarity;  /* default 0.9 */
    int32_t       top_k;                 /* default 1000 */
    int32_t       explore_every;         /* default 2: every second query explores; 0: never */
    int32_t       max_objects;           /* default 0: no limit */
    /* Gain rule: earlier measurements as JSON, [{"type": "...", "added": N, "accuracy_gain": x,
     * "standard_error": s (optional, 0 or absent: exact)}], or NULL. */
    const char *  gains_json;
    /* Embeddings of benchmark samples' images (for similar queries): count ids, count x dim floats. */
    const char * const * example_ids;
    const float * example_embeddings;
    size_t        example_count;
    size_t        embedding_dim;
    /* Pool ids not to use again (earlier rounds). */
    const char * const * used_images;
    size_t        used_count;
    /* The weight rule's settings. Negative: the preset's value (de_abs_options_init sets -1). */
    double        gamma;             /* power rule w = max(weight_floor, e^gamma): v1 1, v2 0.5 */
    double        weight_floor;      /* weight of a type with (near) zero error */
    double        temperature;       /* > 1 flattens the weights, < 1 sharpens them */
    int32_t       min_bad_cases;     /* types with fewer bad cases get nothing (v1: 2) */
    double        prior_gain;        /* gain rule: the gain assumed before any was measured */
    double        gain_floor;        /* a measured gain counts at least this x the best one (0.1) */
    double        gain_memory;       /* each observation weighs this much less per later one (0.5) */
    /* Gain rule: 1 pulls measured gains that carry a "standard_error" towards their pooled mean
     * by their noise (the default), 0 takes them as measured; -1 (init): the preset's. */
    int32_t       shrink_gains;
    /* append new fields here, never insert */
} de_abs_options;

typedef struct de_plan_query {
    const char * type;       /* borrowed from the plan */
    const char * image_id;
    size_t       example_count;
    int32_t      reason;     /* DE_REASON_* */
    double       similarity;
} de_plan_query;

DE_API de_status de_abs_options_init(de_abs_options * options, size_t struct_size);
/* `benchmark` is the dataset the report scored (its bad cases are looked up there). */
DE_API de_status de_abs_plan(const de_report_t * report, const de_dataset_t * benchmark, const de_pool_t * pool,
                             const de_abs_options * options, de_plan_t ** out);
DE_API void      de_plan_free(de_plan_t * plan);
DE_API de_status de_plan_json(const de_plan_t * plan, char ** out);
DE_API de_status de_plan_from_json(const char * json, de_plan_t ** out);
DE_API de_status de_plan_query_count(const de_plan_t * plan, size_t * out);
DE_API de_status de_plan_get_query(const de_plan_t * plan, size_t i, de_plan_query * out);
DE_API de_status de_plan_query_example(const de_plan_t * plan, size_t i, size_t k, const char ** out);
DE_API de_status de_plan_type_count(const de_plan_t * plan, const char * type, int32_t * out);

/* ------------------------------------------------------------------------------------------ */
/* Generation (DESIGN §4.4): run a plan with an LLM backend, parse, validate, keep the accepted.
 * The host callback receives the request as JSON ({"prompt", "type", "definition", "image",
 * "description", "examples", "prompt_version", "seed"}) and answers with de_llm_reply_set; it is
 * called from the generator's worker threads (up to `concurrency` at once) and must be
 * thread-safe when concurrency > 1. A non-zero return is a failed call (retried). */

typedef struct de_llm_reply de_llm_reply_t;
typedef int32_t (*de_llm_fn)(const char * request_json, de_llm_reply_t * reply, void * user_data);
DE_API de_status de_llm_reply_set(de_llm_reply_t * reply, const char * text);  /* copies `text` */

#define DE_BACKEND_CALLBACK 0  /* llm + llm_user_data */
#define DE_BACKEND_COMMAND  1  /* command: "program args", run without a shell, JSON on stdin */
#define DE_BACKEND_WORLD    2  /* world: the embedded offline generator (and answer checker) */

typedef struct de_gen_options {
    size_t       struct_size;        /* set by de_gen_options_init */
    int32_t      backend;            /* DE_BACKEND_*, default DE_BACKEND_WORLD */
    de_llm_fn    llm;
    void *       llm_user_data;
    const char * command;
    double       timeout_seconds;    /* command backend, default 60 */
    const de_world_t * world;        /* world backend; with any backend, checks answers on world images */
    double       mistake_rate;       /* world backend, default 0.2 */
    int32_t      concurrency;        /* default 1 */
    int32_t      retries;            /* default 2 */
    double       backoff_seconds;    /* default 0.5, doubled per retry */
    int32_t      require_rationale;  /* default 0 */
    int32_t      round;              /* written into provenance, default -1 */
    uint64_t     seed;
    const char * id_prefix;          /* default "gen" */
    /* append new fields here, never insert */
} de_gen_options;

typedef struct de_generation de_generation_t;

DE_API de_status de_gen_options_init(de_gen_options * options, size_t struct_size);
/* `existing` (may be NULL): data a new question must not duplicate. */
DE_API de_status de_generate(const de_plan_t * plan, const de_dataset_t * benchmark, const de_pool_t * pool,
                             const de_dataset_t * existing, const de_gen_options * options, de_progress_fn progress,
                             void * user_data, de_generation_t ** out);
DE_API void      de_generation_free(de_generation_t * generation);
/* The accepted samples as a new dataset handle (free it with de_dataset_free). */
DE_API de_status de_generation_samples(const de_generation_t * generation, de_dataset_t ** out);
/* {"rejected_by_reason": {...}, "accepted_by_type": {...}} */
DE_API de_status de_generation_rejections_json(const de_generation_t * generation, char ** out);

/* ------------------------------------------------------------------------------------------ */
/* Prompt optimisation (IPO, DESIGN §4.5): versions of the generation prompt improved by rounds
 * of review and rewriting. Each round generates a batch with the current version (the
 * generator of a de_gen_options), lets the validators reject what rules catch, asks the reviewer
 * about the rest, records the acceptance, and below the target asks the rewriter for a new
 * version. Everything is persisted in options.state_path after every verdict; a reviewer that
 * stops (returns 1) ends the call, and a new optimizer on the same path resumes there.
 * Thread-safety: one thread at a time per optimizer. */

typedef struct de_ipo de_ipo_t;
typedef struct de_verdict de_verdict_t;

#define DE_REVIEW_WRONG_ANSWER          0
#define DE_REVIEW_AMBIGUOUS             1
#define DE_REVIEW_ANSWER_NOT_IN_OPTIONS 2
#define DE_REVIEW_OFF_TYPE              3
#define DE_REVIEW_LEAKS_COORDINATES     4
#define DE_REVIEW_POOR_RATIONALE        5
#define DE_REVIEW_OTHER                 6

/* What the reviewer sees of one sample; the strings live for the duration of the call. */
typedef struct de_review_item {
    size_t       index, total;  /* position in the batch, batch size */
    const char * type;          /* the question type asked for */
    const char * sample_json;   /* the sample (question, options, answer, rationales) as a JSON object */
    const char * description;   /* the image's captions and boxes */
    const char * image_path;    /* the image file ("" when not a file) */
} de_review_item;

/* Returns 0 after de_verdict_set, 1 to stop reviewing (what was reviewed is kept), other values
 * are errors (the round stops with DE_EIO). */
typedef int32_t (*de_review_fn)(const de_review_item * item, de_verdict_t * verdict, void * user_data);
/* accepted: 1 or 0; category: DE_REVIEW_* (ignored when accepted); comment may be NULL. Copies. */
DE_API de_status de_verdict_set(de_verdict_t * verdict, int32_t accepted, int32_t category, const char * comment);

typedef struct de_ipo_options {
    size_t       struct_size;       /* set by de_ipo_options_init */
    const char * state_path;        /* e.g. "STATE/ipo.json"; NULL: not persisted */
    const char * prompt_text;       /* the first version's template; NULL: the default */
    int32_t      batch_size;        /* default 40 */
    double       target;            /* acceptance to stop at, default 0.9 */
    int32_t      max_rounds;        /* default 6 */
    int32_t      patience;          /* rounds without a better batch, default 2 */
    int32_t      rewrite_attempts;  /* per round, default 3 */
    uint64_t     seed;
    const char * types;             /* comma-separated types to ask; NULL: every type of the examples */
    double       miss_rate;         /* the world reviewer's, default 0.05 */
    /* append new fields here, never insert */
} de_ipo_options;

#define DE_IPO_STOP_NONE     0  /* not stopped (the reviewer stopped the call) */
#define DE_IPO_STOP_TARGET   1
#define DE_IPO_STOP_ROUNDS   2
#define DE_IPO_STOP_PATIENCE 3

typedef struct de_ipo_version {
    const char * version;     /* valid until the optimizer changes or is freed */
    const char * parent;      /* "" for the first */
    const char * prompt;      /* the template text */
    double       acceptance;  /* accepted / reviewed, 0 before review */
    int32_t      accepted, reviewed;
} de_ipo_version;

DE_API de_status de_ipo_options_init(de_ipo_options * options, size_t struct_size);
/* pool and examples (in-context examples by type, e.g. the dev set) must outlive the optimizer.
 * generator: how batches are generated (its world, if any, also gives the default reviewer and
 * rewriter: the world's simulated reviewer and offline rewriter). */
DE_API de_status de_ipo_create(const de_ipo_options * options, const de_pool_t * pool, const de_dataset_t * examples,
                               const de_gen_options * generator, de_ipo_t ** out);
DE_API void      de_ipo_free(de_ipo_t * ipo);
/* The host's reviewer and rewriter (the rewriter is called as an LLM: the request's "prompt" is
 * the meta-prompt, its reply must be the whole new template). */
DE_API de_status de_ipo_set_reviewer(de_ipo_t * ipo, de_review_fn reviewer, void * user_data);
DE_API de_status de_ipo_set_rewriter(de_ipo_t * ipo, de_llm_fn rewriter, void * user_data);
/* One round; *out_complete is 0 when the reviewer stopped before the batch was done. */
DE_API de_status de_ipo_run_round(de_ipo_t * ipo, de_progress_fn progress, void * user_data, int32_t * out_complete);
/* Rounds until a stop rule holds (*out_stop: DE_IPO_STOP_*) or the reviewer stops (NONE). */
DE_API de_status de_ipo_run(de_ipo_t * ipo, de_progress_fn progress, void * user_data, int32_t * out_stop);
DE_API de_status de_ipo_version_count(const de_ipo_t * ipo, size_t * out);
DE_API de_status de_ipo_get_version(const de_ipo_t * ipo, size_t i, de_ipo_version * out);
DE_API de_status de_ipo_best(const de_ipo_t * ipo, size_t * out_index);  /* highest acceptance, ties to the later */
DE_API de_status de_ipo_batch_count(const de_ipo_t * ipo, size_t * out);
/* A batch's acceptance with its 95 % (Wilson) interval. */
DE_API de_status de_ipo_batch_acceptance(const de_ipo_t * ipo, size_t i, int32_t * out_accepted, int32_t * out_total,
                                         double * out_low, double * out_high);
DE_API de_status de_ipo_json(const de_ipo_t * ipo, char ** out);             /* what state_path holds */
DE_API de_status de_ipo_report_markdown(const de_ipo_t * ipo, char ** out);  /* acceptance, diffs, rejections */

/* ------------------------------------------------------------------------------------------ */
/* The closed loop (DESIGN §4.6) on a state directory, resumable after any kill. Thread-safety:
 * one thread at a time per loop, one loop per state directory. */

typedef struct de_loop de_loop_t;

#define DE_PHASE_TRAIN    0
#define DE_PHASE_EVALUATE 1
#define DE_PHASE_PLAN     2
#define DE_PHASE_GENERATE 3
#define DE_PHASE_DONE     4

typedef struct de_loop_options {
    size_t       struct_size;     /* set by de_loop_options_init */
    const char * state_dir;       /* default "dataengine-state" */
    const char * world_dir;       /* default STATE/world */
    uint64_t     world_seed;
    const char * strategy;        /* an ABS preset, default "gain" */
    int32_t      rounds;          /* default 3 */
    int32_t      budget;          /* per round, default 1200 */
    int32_t      seed_steps;      /* default 600 */
    int32_t      round_steps;     /* default 250 */
    uint64_t     seed;
    int32_t      threads;         /* 0: all cores */
    double       mistake_rate;    /* offline generator, default 0.35 */
    int32_t      stage1_steps;    /* 0: the default */
    int32_t      model_dim;       /* 0: the default */
    int32_t      world_scale_percent;  /* default 100 */
    int32_t      ipo;             /* tune the prompt (IPO) before the first generation, default 1 */
    int32_t      ipo_batch;       /* default 40 */
    int32_t      ipo_rounds;      /* default 6 */
    int32_t      verify_answers;  /* reject answers the world's scene graph contradicts, default 0 */
    int32_t      seed_curve_gains; /* gain rule: plan round 0 from the seed training's curve (stage 1 ->
                                      round 0 on dev) rather than by error alone, default 0 */
    /* append new fields here, never insert */
} de_loop_options;

DE_API de_status de_loop_options_init(de_loop_options * options, size_t struct_size);
DE_API de_status de_loop_create(const de_loop_options * options, de_loop_t ** out);
DE_API void      de_loop_free(de_loop_t * loop);
/* Generate with the host's LLM instead of the offline world (called as for de_generate). */
DE_API de_status de_loop_set_llm(de_loop_t * loop, de_llm_fn llm, void * user_data);
/* IPO's reviewer and rewriter (default: the world's simulated reviewer and offline rewriter). */
DE_API de_status de_loop_set_reviewer(de_loop_t * loop, de_review_fn reviewer, void * user_data);
DE_API de_status de_loop_set_rewriter(de_loop_t * loop, de_llm_fn rewriter, void * user_data);
DE_API de_status de_loop_position(const de_loop_t * loop, int32_t * out_round, int32_t * out_phase);
/* Runs the next phase; *out_ran is 0 when the loop was already done (may be NULL). */
DE_API de_status de_loop_step_phase(de_loop_t * loop, de_progress_fn progress, void * user_data, int32_t * out_ran);
DE_API de_status de_loop_step_round(de_loop_t * loop, de_progress_fn progress, void * user_data);
DE_API de_status de_loop_run(de_loop_t * loop, de_progress_fn progress, void * user_data);
/* A round's evaluation: which = 0 dev, 1 test. DE_ENOTFOUND before the round was evaluated. */
DE_API de_status de_loop_report(const de_loop_t * loop, int32_t round, int32_t which, de_report_t ** out);
DE_API de_status de_loop_summary_json(const de_loop_t * loop, char ** out);
DE_API de_status de_loop_write_reports(const de_loop_t * loop);

#ifdef __cplusplus
}
#endif

#endif /* DATAENGINE_H */
