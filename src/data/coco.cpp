// COCO captions and instances files into an ImagePool with descriptions.
//   captions:  {"images": [{"id", "file_name", "width", "height"}], "annotations": [{"image_id", "caption"}]}
//   instances: {"images": [...], "annotations": [{"image_id", "bbox": [x, y, w, h], "category_id"}],
//               "categories": [{"id", "name"}]}
#include <algorithm>
#include <map>

#include "core/json_read.hpp"
#include "data/readers.hpp"

namespace dataengine {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

struct CocoImage {
    std::string              file_name;
    int64_t                  width = 0, height = 0;
    std::vector<std::string> captions;
    std::vector<BoxObject>   objects;
};

using ImageTable = std::map<int64_t, CocoImage>;

element parse_root(simdjson::dom::parser & parser, const simdjson::padded_string & text, std::string_view raw,
                   RecordErrors & errors, object & top) {
    element root;
    if (const auto code = parser.parse(text).get(root)) errors.fatal("", json::describe_parse_failure(code, raw));
    if (root.get(top) != simdjson::SUCCESS) errors.fatal("", "the top level must be an object");
    return root;
}

void read_images(object top, RecordErrors & errors, ImageTable & images) {
    simdjson::dom::array list;
    if (top["images"].get(list) != simdjson::SUCCESS) errors.fatal("", "missing list 'images'");
    int64_t i = 0;
    for (element item : list) {
        const std::string where = "images[" + std::to_string(i++) + "]";
        object            obj;
        std::string       why;
        int64_t           id = 0;
        CocoImage         image;
        if (item.get(obj) != simdjson::SUCCESS) errors.fatal(where, "must be an object");
        if (!json::get_int(obj, "id", id, why) || !json::get_string(obj, "file_name", image.file_name, why) ||
            !json::get_int(obj, "width", image.width, why) || !json::get_int(obj, "height", image.height, why))
            errors.fatal(where, why);
        if (image.width <= 0 || image.height <= 0) errors.fatal(where, "non-positive width or height");
        try {
            resolve_image_path("", image.file_name);
        } catch (const Error & e) {
            errors.fatal(where, e.what());
        }
        auto [it, inserted] = images.emplace(id, image);
        if (!inserted && it->second.file_name != image.file_name)
            errors.fatal(where, "image id " + std::to_string(id) + " names two different files");
    }
}

void read_captions(const std::string & content, RecordErrors & errors, ImageTable & images) {
    const simdjson::padded_string text(content);
    simdjson::dom::parser         parser;
    object                        top;
    parse_root(parser, text, content, errors, top);
    read_images(top, errors, images);
    simdjson::dom::array annotations;
    if (top["annotations"].get(annotations) != simdjson::SUCCESS) errors.fatal("", "missing list 'annotations'");
    int64_t i = 0;
    for (element item : annotations) {
        errors.seen();
        const std::string where = "annotations[" + std::to_string(i++) + "]";
        object            obj;
        std::string       why, caption;
        int64_t           image_id = 0;
        if (item.get(obj) != simdjson::SUCCESS) { errors.reject(where, {"wrong type", "an annotation must be an object"}); continue; }
        if (!json::get_int(obj, "image_id", image_id, why) || !json::get_string(obj, "caption", caption, why)) {
            errors.reject(where, {"missing field", why});
            continue;
        }
        auto it = images.find(image_id);
        if (it == images.end()) { errors.reject(where, {"unknown image", "image_id " + std::to_string(image_id) + " is not in 'images'"}); continue; }
        it->second.captions.push_back(trim(caption));
        errors.accepted();
    }
}

void read_instances(const std::string & content, RecordErrors & errors, ImageTable & images) {
    const simdjson::padded_string text(content);
    simdjson::dom::parser         parser;
    object                        top;
    parse_root(parser, text, content, errors, top);
    read_images(top, errors, images);
    std::map<int64_t, std::string> names;
    simdjson::dom::array           categories, annotations;
    if (top["categories"].get(categories) != simdjson::SUCCESS) errors.fatal("", "missing list 'categories'");
    for (element item : categories) {
        object      obj;
        std::string why, name;
        int64_t     id = 0;
        if (item.get(obj) != simdjson::SUCCESS || !json::get_int(obj, "id", id, why) || !json::get_string(obj, "name", name, why))
            errors.fatal("categories", why.empty() ? "each category must be an object with 'id' and 'name'" : why);
        names[id] = name;
    }
    if (top["annotations"].get(annotations) != simdjson::SUCCESS) errors.fatal("", "missing list 'annotations'");
    int64_t i = 0;
    for (element item : annotations) {
        errors.seen();
        const std::string where = "annotations[" + std::to_string(i++) + "]";
        object            obj;
        std::string       why;
        int64_t           image_id = 0, category = 0;
        if (item.get(obj) != simdjson::SUCCESS) { errors.reject(where, {"wrong type", "an annotation must be an object"}); continue; }
        if (!json::get_int(obj, "image_id", image_id, why) || !json::get_int(obj, "category_id", category, why)) {
            errors.reject(where, {"missing field", why});
            continue;
        }
        simdjson::dom::array bbox;
        double               box[4];
        size_t               n = 0;
        bool                 numeric = obj["bbox"].get(bbox) == simdjson::SUCCESS && bbox.size() == 4;
        if (numeric)
            for (element v : bbox) numeric &= v.get(box[n++]) == simdjson::SUCCESS;
        if (!numeric) { errors.reject(where, {"bad box", "field 'bbox' must be 4 numbers [x, y, w, h]"}); continue; }
        auto image = images.find(image_id);
        auto name  = names.find(category);
        if (image == images.end()) { errors.reject(where, {"unknown image", "image_id " + std::to_string(image_id) + " is not in 'images'"}); continue; }
        if (name == names.end()) { errors.reject(where, {"unknown category", "category_id " + std::to_string(category) + " is not in 'categories'"}); continue; }
        if (box[2] < 0 || box[3] < 0) { errors.reject(where, {"bad box", "field 'bbox' has a negative width or height"}); continue; }
        const double w = double(image->second.width), h = double(image->second.height);
        auto clamp01 = [](double v) { return std::min(1.0, std::max(0.0, v)); };
        image->second.objects.push_back({name->second, clamp01(box[0] / w), clamp01(box[1] / h),
                                         clamp01((box[0] + box[2]) / w), clamp01((box[1] + box[3]) / h)});
        errors.accepted();
    }
}

std::string directory_of(const std::string & path) {
    const size_t slash = path.rfind('/');
    return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

ImagePool read_coco_pool(const std::string & captions_path, const std::string & instances_path,
                         const ReadOptions & options, ReadReport * report) {
    if (captions_path.empty() && instances_path.empty())
        throw Error(Status::Invalid, "read_coco_pool: give a captions file, an instances file or both");
    ReadReport local;
    ReadReport & r = report ? *report : local;
    r = ReadReport{};
    ImageTable images;
    if (!captions_path.empty()) {
        RecordErrors errors(captions_path, options, r);
        read_captions(read_file(captions_path), errors, images);
    }
    if (!instances_path.empty()) {
        RecordErrors errors(instances_path, options, r);
        read_instances(read_file(instances_path), errors, images);
    }
    ImagePool pool(options.image_root.empty() ? directory_of(captions_path.empty() ? instances_path : captions_path)
                                              : options.image_root);
    for (auto & [id, image] : images) {
        if (image.captions.empty() && image.objects.empty()) continue;
        PoolImage entry;
        entry.id          = std::to_string(id);
        entry.image       = ImageRef::file(image.file_name);
        entry.width       = int(image.width);
        entry.height      = int(image.height);
        entry.description = describe_image(image.captions, image.objects);
        entry.captions    = std::move(image.captions);
        entry.objects     = std::move(image.objects);
        pool.add(std::move(entry));
    }
    return pool;
}

}  // namespace dataengine
