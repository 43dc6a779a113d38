// C ABI: models.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace {

TrainOptions train_options(const de_train_options * o) {
    TrainOptions t;
    if (DE_HAS_FIELD(o, steps)) t.steps = o->steps;
    if (DE_HAS_FIELD(o, batch_size)) t.batch_size = o->batch_size;
    if (DE_HAS_FIELD(o, learning_rate)) t.learning_rate = o->learning_rate;
    if (DE_HAS_FIELD(o, weight_decay)) t.weight_decay = o->weight_decay;
    if (DE_HAS_FIELD(o, warmup_steps)) t.warmup_steps = o->warmup_steps;
    if (DE_HAS_FIELD(o, grad_clip)) t.grad_clip = o->grad_clip;
    if (DE_HAS_FIELD(o, seed)) t.seed = o->seed;
    if (DE_HAS_FIELD(o, threads)) t.threads = o->threads;
    if (DE_HAS_FIELD(o, with_rationale)) t.with_rationale = o->with_rationale != 0;
    return t;
}

}  // namespace

// The inverse of train_options(): the defaults of de_train_options_init, and what a host
// model's train callback receives.
void capi::write_train_options(const TrainOptions & t, de_train_options * o) {
    if (DE_HAS_FIELD(o, steps)) o->steps = t.steps;
    if (DE_HAS_FIELD(o, batch_size)) o->batch_size = t.batch_size;
    if (DE_HAS_FIELD(o, learning_rate)) o->learning_rate = t.learning_rate;
    if (DE_HAS_FIELD(o, weight_decay)) o->weight_decay = t.weight_decay;
    if (DE_HAS_FIELD(o, warmup_steps)) o->warmup_steps = t.warmup_steps;
    if (DE_HAS_FIELD(o, grad_clip)) o->grad_clip = t.grad_clip;
    if (DE_HAS_FIELD(o, seed)) o->seed = t.seed;
    if (DE_HAS_FIELD(o, threads)) o->threads = t.threads;
    if (DE_HAS_FIELD(o, with_rationale)) o->with_rationale = t.with_rationale ? 1 : 0;
}

namespace {

ProgressCallback train_progress(const de_train_options * o) {
    return DE_HAS_FIELD(o, progress_user_data) ? capi::wrap_progress(o->progress, o->progress_user_data) : ProgressCallback{};
}

}  // namespace

extern "C" {

de_status de_model_options_init(de_model_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_model_options_init");
    if (status != DE_OK) return status;
    const ModelConfig d;
    if (DE_HAS_FIELD(options, image_size)) options->image_size = d.image_size;
    if (DE_HAS_FIELD(options, dim)) options->dim = d.dim;
    if (DE_HAS_FIELD(options, heads)) options->heads = d.heads;
    if (DE_HAS_FIELD(options, encoder_layers)) options->encoder_layers = d.encoder_layers;
    if (DE_HAS_FIELD(options, decoder_layers)) options->decoder_layers = d.decoder_layers;
    if (DE_HAS_FIELD(options, seed)) options->seed = d.seed;
    if (DE_HAS_FIELD(options, image_tokens_side)) options->image_tokens_side = d.image_tokens_side;
    if (DE_HAS_FIELD(options, prefix_side)) options->prefix_side = d.prefix_side;
    if (DE_HAS_FIELD(options, max_text_tokens)) options->max_text_tokens = d.max_text_tokens;
    return DE_OK;
}

de_status de_train_options_init(de_train_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_train_options_init");
    if (status != DE_OK) return status;
    capi::write_train_options(TrainOptions{}, options);
    return DE_OK;
}

de_status de_model_create_for_world(const char * world_dir, const de_model_options * options, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!world_dir || !out) return null_argument("de_model_create_for_world");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_create_for_world: options.struct_size is wrong");
    ModelConfig c;
    if (DE_HAS_FIELD(options, image_size)) c.image_size = options->image_size;
    if (DE_HAS_FIELD(options, dim)) c.dim = options->dim;
    if (DE_HAS_FIELD(options, heads)) c.heads = options->heads;
    if (DE_HAS_FIELD(options, encoder_layers)) c.encoder_layers = options->encoder_layers;
    if (DE_HAS_FIELD(options, decoder_layers)) c.decoder_layers = options->decoder_layers;
    if (DE_HAS_FIELD(options, seed)) c.seed = options->seed;
    if (DE_HAS_FIELD(options, image_tokens_side)) c.image_tokens_side = options->image_tokens_side;
    if (DE_HAS_FIELD(options, prefix_side)) c.prefix_side = options->prefix_side;
    if (DE_HAS_FIELD(options, max_text_tokens)) c.max_text_tokens = options->max_text_tokens;
    return guard([&] { *out = new de_model{create_builtin_model(c, world_tokenizer(world_dir))}; });
}

de_status de_model_pretrained(const char * world_dir, const de_train_options * options, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!world_dir || !out) return null_argument("de_model_pretrained");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_pretrained: options.struct_size is wrong");
    return guard([&] {
        PretrainOptions p;
        if (options) {
            const TrainOptions given = train_options(options);
            if (DE_HAS_FIELD(options, steps)) p.train.steps = given.steps;
            if (DE_HAS_FIELD(options, threads)) p.train.threads = given.threads;
            if (DE_HAS_FIELD(options, seed)) p.train.seed = given.seed;
        }
        *out = new de_model{pretrained_model(world_dir, p, train_progress(options))};
    });
}

de_status de_model_load(const char * dir, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!dir || !out) return null_argument("de_model_load");
    return guard([&] { *out = new de_model{load_model(dir)}; });
}

de_status de_model_save(const de_model_t * model, const char * dir) {
    if (!model || !dir) return null_argument("de_model_save");
    return guard([&] { model->impl->save(dir); });
}

void de_model_free(de_model_t * model) { delete model; }

de_status de_model_train(de_model_t * model, const de_train_source * sources, size_t count,
                         const de_train_options * options, double * out_final_loss) {
    if (out_final_loss) *out_final_loss = 0;
    if (!model || !sources || count == 0) return null_argument("de_model_train");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_train: options.struct_size is wrong");
    std::vector<TrainSource> list;
    for (size_t i = 0; i < count; ++i) {
        const de_train_source & s = sources[i];
        if (!s.data) return fail(DE_EINVALID, ("de_model_train: sources[" + std::to_string(i) + "].data is NULL").c_str());
        if (s.kind != DE_SOURCE_QUESTIONS && s.kind != DE_SOURCE_CAPTIONS)
            return fail(DE_EINVALID, ("de_model_train: sources[" + std::to_string(i) + "].kind is not a DE_SOURCE_*").c_str());
        list.push_back({s.data->impl.get(), s.kind == DE_SOURCE_CAPTIONS ? TrainSource::Kind::Captions : TrainSource::Kind::Questions,
                        s.weight});
    }
    return guard([&] {
        const TrainReport report = model->impl->train(list, train_options(options), train_progress(options));
        if (out_final_loss) *out_final_loss = report.last_loss();
    });
}

de_status de_model_score(de_model_t * model, const de_dataset_t * data, size_t index, double * out_scores, size_t capacity,
                         size_t * out_count) {
    if (out_count) *out_count = 0;
    if (!model || !data || !out_count || (!out_scores && capacity > 0)) return null_argument("de_model_score");
    if (index >= data->impl->size()) return fail(DE_ERANGE, "de_model_score: index past the dataset");
    return guard([&] {
        const auto scores = model->impl->score(*data->impl, {index});
        const auto & row  = scores.at(0);
        for (size_t k = 0; k < row.size() && k < capacity; ++k) out_scores[k] = row[k];
        *out_count = row.size();
    });
}

de_status de_model_evaluate(de_model_t * model, const de_dataset_t * benchmark, const de_evaluator_options * options,
                            de_report_t ** out) {
    if (out) *out = nullptr;
    if (!model || !benchmark || !out) return null_argument("de_model_evaluate");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_evaluate: options.struct_size is wrong");
    EvalOptions eval;
    if (DE_HAS_FIELD(options, circular)) eval.circular = options->circular != 0;
    if (DE_HAS_FIELD(options, benchmark) && options->benchmark) eval.benchmark = options->benchmark;
    return guard([&] { *out = new de_report{evaluate_model(*model->impl, benchmark->impl, eval)}; });
}

de_status de_model_embed_image(de_model_t * model, const uint8_t * rgb, int32_t width, int32_t height, float * out,
                               size_t capacity, size_t * out_dim) {
    if (out_dim) *out_dim = 0;
    if (!model || !rgb || !out_dim || (!out && capacity > 0)) return null_argument("de_model_embed_image");
    if (width <= 0 || height <= 0 || int64_t(width) * height > 40'000'000)
        return fail(DE_EINVALID, "de_model_embed_image: width and height must be positive (at most 40 megapixels)");
    return guard([&] {
        Image image;
        image.width  = width;
        image.height = height;
        image.pixels.assign(rgb, rgb + size_t(width) * size_t(height) * 3);
        const auto e = model->impl->embed_images({image}).at(0);
        for (size_t k = 0; k < e.size() && k < capacity; ++k) out[k] = e[k];
        *out_dim = e.size();
    });
}

de_status de_model_embed_sample(de_model_t * model, const de_dataset_t * data, size_t index, float * out, size_t capacity,
                                size_t * out_dim) {
    if (out_dim) *out_dim = 0;
    if (!model || !data || !out_dim || (!out && capacity > 0)) return null_argument("de_model_embed_sample");
    if (index >= data->impl->size()) return fail(DE_ERANGE, "de_model_embed_sample: index past the dataset");
    return guard([&] {
        const Sample & s = (*data->impl)[index];
        const Image    image = decode_image(data->impl->image_bytes(s), {}, s.id);
        const auto     e = model->impl->embed_images({image}).at(0);
        for (size_t k = 0; k < e.size() && k < capacity; ++k) out[k] = e[k];
        *out_dim = e.size();
    });
}

}  // extern "C"
