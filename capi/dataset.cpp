// C ABI: datasets.
#include "guard.hpp"
#include "handles.hpp"

using namespace dataengine;
using capi::fail;
using capi::guard;
using capi::null_argument;

namespace {

bool valid_format(int32_t format) { return format >= DE_FORMAT_JSONL && format <= DE_FORMAT_LLAVA; }

const Sample * sample_at(const de_dataset_t * dataset, size_t index, const char * function, de_status & status) {
    if (index >= dataset->impl->size()) {
        status = fail(DE_ERANGE, (std::string(function) + ": index " + std::to_string(index) + " is past the " +
                                  std::to_string(dataset->impl->size()) + " samples").c_str());
        return nullptr;
    }
    status = DE_OK;
    return &(*dataset->impl)[index];
}

de_status string_item(const de_dataset_t * dataset, size_t index, size_t k, const char ** out, const char * function,
                      const std::vector<std::string> Sample::*list) {
    if (out) *out = nullptr;
    if (!dataset || !out) return fail(DE_EINVALID, (std::string(function) + ": NULL argument").c_str());
    de_status      status;
    const Sample * s = sample_at(dataset, index, function, status);
    if (!s) return status;
    const auto & items = s->*list;
    if (k >= items.size())
        return fail(DE_ERANGE, (std::string(function) + ": item " + std::to_string(k) + " of sample '" + s->id +
                                "' is past its " + std::to_string(items.size()) + " items").c_str());
    *out = items[k].c_str();
    return DE_OK;
}

}  // namespace

extern "C" {

de_status de_format_from_name(const char * name, int32_t * out) {
    if (out) *out = -1;
    if (!name || !out) return fail(DE_EINVALID, "de_format_from_name: NULL argument");
    return guard([&] { *out = int32_t(parse_format(name)); });
}

de_status de_dataset_options_init(de_dataset_options * options, size_t struct_size) {
    const de_status status = capi::init_options(options, struct_size, "de_dataset_options_init");
    if (status != DE_OK) return status;
    const ReadOptions defaults;
    if (DE_HAS_FIELD(options, strict)) options->strict = 1;
    if (DE_HAS_FIELD(options, verify_images)) options->verify_images = 1;
    if (DE_HAS_FIELD(options, max_image_bytes)) options->max_image_bytes = int64_t(defaults.image_limits.max_bytes);
    if (DE_HAS_FIELD(options, max_image_pixels)) options->max_image_pixels = defaults.image_limits.max_pixels;
    return DE_OK;
}

de_status de_dataset_load(const char * path, int32_t format, const de_dataset_options * options, de_dataset_t ** out) {
    if (out) *out = nullptr;
    if (!path || !out) return fail(DE_EINVALID, "de_dataset_load: NULL argument");
    if (!valid_format(format)) return fail(DE_EINVALID, "de_dataset_load: unknown format (use a DE_FORMAT_* value)");
    if (capi::bad_options_size(options)) return fail(DE_EINVALID, "de_dataset_load: options.struct_size is wrong; call de_dataset_options_init");
    ReadOptions read;
    if (DE_HAS_FIELD(options, strict)) read.strict = options->strict != 0;
    if (DE_HAS_FIELD(options, image_root) && options->image_root) read.image_root = options->image_root;
    if (DE_HAS_FIELD(options, keep_none_literal)) read.keep_none_literal = options->keep_none_literal != 0;
    if (DE_HAS_FIELD(options, verify_images)) read.verify_images = options->verify_images != 0;
    if (DE_HAS_FIELD(options, max_image_bytes)) {
        if (options->max_image_bytes <= 0) return fail(DE_EINVALID, "de_dataset_load: max_image_bytes must be positive");
        read.image_limits.max_bytes = size_t(options->max_image_bytes);
    }
    if (DE_HAS_FIELD(options, max_image_pixels)) {
        if (options->max_image_pixels <= 0) return fail(DE_EINVALID, "de_dataset_load: max_image_pixels must be positive");
        read.image_limits.max_pixels = options->max_image_pixels;
    }
    if (DE_HAS_FIELD(options, progress_user_data))
        read.progress = capi::wrap_progress(options->progress, options->progress_user_data);
    return guard([&] {
        auto handle  = std::make_unique<de_dataset>();
        handle->impl = std::make_shared<const Dataset>(read_dataset(path, Format(format), read, &handle->read_report));
        *out = handle.release();
    });
}

void de_dataset_free(de_dataset_t * dataset) { delete dataset; }

de_status de_dataset_read_report(const de_dataset_t * dataset, char ** out_json) {
    if (out_json) *out_json = nullptr;
    if (!dataset || !out_json) return fail(DE_EINVALID, "de_dataset_read_report: NULL argument");
    return guard([&] {
        const ReadReport & r = dataset->read_report;
        JsonWriter         w;
        w.begin_object().key("records").value(uint64_t(r.records)).key("accepted").value(uint64_t(r.accepted));
        w.key("skipped").begin_object();
        for (const auto & [reason, count] : r.skipped_by_reason) w.key(reason).value(uint64_t(count));
        w.end_object().key("messages").begin_array();
        for (const std::string & m : r.messages) w.value(m);
        w.end_array().end_object();
        *out_json = capi::owned_string(w.str());
    });
}

de_status de_dataset_save(const de_dataset_t * dataset, const char * path, int32_t format, int32_t llava_with_rationale) {
    if (!dataset || !path) return fail(DE_EINVALID, "de_dataset_save: NULL argument");
    if (!valid_format(format)) return fail(DE_EINVALID, "de_dataset_save: unknown format (use a DE_FORMAT_* value)");
    return guard([&] {
        WriteOptions options;
        options.llava_style = llava_with_rationale ? LlavaStyle::QmAE : LlavaStyle::QmA;
        write_dataset(*dataset->impl, path, Format(format), options);
    });
}

de_status de_dataset_count(const de_dataset_t * dataset, size_t * out) {
    if (out) *out = 0;
    if (!dataset || !out) return fail(DE_EINVALID, "de_dataset_count: NULL argument");
    *out = dataset->impl->size();
    return DE_OK;
}

de_status de_dataset_find(const de_dataset_t * dataset, const char * id, size_t * out_index) {
    if (out_index) *out_index = 0;
    if (!dataset || !id || !out_index) return fail(DE_EINVALID, "de_dataset_find: NULL argument");
    const Sample * s = dataset->impl->find(id);
    if (!s) return fail(DE_ENOTFOUND, (std::string("de_dataset_find: no sample with id '") + id + "'").c_str());
    *out_index = size_t(s - &(*dataset->impl)[0]);
    return DE_OK;
}

de_status de_dataset_sample(const de_dataset_t * dataset, size_t index, de_sample_info * out) {
    if (!dataset || !out) return fail(DE_EINVALID, "de_dataset_sample: NULL argument");
    if (capi::bad_options_size(out)) return fail(DE_EINVALID, "de_dataset_sample: set out->struct_size = sizeof(de_sample_info)");
    const size_t size = out->struct_size;
    std::memset(static_cast<void *>(out), 0, size);
    out->struct_size = size;
    de_status      status;
    const Sample * s = sample_at(dataset, index, "de_dataset_sample", status);
    if (!s) return status;
    // Fill field by field: a host with an older, smaller struct gets only what it knows.
    de_sample_info full{};
    full.struct_size         = size;
    full.id                  = s->id.c_str();
    full.question            = s->question.c_str();
    full.hint                = s->hint.c_str();
    full.type                = s->type.c_str();
    full.parent_type         = s->parent_type.c_str();
    full.option_count        = s->options.size();
    full.answer              = s->has_answer() ? s->answer : -1;
    full.image_kind          = int32_t(s->image.kind);
    full.image_path          = s->image.kind == ImageKind::File || s->image.kind == ImageKind::Scene ? s->image.value.c_str() : "";
    full.circular_group      = s->circular_group.c_str();
    full.rotation            = s->rotation;
    full.direct_answer_count = s->direct_answers.size();
    full.rationale_count     = s->rationales.size();
    std::memcpy(static_cast<void *>(out), &full, size);
    return DE_OK;
}

de_status de_dataset_option(const de_dataset_t * dataset, size_t index, size_t k, const char ** out) {
    return string_item(dataset, index, k, out, "de_dataset_option", &Sample::options);
}

de_status de_dataset_direct_answer(const de_dataset_t * dataset, size_t index, size_t k, const char ** out) {
    return string_item(dataset, index, k, out, "de_dataset_direct_answer", &Sample::direct_answers);
}

de_status de_dataset_rationale(const de_dataset_t * dataset, size_t index, size_t k, const char ** out) {
    return string_item(dataset, index, k, out, "de_dataset_rationale", &Sample::rationales);
}

de_status de_dataset_image_bytes(const de_dataset_t * dataset, size_t index, const uint8_t ** out_data, size_t * out_size) {
    if (out_data) *out_data = nullptr;
    if (out_size) *out_size = 0;
    if (!dataset || !out_data || !out_size) return fail(DE_EINVALID, "de_dataset_image_bytes: NULL argument");
    de_status      status;
    const Sample * s = sample_at(dataset, index, "de_dataset_image_bytes", status);
    if (!s) return status;
    if (s->image.kind != ImageKind::Inline)
        return fail(DE_ENOTFOUND, ("de_dataset_image_bytes: sample '" + s->id + "' has no inline image").c_str());
    *out_data = reinterpret_cast<const uint8_t *>(s->image.value.data());
    *out_size = s->image.value.size();
    return DE_OK;
}

de_status de_dataset_image_rgb(const de_dataset_t * dataset, size_t index, uint8_t * out, size_t capacity,
                               int32_t * out_width, int32_t * out_height) {
    if (out_width) *out_width = 0;
    if (out_height) *out_height = 0;
    if (!dataset || !out_width || !out_height || (!out && capacity > 0)) return null_argument("de_dataset_image_rgb");
    de_status      status;
    const Sample * s = sample_at(dataset, index, "de_dataset_image_rgb", status);
    if (!s) return status;
    if (s->image.kind != ImageKind::File && s->image.kind != ImageKind::Inline)
        return fail(DE_ENOTFOUND, ("de_dataset_image_rgb: sample '" + s->id + "' has no image file or inline image").c_str());
    return guard([&] {
        const Image image = decode_image(dataset->impl->image_bytes(*s), {}, s->id);
        *out_width  = image.width;
        *out_height = image.height;
        if (out && capacity >= image.pixels.size()) std::memcpy(out, image.pixels.data(), image.pixels.size());
    });
}

de_status de_dataset_sample_json(const de_dataset_t * dataset, size_t index, char ** out_json) {
    if (out_json) *out_json = nullptr;
    if (!dataset || !out_json) return fail(DE_EINVALID, "de_dataset_sample_json: NULL argument");
    de_status      status;
    const Sample * s = sample_at(dataset, index, "de_dataset_sample_json", status);
    if (!s) return status;
    return guard([&] { *out_json = capi::owned_string(sample_to_json(*s)); });
}

}  // extern "C"
