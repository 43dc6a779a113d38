#include <catch2/catch.hpp>

#include "dataengine/eval.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

std::shared_ptr<const Dataset> shared(Dataset d) { return std::make_shared<const Dataset>(std::move(d)); }

char letter_of_answer(const Sample & s) { return option_letter(s.answer); }

}  // namespace

TEST_CASE("vanilla scoring per type and parent type, with bad cases", "[eval]") {
    // 2 types x 4 questions. counting: all right; ocr: 1 right, 1 wrong letter, 1 unextractable,
    // 1 missing -> ocr 1/4, overall 5/8.
    auto bench = shared(fixtures::benchmark({"counting", "ocr"}, 4));
    Evaluator ev(bench, {false, "toy"});
    for (const Sample & s : bench->samples()) {
        if (s.type == "counting") ev.add(s.id, Prediction::from_letter(letter_of_answer(s)));
    }
    const auto & ocr = bench->samples();
    ev.add(ocr[4].id, Prediction::from_text("The answer is " + std::string(1, letter_of_answer(ocr[4]))));
    ev.add(ocr[5].id, Prediction::from_letter(option_letter((ocr[5].answer + 1) % 4)));
    ev.add(ocr[6].id, Prediction::from_text("no idea at all"));
    const EvalReport r = ev.finish();
    CHECK(r.overall.n == 8);
    CHECK(r.overall.correct == 5);
    CHECK(r.overall.accuracy() == Approx(0.625));
    CHECK(r.by_type.at("counting").correct == 4);
    CHECK(r.by_type.at("ocr").correct == 1);
    CHECK(r.by_parent_type.at("perception").n == 8);
    CHECK(r.unextracted == 1);
    CHECK(r.missing == 1);
    CHECK(r.bad_cases.count("counting") == 0);
    CHECK(r.bad_cases.at("ocr") == std::vector<std::string>{ocr[5].id, ocr[6].id, ocr[7].id});
    CHECK(r.metrics.at("accuracy") == Approx(0.625));

    SECTION("JSON carries the figures and reads back to the same report") {
        const std::string json = to_json(r);
        CHECK_THAT(json, Catch::Contains(R"("overall":{"n":8,"correct":5,"accuracy":0.625})"));
        CHECK_THAT(json, Catch::Contains(R"("ocr":{"n":4,"correct":1,"accuracy":0.25})"));
        CHECK(report_from_json(json) == r);
        std::string edited = json;
        edited.replace(edited.find(R"("correct":5)"), 11, R"("correct":6)");
        CHECK_THROWS_WITH(report_from_json(edited), Catch::Contains("does not match"));
    }
    SECTION("Markdown shows a row per type") {
        const std::string md = to_markdown(r);
        CHECK_THAT(md, Catch::Contains("| ocr | 4 | 1 | 25.0% |"));
        CHECK_THAT(md, Catch::Contains("| counting | 4 | 4 | 100.0% |"));
    }
}

TEST_CASE("circular scoring counts a group only when every copy is right", "[eval]") {
    // 3 groups of 4 copies each. Group 0 all right, group 1 wrong on one copy, group 2 all right
    // except a missing copy -> circular 1/3; vanilla over originals 3/3.
    auto bench = shared(fixtures::benchmark({"attr"}, 3, /*circular=*/true));
    Evaluator ev(bench, {true, "circ"});
    for (const Sample & s : bench->samples()) {
        if (s.circular_group == "1" && s.rotation == 2) {
            ev.add(s.id, Prediction::from_letter(option_letter((s.answer + 1) % 4)));
        } else if (s.circular_group == "2" && s.rotation == 3) {
            continue;
        } else {
            // Scores: the right option gets the highest log-likelihood.
            std::vector<double> scores(4, -5.0);
            scores[size_t(s.answer)] = -0.1;
            ev.add(s.id, Prediction::from_scores(scores));
        }
    }
    const EvalReport r = ev.finish();
    CHECK(r.overall.n == 3);
    CHECK(r.overall.correct == 1);
    CHECK(r.metrics.at("circular_accuracy") == Approx(1.0 / 3));
    CHECK(r.metrics.at("vanilla_accuracy") == Approx(1.0));
    CHECK(r.missing == 1);
    // Bad cases hold every copy of a failed group.
    CHECK(r.bad_cases.at("attr") == std::vector<std::string>{"1", "2", "1000001", "1000002", "2000001", "2000002", "3000001", "3000002"});

    SECTION("vanilla scoring of the same predictions counts each copy") {
        Evaluator plain(bench, {false, "circ"});
        for (const QuestionResult & q : r.results) {
            if (q.outcome == Outcome::Missing) continue;
            plain.add(q.id, Prediction::from_letter(option_letter(q.predicted)));
        }
        const EvalReport v = plain.finish();
        CHECK(v.overall.n == 12);
        CHECK(v.overall.correct == 10);
    }
}

TEST_CASE("sharded predictions and sharded reports merge into the unsharded report", "[eval]") {
    auto bench = shared(fixtures::benchmark({"a", "b", "c"}, 20, /*circular=*/true));
    Rng  rng(11);
    PredictionList all;
    for (const Sample & s : bench->samples()) {
        const int guess = rng.uniform() < 0.8 ? s.answer : int(rng.below(4));
        all.emplace_back(s.id, Prediction::from_text("Answer: " + std::string(1, option_letter(guess))));
    }
    Evaluator whole(bench, {true, "b"});
    whole.add(all);
    const EvalReport expected = whole.finish();

    // Shards of the benchmark, each evaluated alone, then merged.
    std::vector<EvalReport> parts;
    for (int i = 0; i < 4; ++i) {
        auto      part = shared(shard(*bench, i, 4));
        Evaluator ev(part, {true, "b"});
        for (const auto & [id, p] : all)
            if (part->find(id)) ev.add(id, p);
        parts.push_back(ev.finish());
    }
    CHECK(merge_reports(parts) == expected);
    CHECK(to_json(merge_reports(parts)) == to_json(expected));
    CHECK_THROWS_WITH(merge_reports({parts[0], parts[0]}), Catch::Contains("in two shards"));

    // Predictions split over several inputs, one evaluator: the same report.
    Evaluator split(bench, {true, "b"});
    split.add(PredictionList(all.begin(), all.begin() + 100));
    split.add(PredictionList(all.begin() + 100, all.end()));
    CHECK(split.finish() == expected);
}

TEST_CASE("bad predictions are errors that name the question", "[eval]") {
    auto      bench = shared(fixtures::benchmark({"a"}, 2));
    Evaluator ev(bench);
    CHECK_THROWS_WITH(ev.add("nope", Prediction::from_letter('A')), Catch::Contains("unknown question id 'nope'"));
    ev.add("0", Prediction::from_letter('A'));
    CHECK_THROWS_WITH(ev.add("0", Prediction::from_letter('B')), Catch::Contains("second prediction"));
    CHECK_THROWS_WITH(ev.add("1", Prediction::from_scores({1.0, 2.0})), Catch::Contains("2 scores for 4 options"));
    CHECK_THROWS_WITH(ev.add("1", Prediction::from_letter('?')), Catch::Contains("A-Z"));
    Dataset no_answers;
    Sample  s;
    s.id       = "x";
    s.question = "q";
    s.options  = {"a", "b"};
    no_answers.add(s);
    CHECK_THROWS_WITH(Evaluator(shared(no_answers)).finish(), Catch::Contains("no question with an answer"));
}

TEST_CASE("A-OKVQA multiple-choice and direct-answer accuracy as the official script", "[eval]") {
    fixtures::TempDir dir;
    auto bench = shared(read_dataset(dir.write("val.json", fixtures::aokvqa_json()), Format::AOKVQA));
    // q1 (not difficult): MC right ("cigarette"), DA "cigarette" matches 10 -> 1.0.
    // q2 (difficult): MC wrong ("one"); excluded from DA.
    // The test question has no answer and is not scored.
    const std::string preds = R"({"22jbM6gDxdaMaunuzgrsBB": {"multiple_choice": "cigarette", "direct_answer": "cigarette"},
                                  "2BxTfhbEpmyQmQJQCLjoEd": {"multiple_choice": "one", "direct_answer": "30"}})";
    Evaluator ev(bench, {false, "aokvqa"});
    ev.add(read_predictions(dir.write("preds.json", preds), Format::AOKVQA));
    const EvalReport r = ev.finish();
    CHECK(r.overall.n == 2);
    CHECK(r.metrics.at("accuracy") == Approx(0.5));
    CHECK(r.metrics.at("direct_answer_accuracy") == Approx(1.0));
    CHECK(r.metrics.at("direct_answer_n") == 1);

    SECTION("partial direct-answer credit is min(1, matches / 3)") {
        Dataset d;
        Sample  s = *bench->find("22jbM6gDxdaMaunuzgrsBB");
        s.direct_answers = {"smoke", "smoke", "cigarette", "cig", "cigarette", "x", "y", "z", "w", "v"};
        d.add(s);
        Evaluator one(shared(d));
        Prediction p = Prediction::from_choice("food");
        p.direct_answer     = "cigarette";  // 2 matches -> 2/3
        p.has_direct_answer = true;
        one.add(s.id, p);
        CHECK(one.finish().metrics.at("direct_answer_accuracy") == Approx(2.0 / 3));
    }
}

TEST_CASE("SEED-Bench: per-dimension and overall micro accuracy from JSONL predictions", "[eval]") {
    fixtures::TempDir dir;
    auto bench = shared(read_dataset(dir.write("seed.json", fixtures::seed_bench_json()), Format::SeedBench));
    // Scene: 101669 right (A), 101670 wrong. Counting: 101671 right (B), 101672 right (D).
    const std::string preds = "{\"question_id\": \"101669\", \"prediction\": \"A\"}\n"
                              "{\"question_id\": \"101670\", \"prediction\": \"B\"}\n"
                              "{\"question_id\": 101671, \"prediction\": \"(B) 2\"}\n"
                              "{\"question_id\": \"101672\", \"prediction\": \"The answer is D\"}\n";
    Evaluator ev(bench);
    ev.add(read_predictions(dir.write("seed_preds.jsonl", preds), Format::SeedBench));
    const EvalReport r = ev.finish();
    CHECK(r.overall.correct == 3);
    CHECK(r.overall.accuracy() == Approx(0.75));
    CHECK(r.by_type.at("Scene Understanding").accuracy() == Approx(0.5));
    CHECK(r.by_type.at("Instance Counting").accuracy() == Approx(1.0));
}

TEST_CASE("MMBench predictions as VLMEvalKit's TSV, with circular copies", "[eval]") {
    fixtures::TempDir dir;
    auto bench = shared(read_dataset(dir.write("dev.tsv", fixtures::mmbench_circular_fixture()), Format::MMBench));
    // Every copy answered right by text, except copy 1 of question 1.
    std::string tsv = "index\tquestion\tprediction\n";
    for (const Sample & s : bench->samples()) {
        const int guess = s.id == "1000001" ? (s.answer + 1) % int(s.options.size()) : s.answer;
        tsv += s.id + "\tq\t\"The answer is (" + std::string(1, option_letter(guess)) + ") " + s.options[size_t(guess)] + "\"\n";
    }
    Evaluator ev(bench, {true, "MMBench_DEV_EN"});
    ev.add(read_predictions(dir.write("preds.tsv", tsv), Format::MMBench));
    const EvalReport r = ev.finish();
    CHECK(r.overall.n == 3);
    CHECK(r.overall.correct == 2);
    CHECK(r.by_type.at("attribute_recognition").correct == 0);
    CHECK(r.by_parent_type.at("Fine-grained Perception (instance-level)").n == 2);
}

TEST_CASE("prediction files with problems name the file and line", "[eval]") {
    fixtures::TempDir dir;
    CHECK_THROWS_WITH(read_predictions(dir.write("p.jsonl", "{\"id\": \"a\", \"prediction\": \"A\"}\n{\"id\": 3\n"), Format::Jsonl),
                      Catch::Contains("p.jsonl") && Catch::Contains("line 2"));
    CHECK_THROWS_WITH(read_predictions(dir.write("p.tsv", "index\tanswer\n1\tA\n"), Format::MMBench),
                      Catch::Contains("'index' and 'prediction'"));
    CHECK_THROWS_WITH(read_predictions(dir.write("s.jsonl", "{\"id\": \"a\", \"scores\": [1, \"x\"]}\n"), Format::Jsonl),
                      Catch::Contains("array of numbers"));
}

TEST_CASE("natural order sorts ids as people expect", "[eval]") {
    CHECK(natural_less("q2", "q10"));
    CHECK_FALSE(natural_less("q10", "q2"));
    CHECK(natural_less("9", "1000000"));
    CHECK(natural_less("a", "b"));
    CHECK_FALSE(natural_less("a", "a"));
}
