#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "dataengine/world.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

WorldOptions small_world(uint64_t seed = 7) {
    WorldOptions o;
    o.seed           = seed;
    o.seed_counts    = {{"counting", 20}, {"text", 5}, {"scene", 10}};
    o.dev_per_type   = 12;
    o.test_per_type  = 12;
    o.pool_images    = 30;
    o.caption_images = 40;
    return o;
}

}  // namespace

TEST_CASE("the world is deterministic for a seed and differs across seeds", "[world]") {
    const World a(small_world(7)), b(small_world(7)), c(small_world(8));
    CHECK(serialize_dataset(a.questions(Split::Test), Format::Jsonl) == serialize_dataset(b.questions(Split::Test), Format::Jsonl));
    CHECK(serialize_dataset(a.questions(Split::Test), Format::Jsonl) != serialize_dataset(c.questions(Split::Test), Format::Jsonl));
    CHECK(render(a.scene(Split::Pool, 4)).pixels == render(b.scene(Split::Pool, 4)).pixels);
    CHECK(World::scene_to_json(a.scene(Split::Pool, 4)) != World::scene_to_json(c.scene(Split::Pool, 4)));
}

TEST_CASE("every answer agrees with the scene graph, checked independently", "[world]") {
    // 60 questions of each type on fresh scenes: the checker reads the question text and
    // recomputes the answer from geometry.
    WorldOptions o;
    o.seed = 3;
    const World world(o);
    std::map<std::string, std::vector<int>> answer_positions;
    for (const QuestionType & type : question_types()) {
        for (uint64_t i = 0; i < 60; ++i) {
            const Scene scene = world.scene_for(Split::Dev, 5000 + i, type.name);
            Rng         rng(i);
            const auto  q = make_question(scene, type.name, rng);
            if (!q) continue;  // this draw picked something the scene lacks; others will not
            INFO(type.name << ": " << q->question << " in " << World::scene_to_json(scene));
            REQUIRE(q->options.size() == 4);
            CHECK(std::set<std::string>(q->options.begin(), q->options.end()).size() == 4);
            CHECK(answer_from_scene(scene, *q) == q->answer);
            CHECK(q->type == type.name);
            CHECK(!q->rationales.empty());
            answer_positions[type.name].push_back(q->answer);
        }
    }
    // Answer positions are spread over A-D, not stuck on one letter.
    CHECK(answer_positions.size() == 9);
    for (const auto & [type, positions] : answer_positions) {
        CHECK(positions.size() >= 30);
        std::set<int> used(positions.begin(), positions.end());
        CHECK(used.size() == 4);
    }
}

TEST_CASE("identity, attribute and reasoning offer the scene's own shapes and colours as distractors", "[world]") {
    // An option absent from the image would be ruled out by seeing what is there; the options
    // must instead make the model bind a colour to a shape, or count. So every other shape (or
    // colour) the scene shows is offered, up to the three distractor slots.
    WorldOptions o;
    o.seed = 5;
    const World world(o);
    const auto & shapes = shape_names();
    int with_two_in_scene = 0;
    for (const std::string type : {"identity", "attribute", "reasoning"}) {
        int asked = 0;
        for (uint64_t i = 0; i < 80; ++i) {
            const Scene scene = world.scene_for(Split::Test, 7000 + i, type);
            Rng         rng(100 + i);
            const auto  q = make_question(scene, type, rng);
            if (!q) continue;
            ++asked;
            const std::string & answer = q->options[size_t(q->answer)];
            const bool by_shape = std::find(shapes.begin(), shapes.end(), answer) != shapes.end();
            std::set<std::string> shown;  // the scene's other values of the asked attribute
            for (const WorldObject & object : scene.objects) {
                const std::string value = by_shape ? shapes[size_t(object.shape)] : colour_names()[size_t(object.colour)];
                if (value != answer) shown.insert(value);
            }
            int offered = 0;
            for (const std::string & option : q->options) offered += shown.count(option) ? 1 : 0;
            INFO(type << ": " << q->question << " " << answer << " in " << World::scene_to_json(scene));
            CHECK(offered == int(std::min<size_t>(shown.size(), 3)));
            with_two_in_scene += offered >= 2;
        }
        CHECK(asked >= 40);
    }
    CHECK(with_two_in_scene > 20);  // the rule is exercised, not vacuous on one-colour scenes
}

TEST_CASE("the checker rejects wrong options, duplicates and questions it does not know", "[world]") {
    const World world(small_world());
    const Scene scene = world.scene_for(Split::Test, 1, "counting");
    Rng         rng(1);
    Sample      q = *make_question(scene, "counting", rng);
    const int   right = q.answer;
    Sample wrong = q;
    wrong.options[size_t(right)] = "99";
    CHECK(answer_from_scene(scene, wrong) == -1);
    Sample twice = q;
    twice.options[size_t((right + 1) % 4)] = q.options[size_t(right)];
    CHECK(answer_from_scene(scene, twice) == -1);
    Sample odd = q;
    odd.question = "What is the meaning of this picture?";
    CHECK(answer_from_scene(scene, odd) == -1);
}

TEST_CASE("rendering draws each object in its colour and the glyph in the font", "[world]") {
    Scene s;
    s.id         = "hand";
    s.size       = 64;
    s.background = Background::Dark;
    s.objects    = {{ShapeKind::Square, Colour::Red, SizeClass::Large, 16, 16, 12},
                    {ShapeKind::Circle, Colour::Blue, SizeClass::Small, 48, 48, 8}};
    s.glyph      = Glyph{'1', 40, 2, 3, false};
    const Image image = render(s);
    CHECK(int(image.at(16, 16, 0)) == 220);  // red square's centre
    CHECK(int(image.at(48, 48, 2)) == 235);  // blue circle's centre
    CHECK(int(image.at(2, 60, 0)) == 28);    // dark background
    // Glyph '1': row 0 is "..#..": font column 2 -> pixels 46..48 at scale 3.
    CHECK(int(image.at(47, 3, 0)) == 250);
    CHECK(int(image.at(41, 3, 0)) == 28);
    const auto boxes = scene_boxes(s);
    REQUIRE(boxes.size() == 3);
    CHECK(boxes[0].name == "large red square");
    CHECK(boxes[2].name == "text \"1\"");
    const std::string description = describe_scene(s);
    CHECK_THAT(description, Catch::Contains("large red square: [0.094, 0.094, 0.406, 0.406]"));
    CHECK_THAT(description, Catch::Contains("The character 1 is written in the image."));
}

TEST_CASE("contact classes come from the masks", "[world]") {
    WorldObject a{ShapeKind::Square, Colour::Red, SizeClass::Large, 20, 20, 10};
    WorldObject b = a;
    b.colour = Colour::Blue;
    Sample question;
    question.id       = "q";
    question.question = "Which is true of the red square and the blue square?";
    question.options  = {"they overlap", "they touch", "they are close but not touching", "they are far apart"};
    auto at = [&](int cx) {
        b.cx = cx;
        Scene s;
        s.objects = {a, b};
        return answer_from_scene(s, question);
    };
    // Half-extent 0.85 * 10 = 8.5 around pixel centres: a covers columns 11..28, b 9 either side
    // of cx - 1 (cx - 9 .. cx + 8).
    CHECK(at(30) == 0);  // 21..38: overlap
    CHECK(at(38) == 1);  // 29..46: columns 28 and 29 are neighbours
    CHECK(at(42) == 2);  // 33..50: 5 pixels apart
    CHECK(at(55) == 3);  // 46..63: 18 pixels apart
}

TEST_CASE("splits: imbalanced seed set, circular benchmarks, disjoint scenes", "[world]") {
    const World   world(small_world());
    const Dataset seed = world.questions(Split::SeedTrain);
    const Dataset test = world.questions(Split::Test);
    const Dataset dev  = world.questions(Split::Dev);
    std::map<std::string, int> per_type;
    for (const Sample & s : seed.samples()) ++per_type[s.type];
    CHECK(per_type["counting"] == 20);
    CHECK(per_type["text"] == 5);
    CHECK(per_type.count("reasoning") == 0);
    CHECK(test.size() == 9 * 12 * 4);
    // Circular copies: same question and scene, options rotated, answer text unchanged.
    const Sample & original = *test.find("5");
    const Sample & copy     = *test.find("2000005");
    CHECK(copy.question == original.question);
    CHECK(copy.circular_group == "5");
    CHECK(copy.options[size_t(copy.answer)] == original.options[size_t(original.answer)]);
    CHECK(copy.options[0] == original.options[2]);
    // Every copy of every benchmark question checks out against its scene.
    for (const Sample & s : test.samples()) {
        const Scene scene = world.scene_for(Split::Test, std::stoull(s.circular_group), s.type);
        REQUIRE(scene.id == s.extra.at("scene"));
        CHECK(answer_from_scene(scene, s) == s.answer);
    }
    std::set<std::string> dev_scenes, test_scenes;
    for (const Sample & s : dev.samples()) dev_scenes.insert(s.extra.at("scene"));
    for (const Sample & s : test.samples()) test_scenes.insert(s.extra.at("scene"));
    for (const std::string & id : dev_scenes) CHECK(test_scenes.count(id) == 0);
}

TEST_CASE("seed counts parse from the command-line form", "[world]") {
    WorldOptions o;
    apply_seed_counts(o, "counting=300, text=900");
    CHECK(o.seed_counts["counting"] == 300);
    CHECK(o.seed_counts["text"] == 900);
    CHECK_THROWS_WITH(apply_seed_counts(o, "colour=3"), Catch::Contains("'colour=3'"));
    CHECK_THROWS_WITH(apply_seed_counts(o, "text=-1"), Catch::Contains("count"));
    CHECK_THROWS_WITH(apply_seed_counts(o, "text"), Catch::Contains("TYPE=COUNT"));
}

TEST_CASE("scene graphs round trip through JSON", "[world]") {
    const World world(small_world());
    for (uint64_t i = 0; i < 20; ++i) {
        const Scene s = world.scene_for(Split::Pool, i, i % 2 ? "text" : "interaction");
        const Scene back = World::scene_from_json(World::scene_to_json(s));
        CHECK(World::scene_to_json(back) == World::scene_to_json(s));
        CHECK(render(back).pixels == render(s).pixels);
    }
    CHECK_THROWS_WITH(World::scene_from_json(R"({"id": "x", "size": 64, "background": "polka", "objects": []})"),
                      Catch::Contains("unknown background 'polka'"));
}

TEST_CASE("write() lays out a world any reader can load", "[world]") {
    fixtures::TempDir dir;
    const World       world(small_world());
    int               calls = 0;
    world.write(dir.path(), [&](const ProgressEvent &) { ++calls; return true; });
    CHECK(calls > 0);
    const Dataset seed = read_dataset(dir.file("seed_train.jsonl"), Format::Jsonl);
    CHECK(seed.size() == 35);
    const Dataset test_tsv   = read_dataset(dir.file("test.tsv"), Format::MMBench);
    const Dataset test_jsonl = read_dataset(dir.file("test.jsonl"), Format::Jsonl);
    CHECK(test_tsv.size() == test_jsonl.size());
    // The TSV's embedded image is the PNG of the scene, which decodes to the rendered pixels.
    const Sample & q = test_tsv[0];
    const Image    image = decode_image(test_tsv.image_bytes(q), {}, q.id);
    CHECK(image.width == 64);
    CHECK(image.pixels == decode_image(read_file(dir.file(test_jsonl[0].image.value)), {}, "png").pixels);
    // world.json gives the options back, so a program reusing the directory makes the same world.
    CHECK(World(read_world_options(dir.path())).settings_json() == world.settings_json());
    CHECK(read_world_options(dir.path()).seed_counts == small_world().seed_counts);
    CHECK(file_exists(dir.file("pool.jsonl")));
    const Dataset captions = read_dataset(dir.file("captions.jsonl"), Format::Jsonl);
    // One long and two single-fact captions per scene, one referring fact where an object can be
    // named uniquely (every scene with one object at least), and one relation where two can.
    CHECK(captions.size() > 120);
    CHECK(captions.size() <= 200);
    // Every scene referenced has its graph in scenes.jsonl and its image on disk.
    size_t scenes = 0;
    for (const std::string & line : split(read_file(dir.file("scenes.jsonl")), '\n')) {
        if (line.empty()) continue;
        const Scene s = World::scene_from_json(line);
        CHECK(file_exists(dir.file("images/" + s.id + ".png")));
        ++scenes;
    }
    CHECK(scenes == 35 + 9 * 12 * 2 + 30 + 40);
}

TEST_CASE("world.json from another generator version or malformed is refused, naming the file", "[world]") {
    fixtures::TempDir dir;
    CHECK_THROWS_WITH(read_world_options(dir.path()), Catch::Contains("no world.json"));
    const std::string current = World(small_world()).settings_json();
    const std::string version = "\"generator\":" + std::to_string(world_generator_version()) + ",";
    REQUIRE(current.find(version) != std::string::npos);
    auto refused = [&](const std::string & text, const std::string & why) {
        write_file_atomic(dir.file("world.json"), text);
        try {
            (void)read_world_options(dir.path());
            FAIL("accepted: " << text);
        } catch (const Error & e) {
            CHECK(e.status() == Status::Format);
            CHECK_THAT(e.what(), Catch::Contains(dir.file("world.json")) && Catch::Contains(why));
        }
    };
    // Written before the version was recorded (the distractors changed since), or by a later one.
    std::string old = current;
    old.erase(old.find(version), version.size());
    refused(old, "version 0");
    std::string later = current;
    later.replace(later.find(version), version.size(), "\"generator\":" + std::to_string(world_generator_version() + 1) + ",");
    refused(later, "version " + std::to_string(world_generator_version() + 1));
    std::string bad_count = current;
    bad_count.replace(bad_count.find("\"text\":5"), 8, "\"text\":-5");
    refused(bad_count, "seed_counts");
    std::string bad_type = current;
    bad_type.replace(bad_type.find("\"text\":5"), 8, "\"texts\":5");
    refused(bad_type, "unknown question type 'texts'");
    refused(current.substr(0, 40), "invalid JSON");
    std::string negative_seed = current;
    negative_seed.replace(negative_seed.find("\"seed\":7"), 8, "\"seed\":-7");
    refused(negative_seed, "'seed'");
    write_file_atomic(dir.file("world.json"), current);
    CHECK(read_world_options(dir.path()).seed == 7);
    // Any 64-bit seed round-trips, also those above INT64_MAX.
    WorldOptions large = small_world();
    large.seed = 18446744073709551615ull;
    write_file_atomic(dir.file("world.json"), World(large).settings_json());
    CHECK(read_world_options(dir.path()).seed == large.seed);
}

TEST_CASE("extra questions of one type come on fresh scenes with their images", "[world]") {
    fixtures::TempDir dir;
    const World       world(small_world());
    const Dataset     extra = world.extra_questions("text", 12, 100, dir.path());
    REQUIRE(extra.size() == 12);
    std::set<std::string> scenes;
    for (const Sample & s : extra.samples()) {
        CHECK(s.type == "text");
        CHECK(s.extra.at("scene").rfind("extra-", 0) == 0);
        scenes.insert(s.extra.at("scene"));
        CHECK(decode_image(extra.image_bytes(s), {}, s.id).width == 64);
        const std::string & id = s.extra.at("scene");
        const Scene scene = world.scene_for(Split::Extra, std::stoull(id.substr(id.rfind('-') + 1)), "text");
        CHECK(answer_from_scene(scene, s) == s.answer);
    }
    CHECK(scenes.size() == 12);
    CHECK_THROWS_AS(world.extra_questions("colour", 1, 0, dir.path()), Error);
}

TEST_CASE("extra questions of two types at the same indices each show their own scene, whatever was on disk", "[world]") {
    fixtures::TempDir dir;
    const World       world(small_world());
    // A stale file where the first text question's image goes: it must not be trained on.
    const Dataset first = world.extra_questions("text", 1, 300, dir.path());
    write_file_atomic(dir.file(first.samples()[0].image.value), "not the scene's picture");
    for (const char * type : {"text", "spatial relation"}) {
        const Dataset extra = world.extra_questions(type, 6, 300, dir.path());
        for (const Sample & s : extra.samples()) {
            const std::string & id = s.extra.at("scene");
            const Scene scene = world.scene_for(Split::Extra, std::stoull(id.substr(id.rfind('-') + 1)), type);
            CHECK(id == scene.id);
            const Image shown = decode_image(extra.image_bytes(s), {}, s.id);
            const Image drawn = render(scene);
            CHECK(shown.pixels == drawn.pixels);
            CHECK(answer_from_scene(scene, s) == s.answer);
        }
    }
}

TEST_CASE("the world's content filter never turns away an image that can carry the type", "[world]") {
    WorldOptions o;
    o.seed        = 21;
    o.pool_images = 300;
    const World     world(o);
    const ImagePool pool = world.pool();
    int refused = 0;
    for (const PoolImage & image : pool.images()) {
        const Scene scene = world.scene(Split::Pool, *pool_scene_index(image.id));
        CHECK(world_image_supports("text", image) == scene.glyph.has_value());
        for (const QuestionType & type : question_types()) {
            Rng rng(stable_hash(image.id + type.name));
            INFO(image.id << " " << type.name);
            if (make_question(scene, type.name, rng)) CHECK(world_image_supports(type.name, image));
            refused += !world_image_supports(type.name, image);
        }
    }
    CHECK(refused > 300);  // it does filter: text, relations, reasoning need particular scenes
    CHECK_FALSE(pool_scene_index("dev-000001"));
    CHECK(pool_scene_index("pool-000042") == 42u);
}

TEST_CASE("referring captions name an object first and are true of the scene, checked independently", "[world]") {
    // "The large square is red.", "The A and the B touch." and "Relative to the B, the A is
    // above." are asked back as the attribute, interaction and spatial relation questions they
    // answer, and the answer checker reads the scene graph.
    WorldOptions o = small_world(11);
    o.caption_images = 200;
    const World world(o);
    const auto  contacts = std::vector<std::pair<std::string, std::string>>{
        {" overlap.", "they overlap"}, {" touch.", "they touch"}, {" are close but not touching.", "they are close but not touching"},
        {" are far apart.", "they are far apart"}};
    std::map<std::string, int> checked;
    std::set<std::string>      touching_scenes;
    for (const auto & [scene, caption] : world.captions()) {
        Sample q;
        const std::string relative = "Relative to the ";
        if (caption.rfind(relative, 0) == 0) {
            const size_t comma = caption.find(", the "), is = caption.find(" is ", comma);
            REQUIRE(comma != std::string::npos);
            REQUIRE(is != std::string::npos);
            const std::string b = caption.substr(relative.size(), comma - relative.size());
            const std::string a = caption.substr(comma + 6, is - comma - 6);
            const std::string relation = caption.substr(is + 4, caption.size() - is - 5);
            q.question = "Where is the " + a + " relative to the " + b + "?";
            q.options  = {"to the left", "to the right", "above", "below"};
            const int answer = answer_from_scene(scene, q);
            REQUIRE(answer >= 0);
            CHECK(q.options[size_t(answer)] == relation);
            ++checked["relation " + relation];
            continue;
        }
        const size_t is = caption.find(" is ");
        const size_t and_the = caption.find(" and the ");
        if (caption.rfind("The ", 0) != 0) continue;
        for (const auto & [ending, phrase] : contacts) {
            if (and_the == std::string::npos || caption.size() < ending.size() ||
                caption.compare(caption.size() - ending.size(), ending.size(), ending) != 0)
                continue;
            const std::string a = caption.substr(4, and_the - 4);
            const std::string b = caption.substr(and_the + 9, caption.size() - ending.size() - and_the - 9);
            q.question = "Which is true of the " + a + " and the " + b + "?";
            for (const auto & c : contacts) q.options.push_back(c.second);
            const int answer = answer_from_scene(scene, q);
            REQUIRE(answer >= 0);
            CHECK(q.options[size_t(answer)] == phrase);
            ++checked["contact " + phrase];
            if (phrase != "they are far apart") touching_scenes.insert(scene.id);
        }
        const std::string colour = is == std::string::npos ? "" : caption.substr(is + 4, caption.size() - is - 5);
        const auto & colours = colour_names();
        if (and_the == std::string::npos && std::find(colours.begin(), colours.end(), colour) != colours.end()) {
            q.question = "What colour is the " + caption.substr(4, is - 4) + "?";
            q.options  = colours;
            const int answer = answer_from_scene(scene, q);
            REQUIRE(answer >= 0);
            CHECK(q.options[size_t(answer)] == colour);
            ++checked["attribute"];
        }
    }
    // Both kinds occur, and the scenes built around a pair make overlapping, touching and close
    // pairs common enough for stage 1 to see them.
    CHECK(checked["attribute"] >= 40);
    CHECK(checked["contact they overlap"] >= 5);
    CHECK(checked["contact they touch"] >= 5);
    CHECK(checked["contact they are close but not touching"] >= 5);
    CHECK(touching_scenes.size() >= 25);
    for (const char * relation : {"to the left", "to the right", "above", "below"}) CHECK(checked[std::string("relation ") + relation] >= 10);
}
