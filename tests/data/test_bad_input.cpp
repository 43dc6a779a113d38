// Every bad input: in strict mode a clear error naming the file, the place and the problem; in
// lenient mode the bad record is skipped and counted by reason while good records are kept.
#include <catch2/catch.hpp>

#include "dataengine/data.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

struct BadRecord {
    const char * name;
    Format       format;
    std::string  content;   // one good record and one bad one
    const char * where;     // expected location in the message
    const char * problem;   // expected part of the message
    const char * reason;    // lenient-mode counter
};

const std::string kGoodLine = R"({"id": "good", "question": "q?", "options": ["a", "b"], "answer": 0})";

BadRecord jsonl(const char * name, const std::string & bad, const char * problem, const char * reason) {
    return {name, Format::Jsonl, kGoodLine + "\n" + bad + "\n", "line 2", problem, reason};
}

std::string b64(const std::string & bytes) { return base64_encode(bytes); }

BadRecord mmbench(const char * name, const fixtures::MMBenchRow & bad, const char * problem, const char * reason) {
    const fixtures::MMBenchRow good{1, "good?", "", {"a", "b"}, 'A', "t", "p", b64(fixtures::png(8, 8, 1))};
    return {name, Format::MMBench, fixtures::mmbench_tsv({good, bad}), "line 3", problem, reason};
}

BadRecord aokvqa(const char * name, const std::string & bad, const char * problem, const char * reason) {
    const std::string good = R"({"split": "val", "image_id": 2, "question_id": "good", "question": "q", "choices": ["a", "b"], "correct_choice_idx": 1})";
    return {name, Format::AOKVQA, "[" + good + ",\n" + bad + "]", "record 1", problem, reason};
}

BadRecord seed(const char * name, const std::string & bad, const char * problem, const char * reason) {
    const std::string q = R"({"answer": "A", "choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "4", "data_id": "x.jpg", "question": "q", "question_id": "good", "question_type_id": 1})";
    return {name, Format::SeedBench, R"({"question_type": {"Counting": 1}, "questions": [)" + q + ",\n" + bad + "]}",
            "questions[1]", problem, reason};
}

BadRecord llava(const char * name, const std::string & bad, const char * problem, const char * reason) {
    const std::string good = R"({"id": "good", "image": "a.png", "conversations": [{"from": "human", "value": "<image>\nhi"}, {"from": "gpt", "value": "hello"}]})";
    return {name, Format::Llava, "[" + good + ",\n" + bad + "]", "record 1", problem, reason};
}

std::vector<BadRecord> bad_records() {
    const std::string png  = fixtures::png(16, 16, 2);
    const std::string jpeg = fixtures::jpeg(16, 16, 2);
    std::string       bomb = png;
    bomb[18] = bomb[22] = char(0xEA);  // IHDR: 60000 x 60000 pixels (big-endian words at 16 and 20)
    bomb[19] = bomb[23] = char(0x60);
    const fixtures::MMBenchRow row{2, "bad?", "", {"x", "y", "z"}, 'B', "t", "p", b64(png)};
    auto with = [&](auto change) { fixtures::MMBenchRow r = row; change(r); return r; };
    return {
        jsonl("malformed JSON line", R"({"id": "x", "question": )", "invalid JSON", "invalid JSON"),
        jsonl("a line that is not an object", R"(["id", "x"])", "must be a JSON object", "wrong type"),
        jsonl("missing id", R"({"question": "q"})", "missing field 'id'", "missing field"),
        jsonl("question of the wrong type", R"({"id": "x", "question": 7})", "field 'question' must be a string", "wrong type"),
        jsonl("answer index out of range", R"({"id": "x", "question": "q", "options": ["a", "b"], "answer": 2})", "index 2 is not one of the 2 options", "bad answer"),
        jsonl("answer letter not an option", R"({"id": "x", "question": "q", "options": ["a", "b"], "answer": "C"})", "'C' is not one of the option letters", "bad answer"),
        jsonl("a single option", R"({"id": "x", "question": "q", "options": ["a"]})", "has 1 entries", "bad options"),
        jsonl("nine options", R"({"id": "x", "question": "q", "options": ["1","2","3","4","5","6","7","8","9"]})", "has 9 entries", "bad options"),
        jsonl("option of the wrong type", R"({"id": "x", "question": "q", "options": ["a", 2]})", "item 1 must be a string", "wrong type"),
        jsonl("unknown field (a typo)", R"({"id": "x", "question": "q", "optoins": ["a", "b"]})", "unknown field 'optoins'", "unknown field"),
        jsonl("bad base64 image", R"({"id": "x", "question": "q", "image_base64": "%%%"})", "not valid base64", "bad base64"),
        jsonl("image path escaping the root", R"({"id": "x", "question": "q", "image": "../../etc/passwd"})", "escapes the image root", "path escapes root"),
        jsonl("absolute image path", R"({"id": "x", "question": "q", "image": "/etc/passwd"})", "must be relative", "path escapes root"),
        jsonl("two images at once", R"({"id": "x", "question": "q", "image": "a.png", "scene": "s1"})", "at most one of", "bad image"),
        jsonl("duplicate id", R"({"id": "good", "question": "again"})", "duplicate id 'good'", "duplicate id"),
        jsonl("invalid UTF-8", "{\"id\": \"x\", \"question\": \"caf\xc3\"}", "invalid JSON", "invalid JSON"),
        mmbench("MMBench: bad base64 image", with([](auto & r) { r.image = std::string(80, '*'); }), "not valid base64", "bad base64"),
        mmbench("MMBench: truncated PNG", with([&](auto & r) { r.image = b64(png.substr(0, png.size() / 2)); }), "truncated PNG", "bad image"),
        mmbench("MMBench: truncated JPEG", with([&](auto & r) { r.image = b64(jpeg.substr(0, jpeg.size() - 30)); }), "truncated JPEG", "bad image"),
        mmbench("MMBench: decompression bomb", with([&](auto & r) { r.image = b64(bomb); }), "over the limit", "image over limit"),
        mmbench("MMBench: not an image", with([](auto & r) { r.image = b64(std::string(100, 'x')); }), "not a PNG, JPEG, BMP or GIF", "bad image"),
        mmbench("MMBench: image naming a missing row", with([](auto & r) { r.image = "99"; }), "names row index 99, which does not exist", "bad image"),
        mmbench("MMBench: answer outside the options", with([](auto & r) { r.answer = 'D'; }), "'D' is not one of the option letters A-C", "bad answer"),
        mmbench("MMBench: index not an integer", with([](auto & r) { r.index = -5; }), "is not a non-negative integer", "bad index"),
        mmbench("MMBench: empty question", with([](auto & r) { r.question = "nan"; }), "field 'question' is empty", "missing field"),
        mmbench("MMBench: one option", with([](auto & r) { r.options = {"only"}; r.answer = 'A'; }), "fewer than 2 options", "bad options"),
        mmbench("MMBench: gap in the options", with([](auto & r) { r.options = {"a", "", "c"}; }), "option C is given but option B is empty", "bad options"),
        mmbench("MMBench: invalid UTF-8", with([](auto & r) { r.question = "caf\xc3 ok"; }), "not valid UTF-8", "invalid UTF-8"),
        mmbench("MMBench: duplicate index", with([](auto & r) { r.index = 1; }), "duplicate index 1", "duplicate id"),
        mmbench("MMBench: too many fields", with([](auto & r) { r.l2_category = "p\textra\tcells\there"; }), "expected 13 fields, saw 16", "wrong field count"),
        aokvqa("A-OKVQA: answer index past the choices",
               R"({"split": "val", "image_id": 1, "question_id": "bad", "question": "q", "choices": ["a", "b", "c", "d"], "correct_choice_idx": 9})",
               "9 is not an index into 'choices'", "bad answer"),
        aokvqa("A-OKVQA: choices missing", R"({"split": "val", "image_id": 1, "question_id": "bad", "question": "q"})", "missing field 'choices'", "missing field"),
        aokvqa("A-OKVQA: image_id of the wrong type", R"({"split": "val", "image_id": "one", "question_id": "bad", "question": "q", "choices": ["a", "b"]})",
               "field 'image_id' must be an integer", "wrong type"),
        aokvqa("A-OKVQA: a record that is not an object", R"("just a string")", "must be an object", "wrong type"),
        seed("SEED: unknown question_type_id", R"({"answer": "A", "choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "4", "data_id": "y.jpg", "question": "q", "question_id": "b", "question_type_id": 7})",
             "7 is not in the 'question_type' map", "bad field"),
        seed("SEED: answer E", R"({"answer": "E", "choice_a": "1", "choice_b": "2", "choice_c": "3", "choice_d": "4", "data_id": "y.jpg", "question": "q", "question_id": "b", "question_type_id": 1})",
             "'E' is not one of A, B, C, D", "bad answer"),
        seed("SEED: choice_d missing", R"({"answer": "A", "choice_a": "1", "choice_b": "2", "choice_c": "3", "data_id": "y.jpg", "question": "q", "question_id": "b", "question_type_id": 1})",
             "missing field 'choice_d'", "missing field"),
        llava("LLaVA: odd number of messages", R"({"id": "b", "conversations": [{"from": "human", "value": "hi"}]})", "human/gpt pairs", "bad conversation"),
        llava("LLaVA: gpt speaks first", R"({"id": "b", "conversations": [{"from": "gpt", "value": "a"}, {"from": "human", "value": "b"}]})",
              "expected a 'human' message followed by a 'gpt' one", "bad conversation"),
        llava("LLaVA: image escaping the root", R"({"id": "b", "image": "../x.png", "conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]})",
              "escapes the image root", "path escapes root"),
    };
}

}  // namespace

TEST_CASE("bad records: strict mode names file, place and problem; lenient mode skips and counts", "[data][bad-input]") {
    fixtures::TempDir dir;
    const auto        cases = bad_records();
    CHECK(cases.size() >= 25);
    int n = 0;
    for (const BadRecord & c : cases) {
        DYNAMIC_SECTION(c.name) {
            const std::string path = dir.write("case" + std::to_string(n++) + "." + format_name(c.format), c.content);
            try {
                read_dataset(path, c.format);
                FAIL("no error for: " << c.name);
            } catch (const Error & e) {
                CHECK(e.status() == Status::Format);
                const std::string message = e.what();
                CHECK_THAT(message, Catch::Contains(path));
                CHECK_THAT(message, Catch::Contains(c.where));
                CHECK_THAT(message, Catch::Contains(c.problem));
            }
            ReadOptions lenient;
            lenient.strict = false;
            ReadReport    report;
            const Dataset kept = read_dataset(path, c.format, lenient, &report);
            CHECK(kept.size() >= 1);
            CHECK((kept.find("good") != nullptr || kept.find("1") != nullptr));
            CHECK(report.skipped() == 1);
            CHECK(report.skipped_by_reason[c.reason] == 1);
            CHECK(report.accepted == kept.size());
            REQUIRE(report.messages.size() == 1);
            CHECK_THAT(report.messages[0], Catch::Contains(c.problem));
        }
    }
}

TEST_CASE("whole-file problems fail in both modes with a location", "[data][bad-input]") {
    fixtures::TempDir dir;
    struct Case {
        Format      format;
        std::string content;
        const char * problem;
    };
    const std::vector<Case> cases = {
        {Format::AOKVQA, "", "invalid JSON"},
        {Format::AOKVQA, "[{\"split\": \"val\",\n \"image_id\": 1,\n \"question\": \"q\"", "line 3"},
        {Format::AOKVQA, "[{\"a\": 1} {\"b\": 2}]", "line 1, column 11: expected ',' or ']'"},
        {Format::SeedBench, "[]", "must be an object with 'questions'"},
        {Format::SeedBench, R"({"questions": []})", "missing object 'question_type'"},
        {Format::Llava, R"({"id": 1})", "must be a list of conversations"},
        {Format::MMBench, "", "empty file"},
        {Format::MMBench, "question\tA\tB\nq\ta\tb\n", "no 'index' column"},
        {Format::MMBench, "index\tquestion\tA\tB\n1\t\"never closed\ta\tb\n", "quoted field is never closed"},
    };
    int n = 0;
    for (const Case & c : cases) {
        const std::string path = dir.write("whole" + std::to_string(n++), c.content);
        for (bool strict : {true, false}) {
            ReadOptions options;
            options.strict = strict;
            try {
                read_dataset(path, c.format, options);
                FAIL("no error for " << c.content);
            } catch (const Error & e) {
                CHECK(e.status() == Status::Format);
                CHECK_THAT(e.what(), Catch::Contains(path) && Catch::Contains(c.problem));
            }
        }
    }
    CHECK_THROWS_WITH(read_dataset(dir.file("absent.jsonl"), Format::Jsonl), Catch::Contains("absent.jsonl"));
}

TEST_CASE("COCO annotations with unknown images or malformed boxes are skipped and counted", "[data][bad-input]") {
    fixtures::TempDir dir;
    std::string instances = fixtures::coco_instances_json();
    instances.replace(instances.find(R"({"image_id": 25, "id": 11)"), 0,
                      R"({"image_id": 404, "id": 12, "category_id": 25, "bbox": [1, 2, 3, 4]}, {"image_id": 9, "id": 13, "category_id": 56, "bbox": [1, 2, 3]}, )");
    const std::string path = dir.write("instances.json", instances);
    CHECK_THROWS_WITH(read_coco_pool("", path), Catch::Contains("annotations[1]") && Catch::Contains("image_id 404"));
    ReadOptions lenient;
    lenient.strict = false;
    ReadReport      report;
    const ImagePool pool = read_coco_pool("", path, lenient, &report);
    CHECK(pool.size() == 2);
    CHECK(report.skipped_by_reason["unknown image"] == 1);
    CHECK(report.skipped_by_reason["bad box"] == 1);
}
