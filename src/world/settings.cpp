// world.json: what a world directory was made with, written by World::write and read back by the
// programs that reuse a directory (the loop, learnability), so they never mix its files with
// scenes and questions made from other settings or by another generator.
#include <fmt/format.h>

#include <climits>

#include "core/json_read.hpp"
#include "world/world_internal.hpp"

namespace dataengine {

// Raised whenever the same options give other scenes, questions or captions. 1: the first
// version recorded (scene-aware distractors of identity, attribute and reasoning).
int world_generator_version() { return 1; }

std::string World::settings_json() const {
    JsonWriter w;
    w.begin_object().key("generator").value(world_generator_version()).key("seed").value(options_.seed)
        .key("image_size").value(options_.image_size);
    w.key("types").begin_array();
    for (const QuestionType & t : question_types()) w.begin_object().key("name").value(t.name).key("definition").value(t.definition).end_object();
    w.end_array().key("seed_counts").begin_object();
    for (const auto & [type, count] : options_.seed_counts) w.key(type).value(count);
    w.end_object();
    w.key("dev_per_type").value(options_.dev_per_type).key("test_per_type").value(options_.test_per_type);
    w.key("circular").value(options_.circular).key("pool_images").value(options_.pool_images);
    w.key("caption_images").value(options_.caption_images);
    w.key("files").begin_object()
        .key("images").value("images/").key("seed_train").value("seed_train.jsonl")
        .key("dev").value("dev.jsonl").key("dev_tsv").value("dev.tsv").key("test").value("test.jsonl")
        .key("test_tsv").value("test.tsv").key("pool").value("pool.jsonl").key("captions").value("captions.jsonl")
        .key("scenes").value("scenes.jsonl").end_object();
    w.end_object();
    return w.take();
}

WorldOptions read_world_options(const std::string & dir) {
    const std::string path = dir + "/world.json";
    if (!file_exists(path)) throw Error(Status::NotFound, "'" + dir + "' holds no world (no world.json; run dataengine world)");
    const std::string text = read_file(path);
    auto bad = [&](const std::string & why) { return Error(Status::Format, "world settings '" + path + "': " + why); };
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    json::element           root;
    json::object            obj;
    if (const auto code = json::parse_document(parser, text, false, copy, root)) throw bad(json::describe_parse_failure(code, text));
    if (root.get(obj) != simdjson::SUCCESS) throw bad("must be an object");
    std::string why;
    int64_t generator = 0;  // absent: written before the version was recorded
    if (!json::get_int(obj, "generator", generator, why, false)) throw bad(why);
    if (generator != world_generator_version())
        throw bad(fmt::format("made by world generator version {}{}, this build makes version {}: its questions "
                              "and images differ from those this build would add to them; make the world again",
                              generator, generator == 0 ? " (before versions were recorded)" : "", world_generator_version()));
    WorldOptions o;
    int64_t image_size = 0, dev = 0, test = 0, pool = 0, captions = 0;
    auto count = [&](const char * name, int64_t v) {
        if (v < 0 || v > INT_MAX) throw bad(fmt::format("'{}' must be 0..{}, not {}", name, INT_MAX, v));
        return int(v);
    };
    // Any 64-bit seed: above INT64_MAX simdjson holds it as unsigned, which get_int refuses.
    if (obj["seed"].get(o.seed) != simdjson::SUCCESS) throw bad("'seed' must be an integer 0..2^64-1");
    if (!json::get_int(obj, "image_size", image_size, why) ||
        !json::get_int(obj, "dev_per_type", dev, why) || !json::get_int(obj, "test_per_type", test, why) ||
        !json::get_bool(obj, "circular", o.circular, why) || !json::get_int(obj, "pool_images", pool, why) ||
        !json::get_int(obj, "caption_images", captions, why))
        throw bad(why);
    o.image_size     = count("image_size", image_size);
    o.dev_per_type   = count("dev_per_type", dev);
    o.test_per_type  = count("test_per_type", test);
    o.pool_images    = count("pool_images", pool);
    o.caption_images = count("caption_images", captions);
    json::object counts;
    if (obj["seed_counts"].get(counts) != simdjson::SUCCESS) throw bad("missing object 'seed_counts'");
    o.seed_counts.clear();
    for (const auto field : counts) {
        int64_t n = 0;
        if (field.value.get(n) != simdjson::SUCCESS) throw bad(fmt::format("seed_counts '{}' must be an integer", std::string(field.key)));
        o.seed_counts[std::string(field.key)] = count("seed_counts", n);
    }
    try {
        (void)World(o);  // the same checks as any options
    } catch (const Error & e) {
        throw bad(e.what());
    }
    return o;
}

}  // namespace dataengine
