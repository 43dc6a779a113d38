// The world's splits: seeded streams of scenes, questions on them, and writing it all out.
#include <algorithm>
#include <map>
#include <filesystem>

#include "world/world_internal.hpp"

namespace dataengine {

const char * split_name(Split split) {
    switch (split) {
        case Split::SeedTrain: return "seed_train";
        case Split::Dev:       return "dev";
        case Split::Test:      return "test";
        case Split::Pool:      return "pool";
        case Split::Captions:  return "captions";
        case Split::Extra:     return "extra";
    }
    return "unknown";
}

void apply_seed_counts(WorldOptions & options, std::string_view spec) {
    for (const std::string & entry : split(spec, ',')) {
        if (trim(entry).empty()) continue;
        const size_t eq = entry.find('=');
        const std::string name = eq == std::string::npos ? "" : trim(entry.substr(0, eq));
        if (eq == std::string::npos || !find_question_type(name))
            throw Error(Status::Invalid, "seed counts: '" + entry + "' is not TYPE=COUNT with a known type");
        char *     end   = nullptr;
        const std::string number = trim(entry.substr(eq + 1));
        const long count = std::strtol(number.c_str(), &end, 10);
        if (number.empty() || *end != '\0' || count < 0 || count > 1000000)
            throw Error(Status::Invalid, "seed counts: '" + entry + "' needs a count from 0 to 1000000");
        options.seed_counts[name] = int(count);
    }
}

World::World(WorldOptions options) : options_(std::move(options)) {
    if (options_.image_size < 32 || options_.image_size > 512)
        throw Error(Status::Invalid, "world: image_size must be 32..512 pixels");
    for (const auto & [type, count] : options_.seed_counts) {
        if (!find_question_type(type)) throw Error(Status::Invalid, "world: unknown question type '" + type + "' in seed counts");
        if (count < 0) throw Error(Status::Invalid, "world: negative seed count for '" + type + "'");
    }
    if (options_.dev_per_type < 0 || options_.test_per_type < 0 || options_.pool_images < 0 || options_.caption_images < 0)
        throw Error(Status::Invalid, "world: split sizes must not be negative");
    if (options_.dev_per_type >= 250000 || options_.test_per_type >= 250000)
        throw Error(Status::Invalid, "world: at most 249999 questions per type (ids must stay below 1000000)");
}

namespace {

// An independent stream per (seed, split, index, attempt): splits never share a scene.
Rng stream(uint64_t seed, Split split, uint64_t index, uint64_t attempt) {
    uint64_t key[4] = {seed, uint64_t(split), index, attempt};
    return Rng(stable_hash(std::string_view(reinterpret_cast<const char *>(key), sizeof key)));
}

// Extra scenes are drawn for their question type, so the same index gives another scene for
// another type: there the type is part of the name (one name, one picture).
std::string scene_id(Split split, uint64_t index, std::string_view type = {}) {
    std::string digits = std::to_string(index);
    if (digits.size() < 6) digits.insert(0, 6 - digits.size(), '0');
    std::string slug(type);
    std::replace(slug.begin(), slug.end(), ' ', '-');
    return std::string(split_name(split)) + "-" + (slug.empty() ? "" : slug + "-") + digits;
}

}  // namespace

bool world_image_supports(std::string_view type, const PoolImage & image) {
    int objects = 0;
    bool text = false;
    std::map<std::string, int> colours, shapes;  // from names "small red circle"
    for (const BoxObject & b : image.objects) {
        if (b.name.rfind("text \"", 0) == 0) {
            text = true;
            continue;
        }
        ++objects;
        const auto words = split(b.name, ' ');
        if (words.size() == 3) {
            ++colours[words[1]];
            ++shapes[words[2]];
        }
    }
    // Reasoning asks which colour or shape is most common: one of them needs a single winner.
    auto single_majority = [](const std::map<std::string, int> & counts) {
        int top = 0, ties = 0;
        for (const auto & [name, n] : counts) {
            if (n > top) { top = n; ties = 1; }
            else if (n == top) ++ties;
        }
        return top >= 2 && ties == 1;
    };
    if (type == "text") return text;
    if (type == "spatial relation" || type == "interaction") return objects >= 2;
    if (type == "reasoning") return single_majority(colours) || single_majority(shapes);
    if (type == "identity" || type == "attribute" || type == "location") return objects >= 1;
    return true;
}

std::optional<uint64_t> pool_scene_index(std::string_view id) {
    const std::string prefix = std::string(split_name(Split::Pool)) + "-";
    if (id.size() <= prefix.size() || id.substr(0, prefix.size()) != prefix) return std::nullopt;
    uint64_t index = 0;
    for (const char c : id.substr(prefix.size())) {
        if (c < '0' || c > '9' || index > (UINT64_MAX - 9) / 10) return std::nullopt;
        index = index * 10 + uint64_t(c - '0');
    }
    return index;
}

Scene World::scene(Split split, uint64_t index) const {
    for (uint64_t attempt = 0;; ++attempt) {
        Rng  rng   = stream(options_.seed, split, index, attempt);
        auto scene = generate_scene(rng, options_.image_size, "");
        if (scene) {
            scene->id = scene_id(split, index);
            return *scene;
        }
        if (attempt > 1000) throw Error(Status::Internal, "world: cannot generate a scene");
    }
}

// A scene on which `type` can be asked, and the question (so that callers get both at once).
std::pair<Scene, Sample> ask(const WorldOptions & options, Split split, uint64_t index, std::string_view type) {
    for (uint64_t attempt = 0; attempt < 500; ++attempt) {
        Rng  rng   = stream(options.seed, split, index, attempt);
        auto scene = generate_scene(rng, options.image_size, type);
        if (!scene) continue;
        scene->id = scene_id(split, index, split == Split::Extra ? type : std::string_view{});
        if (auto question = make_question(*scene, type, rng)) return {*scene, *question};
    }
    throw Error(Status::Internal, "world: no scene supports a '" + std::string(type) + "' question");
}

Scene World::scene_for(Split split, uint64_t index, std::string_view type) const {
    if (!find_question_type(type)) throw Error(Status::NotFound, "unknown question type '" + std::string(type) + "'");
    return ask(options_, split, index, type).first;
}

}  // namespace dataengine
