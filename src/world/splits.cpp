// Seed training set, dev and test benchmarks, pool and caption corpus; writing them to disk.
#include <filesystem>
#include <mutex>

#include "core/json_read.hpp"
#include "world/world_internal.hpp"

namespace dataengine {
namespace {

struct SplitData {
    std::vector<Scene> scenes;
    Dataset            questions;
};

std::string image_path(const Scene & s) { return "images/" + s.id + ".png"; }

SplitData build_questions(const WorldOptions & options, Split split) {
    SplitData out;
    uint64_t  index = 0;
    for (const QuestionType & type : question_types()) {
        int count = 0;
        if (split == Split::SeedTrain) {
            auto it = options.seed_counts.find(type.name);
            count   = it == options.seed_counts.end() ? 0 : it->second;
        } else {
            count = split == Split::Dev ? options.dev_per_type : options.test_per_type;
        }
        for (int i = 0; i < count; ++i, ++index) {
            auto [scene, question] = ask(options, split, index, type.name);
            question.image               = ImageRef::file(image_path(scene));
            question.provenance.source   = "world";
            if (split == Split::SeedTrain) {
                question.id = "seed-" + std::to_string(index);
                out.questions.add(question);
            } else {
                // MMBench-style circular copies: index k * 1e6 + i, options rotated by k.
                const int copies = options.circular ? int(question.options.size()) : 1;
                for (int k = 0; k < copies; ++k) {
                    Sample copy = question;
                    copy.id             = std::to_string(uint64_t(k) * 1000000 + index);
                    copy.circular_group = std::to_string(index);
                    copy.rotation       = k;
                    const size_t n      = question.options.size();
                    for (size_t j = 0; j < n; ++j) copy.options[j] = question.options[(j + size_t(k)) % n];
                    copy.answer = int((size_t(question.answer) + n - size_t(k)) % n);
                    out.questions.add(std::move(copy));
                }
            }
            out.scenes.push_back(std::move(scene));
        }
    }
    return out;
}

}  // namespace

Dataset World::questions(Split split) const {
    if (split != Split::SeedTrain && split != Split::Dev && split != Split::Test)
        throw Error(Status::Invalid, std::string("world: the ") + split_name(split) + " split has no questions");
    return build_questions(options_, split).questions;
}

Dataset World::extra_questions(std::string_view type, int count, uint64_t first_index, const std::string & dir) const {
    if (!find_question_type(type)) throw Error(Status::NotFound, "unknown question type '" + std::string(type) + "'");
    std::error_code ec;
    std::filesystem::create_directories(dir + "/images", ec);
    if (ec) throw Error(Status::Io, "cannot create '" + dir + "/images': " + ec.message());
    Dataset out(dir);
    for (int i = 0; i < count; ++i) {
        auto [scene, question] = ask(options_, Split::Extra, first_index + uint64_t(i), type);
        // Always written: a file left at this path by another world or an older generator would
        // otherwise be trained on under this question (it was, and cost a learnability run).
        write_file_atomic(dir + "/" + image_path(scene), encode_png(render(scene)));
        question.id                = "extra-" + std::to_string(first_index + uint64_t(i));
        question.image             = ImageRef::file(image_path(scene));
        question.provenance.source = "world";
        out.add(std::move(question));
    }
    return out;
}

namespace {

PoolImage pool_entry(const Scene & s) {
    PoolImage p;
    p.id          = s.id;
    p.image       = ImageRef::file(image_path(s));
    p.width       = p.height = s.size;
    p.captions    = scene_captions(s, 0);
    p.objects     = scene_boxes(s);
    p.description = describe_image(p.captions, p.objects);
    return p;
}

}  // namespace

ImagePool World::pool() const {
    ImagePool pool;
    for (int i = 0; i < options_.pool_images; ++i) pool.add(pool_entry(scene(Split::Pool, uint64_t(i))));
    return pool;
}

std::vector<std::pair<Scene, std::string>> World::captions() const {
    std::vector<std::pair<Scene, std::string>> out;
    for (int i = 0; i < options_.caption_images; ++i) {
        // Every fourth caption scene is built around a pair that overlaps, touches, is close or
        // apart, as interaction scenes are: scattered objects rarely meet, and stage 1 would
        // never see two that do.
        const bool  contact_scene = i % 4 == 3;
        const Scene s   = contact_scene ? scene_for(Split::Captions, uint64_t(i), "interaction") : scene(Split::Captions, uint64_t(i));
        Rng         rng = Rng(options_.seed ^ stable_hash(s.id));
        const auto  all = scene_captions(s, rng.next());
        out.emplace_back(s, all[0]);
        // Short single-fact captions, so that facts that are one token of a long caption
        // (the background, the count, the glyph) get gradient of their own.
        std::vector<std::string> facts = {"The background is " + background_names()[size_t(s.background)] + "."};
        const size_t n = s.objects.size();
        facts.push_back(n == 1 ? "There is one shape." : "There are " + std::to_string(n) + " shapes.");
        for (size_t k = 1; k < all.size(); ++k) facts.push_back(all[k]);
        if (n > 0) {
            const WorldObject & o = s.objects[rng.below(n)];
            facts.push_back("There is a " + o.name() + ".");
        }
        rng.shuffle(facts);
        for (size_t k = 0; k < std::min<size_t>(2, facts.size()); ++k) out.emplace_back(s, facts[k]);
        if (auto fact = referring_caption(s, rng, contact_scene)) out.emplace_back(s, std::move(*fact));
        // A relation of its own for every scene that has one: in the long captions a relation is one
        // rare clause, and the model never learned to compare two named objects' positions.
        if (auto fact = relation_caption(s, rng)) out.emplace_back(s, std::move(*fact));
    }
    return out;
}

std::string World::scene_to_json(const Scene & s) {
    JsonWriter w;
    w.begin_object().key("id").value(s.id).key("size").value(s.size);
    w.key("background").value(background_names()[size_t(s.background)]);
    w.key("objects").begin_array();
    for (const WorldObject & o : s.objects)
        w.begin_object()
            .key("shape").value(shape_names()[size_t(o.shape)])
            .key("colour").value(colour_names()[size_t(o.colour)])
            .key("size").value(o.size == SizeClass::Small ? "small" : "large")
            .key("cx").value(o.cx).key("cy").value(o.cy).key("radius").value(o.radius)
            .end_object();
    w.end_array();
    if (s.glyph)
        w.key("glyph").begin_object().key("ch").value(std::string(1, s.glyph->ch)).key("x").value(s.glyph->x)
            .key("y").value(s.glyph->y).key("scale").value(s.glyph->scale).key("dark").value(s.glyph->dark).end_object();
    w.end_object();
    return w.take();
}

Scene World::scene_from_json(std::string_view text) {
    simdjson::padded_string   copy;
    simdjson::dom::parser     parser;
    simdjson::dom::element    root;
    simdjson::dom::object     obj;
    auto bad = [](const std::string & why) -> Error { return Error(Status::Format, "scene JSON: " + why); };
    if (const auto code = json::parse_document(parser, text, false, copy, root)) throw bad(json::describe_parse_failure(code, text));
    if (root.get(obj) != simdjson::SUCCESS) throw bad("must be an object");
    Scene       s;
    std::string why, background;
    int64_t     size = 0;
    if (!json::get_string(obj, "id", s.id, why) || !json::get_int(obj, "size", size, why) ||
        !json::get_string(obj, "background", background, why))
        throw bad(why);
    auto lookup = [&](const std::vector<std::string> & names, const std::string & name, const char * what) {
        for (size_t i = 0; i < names.size(); ++i)
            if (names[i] == name) return int(i);
        throw bad(std::string("unknown ") + what + " '" + name + "'");
    };
    s.size       = int(size);
    s.background = Background(lookup(background_names(), background, "background"));
    simdjson::dom::array objects;
    if (obj["objects"].get(objects) != simdjson::SUCCESS) throw bad("missing list 'objects'");
    for (simdjson::dom::element e : objects) {
        simdjson::dom::object o;
        std::string shape, colour, size_name;
        int64_t cx = 0, cy = 0, radius = 0;
        if (e.get(o) != simdjson::SUCCESS || !json::get_string(o, "shape", shape, why) ||
            !json::get_string(o, "colour", colour, why) || !json::get_string(o, "size", size_name, why) ||
            !json::get_int(o, "cx", cx, why) || !json::get_int(o, "cy", cy, why) || !json::get_int(o, "radius", radius, why))
            throw bad("objects: " + why);
        WorldObject w;
        w.shape  = ShapeKind(lookup(shape_names(), shape, "shape"));
        w.colour = Colour(lookup(colour_names(), colour, "colour"));
        if (size_name != "small" && size_name != "large") throw bad("unknown size '" + size_name + "'");
        w.size   = size_name == "small" ? SizeClass::Small : SizeClass::Large;
        w.cx     = int(cx);
        w.cy     = int(cy);
        w.radius = int(radius);
        s.objects.push_back(w);
    }
    simdjson::dom::object g;
    if (obj["glyph"].get(g) == simdjson::SUCCESS) {
        std::string ch;
        int64_t x = 0, y = 0, scale = 0;
        bool dark = false;
        if (!json::get_string(g, "ch", ch, why) || !json::get_int(g, "x", x, why) || !json::get_int(g, "y", y, why) ||
            !json::get_int(g, "scale", scale, why) || !json::get_bool(g, "dark", dark, why) || ch.size() != 1)
            throw bad("glyph: " + (why.empty() ? std::string("'ch' must be one character") : why));
        s.glyph = Glyph{ch[0], int(x), int(y), int(scale), dark};
    }
    return s;
}

void World::write(const std::string & dir, const ProgressCallback & progress) const {
    namespace fs = std::filesystem;
    std::error_code ec;
    fs::create_directories(fs::path(dir) / "images", ec);
    if (ec) throw Error(Status::Io, "cannot create '" + dir + "/images': " + ec.message());

    std::vector<Scene> scenes;  // every scene whose image is written
    std::string        scene_lines;
    auto remember = [&](const std::vector<Scene> & list) {
        for (const Scene & s : list) {
            scene_lines += scene_to_json(s) + "\n";
            scenes.push_back(s);
        }
    };
    ProgressReporter report(progress, "world", 0);
    for (Split split : {Split::SeedTrain, Split::Dev, Split::Test}) {
        SplitData data = build_questions(options_, split);
        data.questions.set_image_root(dir);
        const std::string name = split_name(split);
        write_dataset(data.questions, dir + "/" + name + ".jsonl", Format::Jsonl);
        remember(data.scenes);
        if (split != Split::SeedTrain) {
            // The TSV embeds the images: render them first.
            for (const Scene & s : data.scenes) write_file_atomic(dir + "/" + image_path(s), encode_png(render(s)));
            write_dataset(data.questions, dir + "/" + name + ".tsv", Format::MMBench);
        }
    }
    std::string pool_lines;
    for (int i = 0; i < options_.pool_images; ++i) {
        const Scene     s = scene(Split::Pool, uint64_t(i));
        const PoolImage p = pool_entry(s);
        scenes.push_back(s);
        scene_lines += scene_to_json(s) + "\n";
        JsonWriter w;
        w.begin_object().key("id").value(p.id).key("image").value(image_path(s)).key("description").value(p.description).end_object();
        pool_lines += w.str() + "\n";
    }
    write_file_atomic(dir + "/pool.jsonl", pool_lines);
    Dataset caption_set(dir);
    size_t  k = 0;
    for (const auto & [s, caption] : captions()) {
        Sample c;
        c.id       = "cap-" + std::to_string(k++);
        c.image    = ImageRef::file(image_path(s));
        c.question = "Describe the image.";
        c.direct_answers = {caption};
        c.extra["scene"] = s.id;
        // Where each object is, as box lines: what stage 1's grounding objective learns from.
        c.extra["boxes"] = describe_image({}, scene_boxes(s));
        c.provenance.source = "world";
        caption_set.add(std::move(c));
        if (scenes.empty() || scenes.back().id != s.id) {
            scenes.push_back(s);
            scene_lines += scene_to_json(s) + "\n";
        }
    }
    write_dataset(caption_set, dir + "/captions.jsonl", Format::Jsonl);
    write_file_atomic(dir + "/scenes.jsonl", scene_lines);

    // Images, in parallel: rendering and PNG encoding are independent per scene.
    report.set_total(int64_t(scenes.size()));
    ThreadPool pool_threads;
    std::mutex progress_mutex;
    int64_t    done = 0;
    pool_threads.parallel_for(scenes.size(), 64, [&](size_t begin, size_t end) {
        for (size_t i = begin; i < end; ++i) {
            const std::string path = dir + "/" + image_path(scenes[i]);
            if (!file_exists(path)) write_file_atomic(path, encode_png(render(scenes[i])));
        }
        std::lock_guard<std::mutex> lock(progress_mutex);
        done += int64_t(end - begin);
    });
    report.update(done);

    write_file_atomic(dir + "/world.json", settings_json() + "\n");
}

}  // namespace dataengine
