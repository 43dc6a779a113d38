// C ABI: the embedded world.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;

namespace {

bool question_split(int32_t split) { return split >= DE_SPLIT_SEED_TRAIN && split <= DE_SPLIT_TEST; }
bool any_split(int32_t split) { return split >= DE_SPLIT_SEED_TRAIN && split <= DE_SPLIT_EXTRA; }

}  // namespace

extern "C" {

de_status de_world_options_init(de_world_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_world_options_init");
    if (status != DE_OK) return status;
    const WorldOptions defaults;
    if (DE_HAS_FIELD(options, image_size)) options->image_size = defaults.image_size;
    if (DE_HAS_FIELD(options, per_type)) options->per_type = defaults.dev_per_type;
    if (DE_HAS_FIELD(options, pool_images)) options->pool_images = defaults.pool_images;
    if (DE_HAS_FIELD(options, caption_images)) options->caption_images = defaults.caption_images;
    if (DE_HAS_FIELD(options, circular)) options->circular = 1;
    return DE_OK;
}

de_status de_world_create(const de_world_options * options, de_world_t ** out) {
    if (out) *out = nullptr;
    if (!out) return fail(DE_EINVALID, "de_world_create: NULL argument");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_world_create: options.struct_size is wrong; call de_world_options_init");
    return guard([&] {
        WorldOptions o;
        if (DE_HAS_FIELD(options, seed)) o.seed = options->seed;
        if (DE_HAS_FIELD(options, image_size)) o.image_size = options->image_size;
        if (DE_HAS_FIELD(options, per_type)) o.dev_per_type = o.test_per_type = options->per_type;
        if (DE_HAS_FIELD(options, pool_images)) o.pool_images = options->pool_images;
        if (DE_HAS_FIELD(options, caption_images)) o.caption_images = options->caption_images;
        if (DE_HAS_FIELD(options, circular)) o.circular = options->circular != 0;
        if (DE_HAS_FIELD(options, seed_counts) && options->seed_counts) apply_seed_counts(o, options->seed_counts);
        *out = new de_world{World(o)};
    });
}

de_status de_world_open(const char * dir, de_world_t ** out) {
    if (out) *out = nullptr;
    if (!dir || !out) return fail(DE_EINVALID, "de_world_open: NULL argument");
    return guard([&] { *out = new de_world{World(read_world_options(dir))}; });
}

void de_world_free(de_world_t * world) { delete world; }

de_status de_world_type_count(size_t * out) {
    if (!out) return fail(DE_EINVALID, "de_world_type_count: NULL argument");
    *out = question_types().size();
    return DE_OK;
}

de_status de_world_type(size_t i, const char ** out_name, const char ** out_definition) {
    if (out_name) *out_name = nullptr;
    if (out_definition) *out_definition = nullptr;
    if (!out_name || !out_definition) return fail(DE_EINVALID, "de_world_type: NULL argument");
    if (i >= question_types().size()) return fail(DE_ERANGE, "de_world_type: there are 9 question types");
    *out_name       = question_types()[i].name.c_str();
    *out_definition = question_types()[i].definition.c_str();
    return DE_OK;
}

de_status de_world_write(const de_world_t * world, const char * dir, de_progress_fn progress, void * user_data) {
    if (!world || !dir) return fail(DE_EINVALID, "de_world_write: NULL argument");
    return guard([&] { world->impl.write(dir, capi::wrap_progress(progress, user_data)); });
}

de_status de_world_questions(const de_world_t * world, int32_t split, de_dataset_t ** out) {
    if (out) *out = nullptr;
    if (!world || !out) return fail(DE_EINVALID, "de_world_questions: NULL argument");
    if (!question_split(split)) return fail(DE_EINVALID, "de_world_questions: split must be DE_SPLIT_SEED_TRAIN, _DEV or _TEST");
    return guard([&] {
        auto handle  = std::make_unique<de_dataset>();
        handle->impl = std::make_shared<const Dataset>(world->impl.questions(Split(split)));
        *out = handle.release();
    });
}

de_status de_world_describe(const de_world_t * world, int32_t split, uint64_t index, char ** out) {
    if (out) *out = nullptr;
    if (!world || !out) return fail(DE_EINVALID, "de_world_describe: NULL argument");
    if (!any_split(split)) return fail(DE_EINVALID, "de_world_describe: unknown split");
    return guard([&] { *out = capi::owned_string(describe_scene(world->impl.scene(Split(split), index))); });
}

de_status de_world_scene_json(const de_world_t * world, int32_t split, uint64_t index, char ** out) {
    if (out) *out = nullptr;
    if (!world || !out) return fail(DE_EINVALID, "de_world_scene_json: NULL argument");
    if (!any_split(split)) return fail(DE_EINVALID, "de_world_scene_json: unknown split");
    return guard([&] { *out = capi::owned_string(World::scene_to_json(world->impl.scene(Split(split), index))); });
}

}  // extern "C"
