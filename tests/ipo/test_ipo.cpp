// IPO: prompt cues, the prompt-sensitive world generator, the offline rewriter, rewrites that
// must be refused, and the optimizer's rounds, stop rule, persistence and mid-round resume.
#include <catch2/catch.hpp>

#include "dataengine/ipo.hpp"
#include "dataengine/world.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

struct Setup {
    fixtures::TempDir            dir;  // the examples' images
    std::shared_ptr<const World> world;
    ImagePool                    pool;
    Dataset                      examples;
    std::unique_ptr<LlmBackend>  generator, rewriter;
    IpoSources                   sources;

    explicit Setup(double mistake_rate = 0.5) {
        WorldOptions o;
        o.seed        = 11;
        o.pool_images = 600;
        world    = std::make_shared<const World>(o);
        pool     = world->pool();
        examples = world->extra_questions("counting", 20, 1, dir.path());
        const Dataset attributes = world->extra_questions("attribute", 20, 100, dir.path());
        for (const Sample & s : attributes.samples()) {
            Sample copy = s;
            copy.id = "attr-" + s.id;
            examples.add(copy);
        }
        generator = world_backend(world, {mistake_rate, true});
        rewriter  = world_rewriter(3);
        sources.types      = {"counting", "attribute"};
        sources.pool       = &pool;
        sources.examples   = &examples;
        sources.generator  = generator.get();
        sources.rewriter   = rewriter.get();
        sources.image_fits = world_question_filter(world);
    }
};

// Share of replies (over many queries) that the scene graph or the validators find wrong.
double mistake_share(const Setup & s, const PromptTemplate & prompt) {
    GenerationPlan plan;
    for (size_t i = 0; i < 400; ++i) {
        PlannedQuery q;
        q.type     = i % 2 ? "counting" : "attribute";
        q.image_id = s.pool[i].id;
        if (!world_image_supports(q.type, s.pool[i])) continue;
        plan.queries.push_back(q);
    }
    GeneratorOptions g;
    g.require_rationale = true;
    const GenerationResult r = generate(plan, s.examples, s.pool, *s.generator, prompt, g, world_checker(s.world));
    return 1.0 - double(r.samples.size()) / double(plan.queries.size());
}

}  // namespace

TEST_CASE("prompt cues: instructions in any reasonable wording count, mere mentions do not", "[ipo]") {
    const std::string plain = prompt_with_rules(PromptTemplate::default_template());
    for (Mistake m : all_mistakes()) {
        INFO(mistake_name(m));
        CHECK(prompt_addresses(plain, m) == (m == Mistake::Malformed));  // the default asks for the layout only
    }
    CHECK(prompt_addresses("Do not include any bounding box coordinates.", Mistake::Coordinates));
    CHECK(prompt_addresses("Please avoid coordinates", Mistake::Coordinates));
    CHECK_FALSE(prompt_addresses("Objects come with bounding boxes [x1, y1, x2, y2].", Mistake::Coordinates));
    CHECK(prompt_addresses("Double-check that the answer matches the image.", Mistake::WrongAnswer));
    CHECK(prompt_addresses("The marked answer should agree with the description", Mistake::WrongAnswer));
    CHECK(prompt_addresses("Make all the options distinct", Mistake::DuplicateOptions));
    CHECK(prompt_addresses("Each answer must include an explanation.", Mistake::MissingRationale));
    CHECK(prompt_addresses("Say Skip only if nothing fits.", Mistake::Skip));
    CHECK_FALSE(prompt_addresses("Say Skip.", Mistake::Skip));
    CHECK(prompt_addresses("Stick to the question type you were given, nothing else.", Mistake::OffType));
}

TEST_CASE("the world generator makes fewer mistakes when the prompt instructs against them", "[ipo]") {
    Setup s(0.6);
    PromptTemplate careful = PromptTemplate::default_template();
    careful.rules.push_back("Check the answer against the description before writing it.");
    careful.rules.push_back("Never mention coordinates or boxes.");
    careful.rules.push_back("All choices must be distinct.");
    careful.rules.push_back("Always include an explanation.");
    careful.rules.push_back("The answer letter must be one of the listed choices.");
    careful.rules.push_back("Reply Skip only when the image truly cannot support the question.");
    careful.rules.push_back("Only ask the kind of question named above.");
    const double plain = mistake_share(s, PromptTemplate::default_template());
    const double fewer = mistake_share(s, careful);
    INFO("plain " << plain << ", careful " << fewer);
    CHECK(plain > 0.4);
    CHECK(fewer < plain / 3);
}

TEST_CASE("rewrites: the offline rewriter addresses the feedback; unusable replies are refused", "[ipo]") {
    const std::string current = prompt_with_rules(PromptTemplate::default_template());
    const std::string meta = rewrite_meta_prompt(current, {{"wrong_answer", "Question: ...", "The answer is wrong."},
                                                           {"coordinates", "Question: ... [0.1, 0.2, 0.3, 0.4]", ""},
                                                           {"duplicate_options", "...", ""}},
                                                 {"Question: fine"});
    CHECK(meta.find("## wrong_answer (1)") != std::string::npos);
    CHECK(meta.find("The answer is wrong.") != std::string::npos);
    auto rewriter = world_rewriter(1);
    GenerationRequest request;
    request.prompt = meta;
    const PromptTemplate next = prompt_from_rewrite(rewriter->complete(request), "v1");
    for (Mistake m : {Mistake::WrongAnswer, Mistake::Coordinates, Mistake::DuplicateOptions}) CHECK(prompt_addresses(next.text, m));
    CHECK_FALSE(prompt_addresses(next.text, Mistake::MissingRationale));  // nobody complained about it
    CHECK(render_prompt(next, "counting", "how many", "a scene", {}).find("{") == std::string::npos);
    // The same feedback again adds nothing new.
    request.prompt = rewrite_meta_prompt(next.text, {{"wrong_answer", "...", ""}}, {});
    CHECK(rewriter->complete(request) == next.text);

    CHECK_THROWS_WITH(prompt_from_rewrite("   ", "v2"), Catch::Contains("empty"));
    CHECK_THROWS_WITH(prompt_from_rewrite("Write about {type}: {definition} {description}", "v2"), Catch::Contains("{examples}"));
    CHECK_THROWS_WITH(prompt_from_rewrite("I'm sorry, I can't help with that.", "v2"), Catch::Contains("dropped"));
    CHECK_THROWS_WITH(prompt_from_rewrite(current + " {colour}", "v2"), Catch::Contains("unknown placeholder"));
    CHECK(prompt_from_rewrite("```\n" + current + "\n```", "v2").text == current);
    CHECK(prompt_diff("a\nb\nc", "a\nc\nd") == "  a\n- b\n  c\n+ d\n");
}

TEST_CASE("acceptance intervals (Wilson, 95 %)", "[ipo]") {
    CHECK(Acceptance{0, 10}.low() == Approx(0.0).margin(1e-12));
    CHECK(Acceptance{0, 10}.high() == Approx(0.2775).margin(1e-3));
    CHECK(Acceptance{10, 10}.high() == Approx(1.0));
    CHECK(Acceptance{30, 40}.rate() == Approx(0.75));
    CHECK(Acceptance{30, 40}.low() < 0.75);
    CHECK(Acceptance{30, 40}.high() > 0.75);
}

TEST_CASE("IPO offline: acceptance rises over rounds, the state file reloads, the best version wins", "[ipo]") {
    Setup s;
    fixtures::TempDir dir;
    IpoOptions o;
    o.batch_size = 30;
    o.max_rounds = 4;
    o.target     = 0.95;
    PromptOptimizer ipo(dir.file("ipo.json"), PromptTemplate::default_template(), o);
    auto reviewer = world_reviewer(s.world, 0.0, 1);
    const IpoStop stop = ipo.run(s.sources, *reviewer);
    CHECK(stop != IpoStop::None);
    REQUIRE(ipo.batches().size() >= 2);
    const double first = ipo.batches().front().acceptance().rate();
    const double best  = ipo.best().acceptance.rate();
    INFO(ipo.report_markdown());
    CHECK(first < 0.8);
    CHECK(best >= first + 0.15);
    CHECK(ipo.best().prompt.version != "v0");
    // Every sample the validators let through got a verdict; rejections carry a category.
    for (const ReviewBatch & b : ipo.batches())
        for (const BatchItem & i : b.items) {
            if (!i.sample) CHECK_FALSE(i.auto_rejection.empty());
            else REQUIRE(i.verdict);
            if (i.verdict && !i.verdict->accepted) CHECK(i.verdict->category);
        }
    // The state file holds all of it and reads back to the same state.
    PromptOptimizer again(dir.file("ipo.json"), PromptTemplate::default_template(), o);
    CHECK(again.to_json() == ipo.to_json());
    CHECK(again.best().prompt.version == ipo.best().prompt.version);
    const std::string json = read_file(dir.file("ipo.json"));
    for (const char * key : {"\"versions\"", "\"version\"", "\"parent\"", "\"acceptance\"", "\"reviewed\"", "\"prompt\"", "\"best\""})
        CHECK(json.find(key) != std::string::npos);
    CHECK(ipo.report_markdown().find("```diff") != std::string::npos);
    CHECK(ipo.acceptance_svg().find("<polyline") != std::string::npos);
}

TEST_CASE("IPO: a reviewer who quits midway resumes where they stopped, with the same outcome", "[ipo]") {
    Setup s;
    IpoOptions o;
    o.batch_size = 20;
    o.max_rounds = 2;
    fixtures::TempDir dir;
    auto careful = world_reviewer(s.world, 0.0, 1);
    PromptOptimizer whole(dir.file("whole.json"), PromptTemplate::default_template(), o);
    whole.run(s.sources, *careful);

    int budget = 5;  // verdicts before the person quits
    auto quitting = function_reviewer([&](const ReviewItem & item) -> std::optional<Verdict> {
        if (budget-- <= 0) return std::nullopt;
        return careful->review(item);
    });
    {
        PromptOptimizer first(dir.file("split.json"), PromptTemplate::default_template(), o);
        CHECK_FALSE(first.run_round(s.sources, *quitting));
        int reviewed = 0;
        for (const BatchItem & i : first.batches().back().items) reviewed += i.verdict.has_value();
        CHECK(reviewed == 5);
    }
    budget = 1000;
    PromptOptimizer resumed(dir.file("split.json"), PromptTemplate::default_template(), o);
    int reviewed = 0;
    for (const BatchItem & i : resumed.batches().back().items) reviewed += i.verdict.has_value();
    CHECK(reviewed == 5);  // kept across the restart
    resumed.run(s.sources, *quitting);
    CHECK(resumed.to_json() == whole.to_json());
}

TEST_CASE("IPO: bad rewriter replies never lose the current best prompt", "[ipo]") {
    Setup s;
    IpoOptions o;
    o.batch_size = 20;
    o.max_rounds = 3;
    o.patience   = 3;
    int calls = 0;
    const std::vector<std::function<std::string()>> replies = {
        [] { return std::string(); },                                             // empty
        [] { return std::string("Write a question about {type}."); },            // placeholders dropped
        [] { return std::string("\x01\x02 garbage {{{"); },                     // garbage
        []() -> std::string { throw Error(Status::Io, "timed out after 60 s"); },  // timeout
    };
    auto bad = function_backend([&](const GenerationRequest &) { return replies[size_t(calls++) % replies.size()](); }, "bad");
    s.sources.rewriter = bad.get();
    fixtures::TempDir dir;
    PromptOptimizer ipo(dir.file("ipo.json"), PromptTemplate::default_template(), o);
    auto reviewer = world_reviewer(s.world, 0.0, 1);
    ipo.run(s.sources, *reviewer);
    CHECK(ipo.versions().size() == 1);  // nothing unusable became a version
    CHECK(ipo.best().prompt.text == PromptTemplate::default_template().text);
    CHECK(ipo.batches().size() == 3);   // the same version was reviewed again each round
    REQUIRE(ipo.refused_rewrites().size() == size_t(2 * o.rewrite_attempts));
    CHECK_THAT(ipo.refused_rewrites()[0], Catch::Contains("empty"));
    CHECK_THAT(ipo.refused_rewrites()[1], Catch::Contains("dropped"));
    CHECK_THAT(ipo.refused_rewrites()[3], Catch::Contains("timed out"));
    PromptOptimizer reloaded(dir.file("ipo.json"), PromptTemplate::default_template(), o);
    CHECK(reloaded.best().prompt.text == ipo.best().prompt.text);

    // A real external rewriter that hangs is killed at its timeout, and the round goes on.
    CommandOptions slow;
    slow.argv            = {"sleep", "10"};
    slow.timeout_seconds = 0.3;
    auto hanging = command_backend(slow);
    s.sources.rewriter = hanging.get();
    o.max_rounds = 2;
    o.rewrite_attempts = 1;
    o.target = 1.0;
    PromptOptimizer timed(dir.file("timed.json"), PromptTemplate::default_template(), o);
    CHECK(timed.run_round(s.sources, *reviewer));
    CHECK(timed.versions().size() == 1);
    REQUIRE(timed.refused_rewrites().size() == 1);
    CHECK_THAT(timed.refused_rewrites()[0], Catch::Contains("no reply within"));
}

TEST_CASE("the world reviewer judges against the scene graph and says why", "[ipo]") {
    Setup s;
    auto reviewer = world_reviewer(s.world, 0.0, 1);
    const PoolImage * image = nullptr;
    for (const PoolImage & p : s.pool.images())
        if (world_image_supports("counting", p)) image = &p;
    REQUIRE(image);
    Rng rng(4);
    auto question = make_question(s.world->scene(Split::Pool, *pool_scene_index(image->id)), "counting", rng);
    REQUIRE(question);
    ReviewItem item;
    item.type   = "counting";
    item.sample = *question;
    item.sample.provenance.query_image = image->id;
    CHECK(reviewer->review(item)->accepted);
    item.sample.answer = (question->answer + 1) % int(question->options.size());
    const auto wrong = reviewer->review(item);
    CHECK_FALSE(wrong->accepted);
    CHECK(wrong->category == ReviewCategory::WrongAnswer);
    CHECK_THAT(wrong->comment, Catch::Contains("wrong"));
    item.sample = *question;
    item.sample.provenance.query_image = image->id;
    item.type = "attribute";
    CHECK(reviewer->review(item)->category == ReviewCategory::OffType);
}
