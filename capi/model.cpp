// C ABI: models.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace {

// The fields an options struct shares with its C++ counterpart, one list for both directions
// (init writes the C++ defaults out, the calls read the host's values back), each copied only
// when the host's struct_size includes it. visit(option_field, cpp_field) does the copy.
template <class Options, class Config, class Visit>
void train_fields(Options * o, Config & t, Visit visit) {
    if (DE_HAS_FIELD(o, steps)) visit(o->steps, t.steps);
    if (DE_HAS_FIELD(o, batch_size)) visit(o->batch_size, t.batch_size);
    if (DE_HAS_FIELD(o, learning_rate)) visit(o->learning_rate, t.learning_rate);
    if (DE_HAS_FIELD(o, weight_decay)) visit(o->weight_decay, t.weight_decay);
    if (DE_HAS_FIELD(o, warmup_steps)) visit(o->warmup_steps, t.warmup_steps);
    if (DE_HAS_FIELD(o, grad_clip)) visit(o->grad_clip, t.grad_clip);
    if (DE_HAS_FIELD(o, seed)) visit(o->seed, t.seed);
    if (DE_HAS_FIELD(o, threads)) visit(o->threads, t.threads);
    if (DE_HAS_FIELD(o, with_rationale)) visit(o->with_rationale, t.with_rationale);
    if (DE_HAS_FIELD(o, grounding_weight)) visit(o->grounding_weight, t.grounding_weight);
}

template <class Options, class Config, class Visit>
void model_fields(Options * o, Config & c, Visit visit) {
    if (DE_HAS_FIELD(o, image_size)) visit(o->image_size, c.image_size);
    if (DE_HAS_FIELD(o, dim)) visit(o->dim, c.dim);
    if (DE_HAS_FIELD(o, heads)) visit(o->heads, c.heads);
    if (DE_HAS_FIELD(o, encoder_layers)) visit(o->encoder_layers, c.encoder_layers);
    if (DE_HAS_FIELD(o, decoder_layers)) visit(o->decoder_layers, c.decoder_layers);
    if (DE_HAS_FIELD(o, seed)) visit(o->seed, c.seed);
    if (DE_HAS_FIELD(o, image_tokens_side)) visit(o->image_tokens_side, c.image_tokens_side);
    if (DE_HAS_FIELD(o, prefix_side)) visit(o->prefix_side, c.prefix_side);
    if (DE_HAS_FIELD(o, max_text_tokens)) visit(o->max_text_tokens, c.max_text_tokens);
    if (DE_HAS_FIELD(o, bidirectional_prompt)) visit(o->bidirectional_prompt, c.bidirectional_prompt);
    if (DE_HAS_FIELD(o, grid_convs)) visit(o->grid_convs, c.grid_convs);
}

// Copies across C and C++ types (a C flag is an int32, 1 or 0).
constexpr auto to_cpp = [](const auto & option, auto & field) { field = static_cast<std::decay_t<decltype(field)>>(option); };
constexpr auto to_c   = [](auto & option, const auto & field) { option = static_cast<std::decay_t<decltype(option)>>(field); };

TrainOptions train_options(const de_train_options * o) {
    TrainOptions t;
    train_fields(o, t, to_cpp);
    return t;
}

void copy_model_fields(const ModelConfig & from, de_model_options * to) { model_fields(to, from, to_c); }
void copy_model_fields(const de_model_options * from, ModelConfig & to) { model_fields(from, to, to_cpp); }

}  // namespace

// The inverse of train_options(): the defaults of de_train_options_init, and what a host
// model's train callback receives.
void capi::write_train_options(const TrainOptions & t, de_train_options * o) {
    train_fields(o, t, to_c);
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
    copy_model_fields(ModelConfig{}, options);
    return DE_OK;
}

de_status de_train_options_init(de_train_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_train_options_init");
    if (status != DE_OK) return status;
    capi::write_train_options(TrainOptions{}, options);
    return DE_OK;
}

de_status de_pretrain_options_init(de_train_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_pretrain_options_init");
    if (status != DE_OK) return status;
    capi::write_train_options(PretrainOptions{}.train, options);
    return DE_OK;
}

de_status de_model_create_for_world(const char * world_dir, const de_model_options * options, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!world_dir || !out) return null_argument("de_model_create_for_world");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_create_for_world: options.struct_size is wrong");
    ModelConfig c;
    copy_model_fields(options, c);
    return guard([&] { *out = new de_model{create_builtin_model(c, world_tokenizer(world_dir))}; });
}

de_status de_model_pretrained(const char * world_dir, const de_train_options * options, de_model_t ** out) {
    if (out) *out = nullptr;
    if (!world_dir || !out) return null_argument("de_model_pretrained");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_model_pretrained: options.struct_size is wrong");
    return guard([&] {
        PretrainOptions p;
        // The host's fields over stage 1's defaults (a struct from before a field keeps its default).
        if (options) train_fields(options, p.train, to_cpp);
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
