// Backends and generate(): the world's offline generator checked against its scene graphs, an
// external command standing in for an LLM (slow, failing, garbage), concurrency and determinism.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <sys/stat.h>
#include <thread>

#include "dataengine/gen.hpp"
#include "dataengine/world.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

std::shared_ptr<const World> small_world() {
    WorldOptions o;
    o.seed        = 5;
    o.pool_images = 120;
    return std::make_shared<const World>(o);
}

// One query per pool image, types in turn.
GenerationPlan plan_over(const ImagePool & pool, size_t n) {
    GenerationPlan plan;
    const auto & types = question_types();
    for (size_t i = 0; i < n; ++i) {
        PlannedQuery q;
        q.type     = types[i % types.size()].name;
        q.image_id = pool[i].id;
        plan.queries.push_back(q);
    }
    return plan;
}

std::string script(const fixtures::TempDir & dir, const std::string & name, const std::string & body) {
    const std::string path = dir.write(name, "#!/bin/sh\n" + body + "\n");
    ::chmod(path.c_str(), 0755);
    return path;
}

const char * kReply = "Question: What colour is the circle?\nChoices: (A) red (B) green (C) blue (D) yellow\nAnswer: The answer is (C): it is blue.";

}  // namespace

TEST_CASE("an image the world's question filter lets through is never skipped by the world generator", "[gen]") {
    const auto      world  = small_world();
    const ImagePool pool   = world->pool();
    const auto      fits   = world_question_filter(world);
    auto            backend = world_backend(world, {0.0, true});
    int asked = 0, refused = 0, skipped = 0;
    for (const auto & type : question_types())
        for (size_t i = 0; i < pool.size(); ++i) {
            if (!fits(type.name, pool[i])) {
                ++refused;
                continue;
            }
            for (uint64_t seed : {1u, 2u, 3u}) {
                GenerationRequest request;
                request.type     = type.name;
                request.image_id = pool[i].id;
                request.seed     = seed * 1000 + i;
                ++asked;
                skipped += trim(backend->complete(request)) == "Skip";
            }
        }
    INFO(asked << " requests, " << refused << " (type, image) pairs refused by the filter");
    CHECK(asked > 300);
    CHECK(refused > 0);  // some images cannot carry some types (no glyph, one object, ...)
    CHECK(skipped == 0);
}

TEST_CASE("the world generator writes questions its scene graphs confirm", "[gen]") {
    const auto      world = small_world();
    const ImagePool pool  = world->pool();
    const GenerationPlan plan = plan_over(pool, 90);
    const Dataset   none;
    auto backend = world_backend(world, {0.0, true});
    GeneratorOptions o;
    o.require_rationale = true;
    o.round = 2;
    const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template(), o, world_checker(world));
    REQUIRE(r.outcomes.size() == 90);
    // Without mistakes every reply is kept, except "Skip" for scenes that cannot carry the type.
    int skipped = r.rejected_by_reason.count("skipped") ? r.rejected_by_reason.at("skipped") : 0;
    CHECK(int(r.samples.size()) + skipped == 90);
    CHECK(r.samples.size() >= 60);
    for (const Sample & s : r.samples.samples()) {
        const Scene scene = world->scene(Split::Pool, *pool_scene_index(s.provenance.query_image));
        CHECK(answer_from_scene(scene, s) == s.answer);  // independently of the generator
        CHECK(world_question_type(s.question) == s.type);
        CHECK(s.provenance.round == 2);
        CHECK(s.provenance.prompt_version == "v0");
        CHECK(s.provenance.source == "gen:world");
        CHECK(s.image == pool.find(s.provenance.query_image)->image);
        CHECK(s.rationales.size() == 1);
    }

    // With mistakes on every reply, the validators catch them all, under several reasons.
    auto sloppy = world_backend(world, {1.0, true, 1.0});  // addressed_factor 1: mistakes whatever the prompt says
    const GenerationResult bad = generate(plan, none, pool, *sloppy, PromptTemplate::default_template(), o, world_checker(world));
    CHECK(bad.samples.size() == 0);
    for (const char * reason : {"wrong_answer", "answer_not_in_options", "duplicate_options", "coordinates", "missing_rationale",
                                "skipped", "malformed"}) {
        INFO(reason);
        CHECK(bad.rejected_by_reason.count(reason));
    }
    // Same seed, same data.
    auto mixed = world_backend(world, {0.3, true});
    const GenerationResult a = generate(plan, none, pool, *mixed, PromptTemplate::default_template(), o, world_checker(world));
    o.concurrency = 4;
    const GenerationResult b = generate(plan, none, pool, *mixed, PromptTemplate::default_template(), o, world_checker(world));
    CHECK(serialize_dataset(a.samples, Format::Jsonl) == serialize_dataset(b.samples, Format::Jsonl));
    CHECK(a.rejected_by_reason == b.rejected_by_reason);
    CHECK(a.samples.size() < r.samples.size());
}

TEST_CASE("generate: near duplicates of existing data, unknown ids, cancel", "[gen]") {
    const auto      world = small_world();
    const ImagePool pool  = world->pool();
    GenerationPlan  plan  = plan_over(pool, 4);
    for (auto & q : plan.queries) q.type = "scene";
    auto backend = world_backend(world, {0.0, true});
    const Dataset none;
    const GenerationResult first = generate(plan, none, pool, *backend, PromptTemplate::default_template());
    REQUIRE(first.samples.size() == 4);
    const GenerationResult again = generate(plan, none, pool, *backend, PromptTemplate::default_template(), {}, {}, &first.samples);
    CHECK(again.samples.size() == 0);
    CHECK(again.rejected_by_reason.at("near_duplicate") == 4);

    GenerationPlan unknown = plan;
    unknown.queries[1].image_id = "pool-999999";
    CHECK_THROWS_WITH(generate(unknown, none, pool, *backend, PromptTemplate::default_template()), Catch::Contains("pool-999999"));
    unknown = plan;
    unknown.queries[0].example_ids = {"nope"};
    CHECK_THROWS_WITH(generate(unknown, none, pool, *backend, PromptTemplate::default_template()), Catch::Contains("nope"));

    auto slow = function_backend([](const GenerationRequest &) {
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        return std::string(kReply);
    });
    GenerationPlan many = plan_over(pool, 100);
    const ProgressCallback cancel = [](const ProgressEvent & p) { return p.done < 5; };
    CHECK_THROWS_AS(generate(many, none, pool, *slow, PromptTemplate::default_template(), {}, {}, nullptr, cancel), Error);
}

TEST_CASE("the external-command backend: replies, JSON in, no shell, timeouts, failures, garbage", "[gen]") {
    fixtures::TempDir dir;
    const auto      world = small_world();
    const ImagePool pool  = world->pool();
    const Dataset   none;
    const GenerationPlan plan = plan_over(pool, 6);

    CHECK(split_command_line("llm --model 'big one' \"a \\\"b\\\"\" c\\ d") ==
          std::vector<std::string>{"llm", "--model", "big one", "a \"b\"", "c d"});
    CHECK_THROWS_AS(split_command_line("llm 'open"), Error);

    // A well-behaved stand-in: checks that the request JSON carries the prompt and image.
    const std::string good = script(dir, "good.sh",
                                    "input=$(cat)\n"
                                    "case \"$input\" in *'\"prompt\":\"You write training data'*'\"image\":\"pool-'*) ;; *) exit 9 ;; esac\n"
                                    "printf '%s\\n' 'Question: What colour is the circle?' 'Choices: (A) red (B) green (C) blue (D) yellow' "
                                    "\"Answer: The answer is (C): $1\"");
    {
        auto backend = command_backend({{good, "it is blue; $(touch " + dir.file("pwned") + ")"}, 10});
        GeneratorOptions o;
        o.concurrency = 3;
        const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template(), o);
        CHECK(r.samples.size() == 6);  // different images: no duplicates
        CHECK(r.samples[0].rationales.at(0) == "it is blue; $(touch " + dir.file("pwned") + ")");  // passed verbatim
        struct stat st;
        CHECK(::stat(dir.file("pwned").c_str(), &st) != 0);  // and never run by a shell
    }
    // Slow: killed at the timeout, retried, then a backend error.
    const std::string slow = script(dir, "slow.sh", "cat > /dev/null\nsleep 5\necho late");
    {
        auto backend = command_backend({{slow}, 0.3});
        GeneratorOptions o;
        o.retries = 1;
        o.backoff_seconds = 0.01;
        o.concurrency = 6;
        const auto t0 = std::chrono::steady_clock::now();
        const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template(), o);
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        CHECK(r.samples.size() == 0);
        CHECK(r.rejected_by_reason.at("backend_error") == 6);
        CHECK(r.outcomes[0].detail.find("within") != std::string::npos);
        CHECK(r.outcomes[0].detail.find("2 tries") != std::string::npos);
        CHECK(seconds < 4);  // killed, not waited for
    }
    // Failing: the exit status and stderr are in the rejection detail.
    const std::string failing = script(dir, "fail.sh", "cat > /dev/null\necho 'rate limited' >&2\nexit 3");
    {
        auto backend = command_backend({{failing}, 5});
        GeneratorOptions o;
        o.retries = 0;
        const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template(), o);
        CHECK(r.rejected_by_reason.at("backend_error") == 6);
        CHECK(r.outcomes[2].detail.find("status 3") != std::string::npos);
        CHECK(r.outcomes[2].detail.find("rate limited") != std::string::npos);
    }
    // Flaky: fails on the first try of each request, succeeds on the retry.
    const std::string flaky = script(dir, "flaky.sh",
                                     "cat > /dev/null\n"
                                     "if [ -e \"$1/failed-once-$PPID\" ]; then printf '%s\\n' 'Question: What colour is the circle?' "
                                     "'Choices: (A) red (B) green (C) blue (D) yellow' 'Answer: The answer is (C): blue'; "
                                     "else touch \"$1/failed-once-$PPID\"; exit 1; fi");
    {
        auto backend = command_backend({{flaky, dir.path()}, 5});
        GeneratorOptions o;
        o.retries = 2;
        o.backoff_seconds = 0.01;
        GenerationPlan one = plan;
        one.queries.resize(1);
        const GenerationResult r = generate(one, none, pool, *backend, PromptTemplate::default_template(), o);
        CHECK(r.samples.size() == 1);
    }
    // Garbage: binary noise, an empty reply, a missing program.
    const std::string garbage = script(dir, "garbage.sh", "cat > /dev/null\nhead -c 300 /dev/urandom");
    const std::string empty   = script(dir, "empty.sh", "cat > /dev/null");
    for (const std::string & program : {garbage, empty}) {
        auto backend = command_backend({{program}, 5});
        const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template());
        CHECK(r.samples.size() == 0);
        CHECK(r.rejected_by_reason.at("malformed") == 6);
    }
    {
        auto backend = command_backend({{dir.file("no-such-program")}, 5});
        GeneratorOptions o;
        o.retries = 0;
        const GenerationResult r = generate(plan, none, pool, *backend, PromptTemplate::default_template(), o);
        CHECK(r.rejected_by_reason.at("backend_error") == 6);
    }
    CHECK_THROWS_AS(command_backend({{}, 5}), Error);
}
