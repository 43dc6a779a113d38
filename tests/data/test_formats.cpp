#include <catch2/catch.hpp>

#include "dataengine/data.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

// Reads `content` as `format` from a real file in a temporary directory.
Dataset read_text(const fixtures::TempDir & dir, const std::string & name, const std::string & content, Format format,
                  const ReadOptions & options = {}) {
    return read_dataset(dir.write(name, content), format, options);
}

}  // namespace

TEST_CASE("MMBench TSV with base64 PNG and JPEG images, 2-4 options and circular copies", "[data]") {
    fixtures::TempDir dir;
    const Dataset     bench = read_text(dir, "mmbench_dev.tsv", fixtures::mmbench_circular_fixture(), Format::MMBench);
    // 3 questions with 2, 3 and 4 options: 2 + 3 + 4 rows.
    REQUIRE(bench.size() == 9);

    const Sample & q0 = *bench.find("0");
    CHECK(q0.options == std::vector<std::string>{"yes", "no"});
    CHECK(q0.answer == 0);
    CHECK(q0.hint.empty());  // "nan" is missing, as pandas reads it
    CHECK(q0.type == "spatial_relationship");
    CHECK(q0.parent_type == "Fine-grained Perception (instance-level)");
    CHECK(q0.circular_group == "0");
    CHECK(q0.rotation == 0);
    CHECK(q0.extra.at("source") == "fixture");

    const Sample & q1 = *bench.find("1");
    CHECK(q1.options.size() == 3);
    CHECK(q1.hint == "Look at the big shape.");
    CHECK(q1.options[size_t(q1.answer)] == "red");

    // Circular copy 2 of question 2: options rotated by two, the answer follows the text.
    const Sample & copy = *bench.find("2000002");
    CHECK(copy.circular_group == "2");
    CHECK(copy.rotation == 2);
    CHECK(copy.options == std::vector<std::string>{"3", "4", "1", "2"});
    CHECK(copy.options[size_t(copy.answer)] == "1");

    // The copy's image cell named row 2: it resolves to the same real image, which decodes.
    CHECK(copy.image == bench.find("2")->image);
    const Image png  = decode_image(bench.image_bytes(q0), {}, "q0");
    const Image jpeg = decode_image(bench.image_bytes(q1), {}, "q1");
    CHECK(png.pixels == fixtures::picture(24, 16, 1).pixels);
    CHECK(jpeg.width == 20);
    CHECK(probe_image(bench.image_bytes(q1), {}, "q1").format == ImageFormat::Jpeg);

    SECTION("written back and read again, nothing changes") {
        const std::string path = dir.file("again.tsv");
        write_dataset(bench, path, Format::MMBench);
        const Dataset again = read_dataset(path, Format::MMBench);
        REQUIRE(again.size() == bench.size());
        for (size_t i = 0; i < bench.size(); ++i) CHECK(again[i] == bench[i]);
        // Copies name the first row with their image instead of repeating the base64.
        const std::string text = read_file(path);
        CHECK(text.find(base64_encode(bench.image_bytes(q0))) == text.rfind(base64_encode(bench.image_bytes(q0))));
    }
    SECTION("native JSONL holds all of it losslessly") {
        const std::string path = dir.file("bench.jsonl");
        write_dataset(bench, path, Format::Jsonl);
        const Dataset again = read_dataset(path, Format::Jsonl);
        REQUIRE(again.size() == bench.size());
        for (size_t i = 0; i < bench.size(); ++i) CHECK(again[i] == bench[i]);
    }
}

TEST_CASE("MMBench reads pandas' missing spellings, a literal None on request, and L2-category", "[data]") {
    fixtures::TempDir dir;
    const std::string img = base64_encode(fixtures::png(8, 8, 9));
    const std::string tsv = fixtures::mmbench_tsv({{5, "Which?", "NA", {"None", "Two", "nan"}, 'A', "ocr", "OCR", img}},
                                                  /*capital_l2=*/true);
    ReadOptions keep;
    keep.keep_none_literal = true;
    const Dataset kept = read_text(dir, "a.tsv", tsv, Format::MMBench, keep);
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].options == std::vector<std::string>{"None", "Two"});
    CHECK(kept[0].hint.empty());
    CHECK(kept[0].parent_type == "OCR");
    CHECK(kept[0].answer == 0);
    // Without the switch "None" is missing, as pandas reads it, which leaves A empty before B.
    CHECK_THROWS_WITH(read_text(dir, "b.tsv", tsv, Format::MMBench), Catch::Contains("option B is given but option A is empty"));
}

TEST_CASE("MMBench quotes fields with tabs, quotes and line breaks as pandas does", "[data]") {
    fixtures::TempDir dir;
    Dataset d(dir.path());
    Sample  s;
    s.id       = "12";
    s.question = "Line one\nline \"two\"\twith a tab";
    s.hint     = "\"quoted\" hint";
    s.options  = {"a\tb", "plain"};
    s.answer   = 1;
    s.type     = "t";
    s.image    = ImageRef::inline_bytes(fixtures::png(4, 4, 1));
    s.circular_group = "12";
    d.add(s);
    const std::string path = dir.file("q.tsv");
    write_dataset(d, path, Format::MMBench);
    const Dataset back = read_dataset(path, Format::MMBench);
    REQUIRE(back.size() == 1);
    CHECK(back[0] == s);
}

TEST_CASE("A-OKVQA JSON reads choices, answers, rationales and COCO image paths", "[data]") {
    fixtures::TempDir dir;
    const Dataset     d = read_text(dir, "aokvqa_v1p0_val.json", fixtures::aokvqa_json(), Format::AOKVQA);
    REQUIRE(d.size() == 3);
    const Sample & q = *d.find("22jbM6gDxdaMaunuzgrsBB");
    CHECK(q.options.size() == 4);
    CHECK(q.answer == 3);
    CHECK(q.direct_answers.size() == 10);
    CHECK(q.rationales.size() == 3);
    CHECK(q.image.kind == ImageKind::File);
    CHECK(q.image.value == "val2017/000000461751.jpg");
    CHECK(d.find("2BxTfhbEpmyQmQJQCLjoEd")->extra.at("difficult_direct_answer") == "true");
    CHECK_FALSE(d.find("testq0001")->has_answer());
    CHECK(d.find("testq0001")->image.value == "test2017/000000012345.jpg");

    const std::string path = dir.file("again.json");
    write_dataset(d, path, Format::AOKVQA);
    const Dataset again = read_dataset(path, Format::AOKVQA);
    REQUIRE(again.size() == d.size());
    for (size_t i = 0; i < d.size(); ++i) CHECK(again[i] == d[i]);
}

TEST_CASE("SEED-Bench JSON names types through question_type and takes integer ids", "[data]") {
    fixtures::TempDir dir;
    const Dataset     d = read_text(dir, "SEED-Bench.json", fixtures::seed_bench_json(), Format::SeedBench);
    REQUIRE(d.size() == 4);
    CHECK(d.find("101669")->type == "Scene Understanding");
    CHECK(d.find("101671")->type == "Instance Counting");  // question_id was the integer 101671
    CHECK(d.find("101671")->answer == 1);
    CHECK(d.find("101669")->image.value == "1454426_2591111986");
    CHECK(d.types() == std::vector<std::string>{"Instance Counting", "Scene Understanding"});

    const std::string path = dir.file("again.json");
    write_dataset(d, path, Format::SeedBench);
    const Dataset again = read_dataset(path, Format::SeedBench);
    REQUIRE(again.size() == d.size());
    for (size_t i = 0; i < d.size(); ++i) CHECK(again[i] == d[i]);
}

TEST_CASE("LLaVA conversations: the paper's QM-A / QM-AE layouts both ways, free-form turns as open samples", "[data]") {
    fixtures::TempDir dir;
    const Dataset     d = read_text(dir, "llava.json", fixtures::llava_json(), Format::Llava);
    REQUIRE(d.size() == 4);  // 2 multiple-choice + a 2-exchange conversation
    const Sample & mc = *d.find("gen-1");
    CHECK(mc.question == "How many circles are there?");
    CHECK(mc.hint == "Count carefully.");
    CHECK(mc.options == std::vector<std::string>{"1", "2", "3", "4"});
    CHECK(mc.answer == 2);
    CHECK(mc.rationales == std::vector<std::string>{"There are three circles: two red and one blue."});
    CHECK(d.find("gen-2")->rationales.empty());
    const Sample & open = *d.find("77_1");
    CHECK(open.options.empty());
    CHECK(open.question == "What feature can be seen on the back of the bus?");
    CHECK(open.direct_answers == std::vector<std::string>{"The back of the bus features an advertisement."});
    CHECK(d.find("77")->question == "What are the colors of the bus in the image?");

    CHECK(llava_reply(mc, LlavaStyle::QmA) == "The answer is (C) 3.");
    CHECK(llava_reply(mc, LlavaStyle::QmAE) == "The answer is (C) 3. There are three circles: two red and one blue.");

    SECTION("QM-AE written and read back keeps every multiple-choice field") {
        Dataset mc_only(dir.path());
        mc_only.add(*d.find("gen-1"));
        mc_only.add(*d.find("gen-2"));
        const std::string path = dir.file("qmae.json");
        WriteOptions      options;
        options.llava_style = LlavaStyle::QmAE;
        write_dataset(mc_only, path, Format::Llava, options);
        const Dataset again = read_dataset(path, Format::Llava);
        REQUIRE(again.size() == 2);
        CHECK(again[0] == mc_only[0]);
        CHECK(again[1] == mc_only[1]);
    }
    SECTION("QM-A drops the rationale, as the style says") {
        Dataset one(dir.path());
        one.add(*d.find("gen-1"));
        const std::string path = dir.file("qma.json");
        write_dataset(one, path, Format::Llava);
        CHECK(read_dataset(path, Format::Llava)[0].rationales.empty());
    }
}

TEST_CASE("native JSONL round trips every field, provenance included", "[data]") {
    fixtures::TempDir dir;
    Dataset d(dir.path());
    Sample  s;
    s.id             = "gen-r2-17";
    s.image          = ImageRef::scene("scene-00042");
    s.question       = "Which shape is left of the red square?";
    s.hint           = "Only count filled shapes.";
    s.options        = {"circle", "triangle", "star"};
    s.answer         = 2;
    s.direct_answers = {"star"};
    s.rationales     = {"The star is at x=0.1, the square at x=0.6.", "second"};
    s.type           = "spatial relation";
    s.parent_type    = "reasoning";
    s.circular_group = "17";
    s.rotation       = 1;
    s.provenance     = {"gen", 2, "v3", {"dev-1", "dev-9"}, "pool-77", "similar"};
    s.extra          = {{"note", "unicode \xe2\x9c\x93"}};
    d.add(s);
    Sample inline_image;
    inline_image.id       = "img";
    inline_image.question = "q";
    inline_image.image    = ImageRef::inline_bytes(fixtures::jpeg(6, 6, 3));
    d.add(inline_image);
    const std::string path = dir.file("all.jsonl");
    write_dataset(d, path, Format::Jsonl);
    const Dataset again = read_dataset(path, Format::Jsonl);
    REQUIRE(again.size() == 2);
    CHECK(again[0] == s);
    CHECK(again[1] == inline_image);
    CHECK(serialize_dataset(again, Format::Jsonl) == read_file(path));
}

TEST_CASE("COCO captions and instances describe pool images as captions plus boxes", "[data]") {
    fixtures::TempDir dir;
    const std::string captions  = dir.write("annotations/captions_val2017.json", fixtures::coco_captions_json());
    const std::string instances = dir.write("annotations/instances_val2017.json", fixtures::coco_instances_json());
    const ImagePool   pool      = read_coco_pool(captions, instances);
    REQUIRE(pool.size() == 2);
    // broccoli: [64, 48, 128, 96] in 640 x 480 -> [0.1, 0.1, 0.3, 0.3]
    CHECK(pool.find("9")->description ==
          "A plate of food with broccoli.\nSome fruit and vegetables in containers.\nbroccoli: [0.1, 0.1, 0.3, 0.3]");
    // giraffe: [385.53, 60.03, 214.97, 297.16] in 640 x 426 -> x2 = 600.5 / 640 = 0.938, y2 = 357.19 / 426 = 0.838
    CHECK(pool.find("25")->description == "A giraffe eating from a tall tree.\ngiraffe: [0.602, 0.141, 0.938, 0.838]");
    CHECK(pool.find("25")->image.value == "000000000025.jpg");
}

TEST_CASE("box lines read back what describe_image printed, and nothing else", "[data]") {
    const std::vector<BoxObject> objects = {{"dining table", 0.1, 0.25, 0.6319, 1.0}, {"text \"E\"", 0, 0, 0.5, 0.5}};
    const std::string text = describe_image({"A table: [with] a plate.", "Two things."}, objects) +
                             "\ncat: [0.1, 0.2, 1.5, 0.3]"       // past the image
                             "\ndog: [0.1, 0.2, 0.3]"            // three numbers
                             "\n: [0.1, 0.2, 0.3, 0.4]"          // no name
                             "\nbird: [0.5, 0.2, 0.3, 0.4]"      // x1 > x2
                             "\nfish: [0.1, 0.2, 0.3, 0.4x]";    // not a number
    const std::vector<BoxObject> back = parse_box_lines(text);
    REQUIRE(back.size() == 2);
    CHECK(back[0].name == "dining table");
    CHECK(back[0].x1 == Approx(0.1));
    CHECK(back[0].y1 == Approx(0.25));
    CHECK(back[0].x2 == Approx(0.632));  // printed rounded to 3 places
    CHECK(back[0].y2 == Approx(1.0));
    CHECK(back[1].name == "text \"E\"");
    CHECK(back[1].x2 == Approx(0.5));
    CHECK(parse_box_lines("").empty());
}

TEST_CASE("sharding keeps circular groups together and covers the dataset once", "[data]") {
    const Dataset whole = fixtures::benchmark({"a", "b", "c"}, 10, /*circular=*/true);
    size_t total = 0;
    std::map<std::string, int> shard_of_group;
    for (int i = 0; i < 3; ++i) {
        const Dataset part = shard(whole, i, 3);
        total += part.size();
        for (const Sample & s : part.samples()) {
            auto [it, inserted] = shard_of_group.emplace(s.circular_group, i);
            CHECK(it->second == i);
        }
    }
    CHECK(total == whole.size());
    CHECK_THROWS_AS(shard(whole, 3, 3), Error);
}

TEST_CASE("image paths never escape their root", "[data]") {
    CHECK(resolve_image_path("/data/coco", "val2017/1.jpg") == "/data/coco/val2017/1.jpg");
    CHECK_THROWS_WITH(resolve_image_path("/data", "../etc/passwd"), Catch::Contains("escapes"));
    CHECK_THROWS_WITH(resolve_image_path("/data", "a/../../b.jpg"), Catch::Contains("escapes"));
    CHECK_THROWS_WITH(resolve_image_path("/data", "/etc/passwd"), Catch::Contains("relative"));
}
