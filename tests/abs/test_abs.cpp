// ABS: type weights by rule, exact budgets, in-context examples, query images, determinism.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "dataengine/abs.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

// A benchmark of types a, b, c (10 questions each, 4 circular copies), each question on its
// own image, and a report where the model got `wrong[type]` questions of each type wrong.
struct Setup {
    std::shared_ptr<Dataset> bench;
    EvalReport               report;
};

Setup make_setup(const std::map<std::string, int> & wrong) {
    Setup s;
    Dataset data = fixtures::benchmark({"a", "b", "c"}, 10, true);
    Dataset with_images;
    for (Sample q : data.samples()) {
        q.image = ImageRef::file("img" + q.circular_group + ".png");
        with_images.add(std::move(q));
    }
    s.bench = std::make_shared<Dataset>(std::move(with_images));
    Evaluator evaluator(s.bench, {true, "toy"});
    std::map<std::string, int> seen;
    for (const Sample & q : s.bench->samples()) {
        const int index = std::stoi(q.circular_group) % 10;  // question number within its type
        const bool right = index >= wrong.at(q.type);
        evaluator.add(q.id, Prediction::from_letter(char('A' + (right ? q.answer : (q.answer + 1) % 4))));
    }
    s.report = evaluator.finish();
    return s;
}

std::vector<float> unit(size_t dim, size_t axis, double noise, Rng & rng) {
    std::vector<float> v(dim);
    for (size_t d = 0; d < dim; ++d) v[d] = float(noise * rng.normal());
    v[axis] += 1.0f;
    return v;
}

// Pool: 300 images; the first 30 lie near axis 0 (like type a's bad cases), the next 30 near
// axis 1 (type c's), the rest anywhere. Image k has k % 12 described objects.
ImagePool make_pool(Rng & rng) {
    ImagePool pool("/pool");
    for (int k = 0; k < 300; ++k) {
        PoolImage p;
        p.id    = "p" + std::to_string(k);
        p.image = ImageRef::file(p.id + ".png");
        p.embedding = k < 30 ? unit(8, 0, 0.05, rng) : k < 60 ? unit(8, 1, 0.05, rng) : unit(8, 2 + size_t(k) % 6, 0.3, rng);
        for (int o = 0; o < k % 12; ++o) p.objects.push_back({"thing", 0, 0, 0.1, 0.1});
        pool.add(std::move(p));
    }
    return pool;
}

PlanContext embeddings_for(const Dataset & bench, Rng & rng) {
    PlanContext c;
    for (const Sample & q : bench.samples())
        c.example_embeddings[q.id] = unit(8, q.type == "a" ? 0 : q.type == "c" ? 1 : 7, 0.05, rng);
    return c;
}

int index_of(const std::string & pool_id) { return std::stoi(pool_id.substr(1)); }

}  // namespace

TEST_CASE("allocate_counts splits a budget exactly by largest remainder", "[abs]") {
    CHECK(allocate_counts({0.5, 0.3, 0.2}, 10) == std::vector<int>{5, 3, 2});
    CHECK(allocate_counts({1, 1, 1}, 10) == std::vector<int>{4, 3, 3});  // ties: lower index first
    CHECK(allocate_counts({0, 1, 1}, 3) == std::vector<int>{0, 2, 1});
    CHECK(allocate_counts({0, 0}, 5) == std::vector<int>{0, 0});
    CHECK(allocate_counts({0.7, 0.2, 0.1}, 1) == std::vector<int>{1, 0, 0});
    Rng rng(3);
    for (int trial = 0; trial < 50; ++trial) {
        std::vector<double> w(1 + rng.below(9));
        for (double & x : w) x = rng.uniform() < 0.2 ? 0 : rng.uniform();
        const int budget = int(rng.below(1000));
        const auto counts = allocate_counts(w, budget);
        double total = 0;
        for (const double x : w) total += x;
        int sum = 0;
        for (size_t i = 0; i < w.size(); ++i) {
            sum += counts[i];
            if (total > 0) CHECK(std::abs(counts[i] - budget * w[i] / total) < 1.0);  // within one of its share
            if (w[i] == 0) CHECK(counts[i] == 0);
        }
        CHECK(sum == (total > 0 ? budget : 0));
    }
    CHECK_THROWS_AS(allocate_counts({-1, 1}, 4), Error);
}

TEST_CASE("weight rules: v1, v2, uniform and the gain-aware default", "[abs]") {
    const Setup s = make_setup({{"a", 8}, {"b", 1}, {"c", 4}});  // error 0.8, 0.1, 0.4
    Rng         rng(1);
    const ImagePool pool = make_pool(rng);
    auto plan_with = [&](AbsOptions o, const PlanContext & c = {}, int budget = 12) {
        o.budget = budget;
        return AbsSampler(o).plan(s.report, *s.bench, pool, c);
    };

    const GenerationPlan v1 = plan_with(AbsOptions::preset("v1"));
    CHECK(v1.count("a") == 8);  // w = e, and b with a single bad case gets nothing
    CHECK(v1.count("b") == 0);
    CHECK(v1.count("c") == 4);
    REQUIRE(v1.types.size() == 3);
    CHECK(v1.types[0].error_rate == Approx(0.8));
    CHECK(v1.types[0].bad_cases == 8);  // one per circular group

    const GenerationPlan v2 = plan_with(AbsOptions::preset("v2"));  // sqrt: 0.894, 0.316, 0.632
    CHECK(v2.count("a") == 6);
    CHECK(v2.count("b") == 2);
    CHECK(v2.count("c") == 4);

    const GenerationPlan uniform = plan_with(AbsOptions::preset("uniform"));
    CHECK((uniform.count("a") == 4 && uniform.count("b") == 4 && uniform.count("c") == 4));

    const GenerationPlan random = plan_with(AbsOptions::preset("random"));
    CHECK(random.count("a") + random.count("b") + random.count("c") == 12);

    // Gain-aware: a did not respond to 100 added samples, c gained 10 points per 100; b untried
    // is valued optimistically at c's rate. Weights 0.8 x 0.0001, 0.1 x 0.001, 0.4 x 0.001.
    PlanContext c;
    c.gains = {{"a", 100, 0.0}, {"c", 100, 0.1}};
    const GenerationPlan gain = plan_with(AbsOptions::preset("gain"), c, 24);  // 3.3, 4.1, 16.6
    CHECK(gain.count("a") == 3);
    CHECK(gain.count("b") == 4);
    CHECK(gain.count("c") == 17);
    CHECK(gain.types[0].gain_measured);
    CHECK_FALSE(gain.types[1].gain_measured);
    CHECK(gain.types[1].gain_per_sample == Approx(0.001));
    CHECK(gain.types[0].gain_per_sample == Approx(0.0001));  // the floor: 10 % of the best
    // Later observations count more: a and c gained the same 10 points over their first 100
    // samples; then a gained nothing from 100 more and c 5 points. Pooled alike (memory 1) a's
    // rate is 0.0005, c's 0.00075; with memory 0.5 a's is 0.05/150 and c's 0.1/150 (first
    // observation at half weight), so c gets twice a's weight per unit of error.
    PlanContext later;
    later.gains = {{"a", 100, 0.1}, {"c", 100, 0.1}, {"a", 100, 0.0}, {"c", 100, 0.05}};
    AbsOptions alike = AbsOptions::preset("gain");
    alike.gain_memory = 1;
    const GenerationPlan pooled = plan_with(alike, later, 24);
    CHECK(pooled.types[0].gain_per_sample == Approx(0.0005));
    CHECK(pooled.types[2].gain_per_sample == Approx(0.00075));
    const GenerationPlan recent = plan_with(AbsOptions::preset("gain"), later, 24);
    CHECK(recent.types[0].gain_per_sample == Approx(0.05 / 150));
    CHECK(recent.types[2].gain_per_sample == Approx(0.1 / 150));
    CHECK(recent.count("a") < pooled.count("a"));
    CHECK(recent.count("c") > pooled.count("c"));
    AbsOptions forgetful = AbsOptions::preset("gain");
    forgetful.gain_memory = 0;
    CHECK_THROWS_AS(AbsSampler(forgetful), Error);
    // Without measurements the gain rule is the error rule: 7.4, 0.9, 3.7.
    const GenerationPlan first_round = plan_with(AbsOptions::preset("gain"));
    CHECK((first_round.count("a") == 7 && first_round.count("b") == 1 && first_round.count("c") == 4));

    CHECK_THROWS_AS(AbsOptions::preset("v3"), Error);
    AbsOptions bad;
    bad.top_k = 0;
    CHECK_THROWS_AS(AbsSampler(bad), Error);
}

TEST_CASE("gain rule: measured gains shrink towards their pooled mean by their noise", "[abs]") {
    const Setup s = make_setup({{"a", 8}, {"b", 1}, {"c", 4}});  // error 0.8, 0.1, 0.4
    Rng         rng(1);
    const ImagePool pool = make_pool(rng);
    auto plan_with = [&](const std::vector<GainObservation> & gains, bool shrink = true) {
        AbsOptions o   = AbsOptions::preset("gain");
        o.budget       = 24;
        o.shrink_gains = shrink;
        o.gain_floor   = 0;  // the estimates as they are
        PlanContext c;
        c.gains = gains;
        return AbsSampler(o).plan(s.report, *s.bench, pool, c);
    };
    // a gained nothing and c 10 points from 100 samples each. Per sample: 0 and 0.001, the
    // pooled mean 0.0005. The estimate of the spread of true gains (DerSimonian-Laird) is
    // tau^2 = (Q - 1) / w with Q the noise-weighted squared deviations, w = 1 / se^2 per type,
    // and each gain keeps tau^2 / (tau^2 + se^2) of its distance from the mean.
    // Noise 10 points each (se 0.001 per sample): Q = 0.5 < 1, no spread beyond the noise, both
    // are the pooled gain, and the gain rule is the error rule (b untried gets the same).
    const GenerationPlan noisy = plan_with({{"a", 100, 0.0, 0.1}, {"c", 100, 0.1, 0.1}});
    CHECK(noisy.types[0].gain_per_sample == Approx(0.0005));
    CHECK(noisy.types[2].gain_per_sample == Approx(0.0005));
    CHECK(noisy.types[1].gain_per_sample == Approx(0.0005));
    CHECK((noisy.count("a") == 15 && noisy.count("b") == 2 && noisy.count("c") == 7));  // 14.8, 1.8, 7.4
    // Noise 5 points: Q = 2, tau^2 = se^2, half of each distance stays.
    const GenerationPlan half = plan_with({{"a", 100, 0.0, 0.05}, {"c", 100, 0.1, 0.05}});
    CHECK(half.types[0].gain_per_sample == Approx(0.00025));
    CHECK(half.types[2].gain_per_sample == Approx(0.00075));
    // Noise 1 point: Q = 50, tau^2 = 49 se^2, 98 % stays.
    const GenerationPlan clear = plan_with({{"a", 100, 0.0, 0.01}, {"c", 100, 0.1, 0.01}});
    CHECK(clear.types[0].gain_per_sample == Approx(0.00001));
    CHECK(clear.types[2].gain_per_sample == Approx(0.00099));
    // Without shrinking, or without a standard error (taken as exact), the gains are as measured.
    const GenerationPlan raw = plan_with({{"a", 100, 0.0, 0.1}, {"c", 100, 0.1, 0.1}}, false);
    CHECK(raw.types[0].gain_per_sample == 0);
    CHECK(raw.types[2].gain_per_sample == Approx(0.001));
    const GenerationPlan exact = plan_with({{"a", 100, 0.0}, {"c", 100, 0.1}});
    CHECK(exact.types[2].gain_per_sample == Approx(0.001));
    CHECK(exact.count("a") < noisy.count("a"));
    // A type with one exact observation among noisy ones keeps its gain; pooling over rounds
    // adds the variances (weights squared): a's two observations of 5 points at memory 0.5 give
    // se sqrt(0.05^2 + 0.025^2) / 150 per sample.
    const GenerationPlan mixed = plan_with({{"a", 100, 0.1, 0.05}, {"c", 100, 0.1}, {"a", 100, 0.0, 0.05}});
    CHECK(mixed.types[2].gain_per_sample == Approx(0.001));
    CHECK(mixed.types[0].gain_per_sample == Approx(0.05 / 150));  // alone with an error: not shrunk

    // The standard error of a change of accuracy: 150/300 -> 180/300 is 4.0 points; an accuracy
    // of 0 or 1 is not taken as exact.
    CHECK(accuracy_change_standard_error(150, 300, 180, 300) == Approx(0.040286).epsilon(1e-4));
    CHECK(accuracy_change_standard_error(0, 300, 300, 300) == Approx(0.004675).epsilon(1e-3));
    CHECK_THROWS_AS(accuracy_change_standard_error(5, 4, 0, 4), Error);

    // JSON: the standard error is optional, written only when known, and must not be negative.
    const std::vector<GainObservation> back =
        gains_from_json(gains_to_json({{"a", 100, 0.02, 0.036}, {"c", 50, -0.01}}), "gains");
    REQUIRE(back.size() == 2);
    CHECK(back[0].standard_error == Approx(0.036));
    CHECK(back[1].standard_error == 0);
    CHECK(gains_to_json({{"c", 50, -0.01}}).find("standard_error") == std::string::npos);
    try {
        gains_from_json(R"([{"type": "a", "added": 1, "accuracy_gain": 0}, {"type": "b", "added": 1, "accuracy_gain": 0, "standard_error": -1}])", "g.json");
        FAIL("a negative standard error was accepted");
    } catch (const Error & e) {
        CHECK(std::string(e.what()).find("g.json: entry 1: 'standard_error'") != std::string::npos);
    }
}

TEST_CASE("plans: examples are the type's bad cases, images similar or explored, each once", "[abs]") {
    const Setup s = make_setup({{"a", 6}, {"b", 0}, {"c", 5}});
    Rng         rng(7);
    const ImagePool   pool    = make_pool(rng);
    const PlanContext context = embeddings_for(*s.bench, rng);
    AbsOptions o = AbsOptions::preset("v1");
    o.budget = 22;
    o.top_k  = 5;
    const GenerationPlan plan = AbsSampler(o).plan(s.report, *s.bench, pool, context);
    REQUIRE(plan.queries.size() == 22);
    CHECK(plan.count("a") == 12);
    CHECK(plan.count("c") == 10);

    std::set<std::string> images;
    std::map<std::string, int> example_uses;
    int similar = 0, explore = 0;
    std::map<std::string, int> position;  // index of the query within its type
    for (const PlannedQuery & q : plan.queries) {
        CHECK(images.insert(q.image_id).second);  // never twice
        REQUIRE(q.example_ids.size() == 2);
        CHECK(q.example_ids[0] != q.example_ids[1]);
        for (const std::string & id : q.example_ids) {
            const auto & bad = s.report.bad_cases.at(q.type);
            CHECK(std::find(bad.begin(), bad.end(), id) != bad.end());
            CHECK(s.bench->find(id)->type == q.type);
            ++example_uses[id];
        }
        const int j = position[q.type]++;
        if (j % 2 == 1) {  // every second query explores
            CHECK(q.reason == QueryReason::Explore);
            ++explore;
        } else {
            CHECK(q.reason == QueryReason::Similar);
            // Among the 5 nearest: the 30 pool images on the bad cases' axis.
            const int k = index_of(q.image_id);
            CHECK((q.type == "a" ? k < 30 : (k >= 30 && k < 60)));
            CHECK(q.similarity > 0.9);
            ++similar;
        }
    }
    CHECK(similar == 11);
    CHECK(explore == 11);
    // 6 distinct bad cases of a for 24 example slots: each used 4 times, none more.
    for (const auto & [id, n] : example_uses) CHECK(n <= 4);
    CHECK(example_uses.size() == 11);

    // Deterministic for a seed; another seed gives another plan.
    CHECK(AbsSampler(o).plan(s.report, *s.bench, pool, context).queries == plan.queries);
    o.seed = 99;
    CHECK_FALSE(AbsSampler(o).plan(s.report, *s.bench, pool, context).queries == plan.queries);

    // Round trip through JSON.
    const GenerationPlan back = plan_from_json(to_json(plan));
    CHECK(back.queries == plan.queries);
    CHECK(back.rule == plan.rule);
    CHECK(back.count("a") == 12);
    CHECK_THROWS_AS(plan_from_json("{\"rule\": 1}"), Error);
    CHECK_THROWS_AS(plan_from_json("{\"rule\": \"x\", \"budget\": 1, \"seed\": 0, \"types\": [], \"queries\": [{\"type\": \"a\"}]}"),
                    Error);
}

TEST_CASE("plans: content filter, images of earlier rounds, small pools, no embeddings", "[abs]") {
    const Setup s = make_setup({{"a", 6}, {"b", 3}, {"c", 5}});
    Rng         rng(11);
    const ImagePool pool    = make_pool(rng);
    PlanContext     context = embeddings_for(*s.bench, rng);
    AbsOptions      o;
    o.budget      = 40;
    o.max_objects = 3;  // as v1 skips crowded images
    for (int k = 0; k < 30; ++k) context.used_images.push_back("p" + std::to_string(k));
    const GenerationPlan plan = AbsSampler(o).plan(s.report, *s.bench, pool, context);
    CHECK(plan.queries.size() == 40);
    for (const PlannedQuery & q : plan.queries) {
        const int k = index_of(q.image_id);
        CHECK(k % 12 <= 3);
        CHECK(k >= 30);
    }

    // A per-type filter: type a only on even images, type c only on images 100..299.
    context.image_fits = [](std::string_view type, const PoolImage & image) {
        const int k = index_of(image.id);
        return type == "a" ? k % 2 == 0 : type == "c" ? k >= 100 : true;
    };
    const GenerationPlan filtered = AbsSampler(o).plan(s.report, *s.bench, pool, context);
    CHECK(filtered.queries.size() == 40);
    for (const PlannedQuery & q : filtered.queries) {
        if (q.type == "a") CHECK(index_of(q.image_id) % 2 == 0);
        if (q.type == "c") CHECK(index_of(q.image_id) >= 100);
    }

    // Only four unused images can carry type a (36..39; 0..29 were asked about in earlier
    // rounds): a gets those four, not its share by error (40 x 0.6 / 1.4 = 17), and the rest of
    // its share goes to b and c by weight (0.3 : 0.5) — rather than to queries about images an
    // earlier round used, which for a type with one question per image only repeat old data.
    // The other types leave a's four images alone.
    context.image_fits = [](std::string_view type, const PoolImage & image) {
        const int k = index_of(image.id);
        return type != "a" || k < 30 || (k >= 36 && k <= 39);
    };
    const GenerationPlan limited = AbsSampler(o).plan(s.report, *s.bench, pool, context);
    CHECK(limited.queries.size() == 40);
    CHECK(limited.count("a") == 4);
    CHECK(limited.count("b") + limited.count("c") == 36);
    CHECK(limited.count("c") == 22);  // 36 x 5/8 = 22.5, the tie's leftover to b (lower index)
    std::set<int> a_images;
    for (const PlannedQuery & q : limited.queries) {
        const int k = index_of(q.image_id);
        if (q.type == "a") a_images.insert(k);
        else CHECK_FALSE((k >= 36 && k <= 39));
    }
    CHECK(a_images == std::set<int>{36, 37, 38, 39});

    // No unused image can carry any type: the plan asks again about earlier rounds' images that
    // can (another question about one is still new data for most types) before it plans queries
    // that could only come back "Skip", and only when it runs out of them does it take unfit ones.
    context.image_fits = [](std::string_view, const PoolImage & image) { return index_of(image.id) < 30; };
    const GenerationPlan reused = AbsSampler(o).plan(s.report, *s.bench, pool, context);
    CHECK(reused.queries.size() == 40);
    CHECK(reused.count("a") == 17);  // by weight again, as without the filter
    int earlier = 0;
    std::set<std::string> images;
    for (const PlannedQuery & q : reused.queries) {
        CHECK(images.insert(q.image_id).second);  // still one query per image
        CHECK(index_of(q.image_id) % 12 <= 3);    // and the content filter holds
        earlier += index_of(q.image_id) < 30;
    }
    CHECK(earlier == 12);  // 0..29 with k % 12 <= 3, every one of them
    context.image_fits = nullptr;

    // The budget is capped by the usable pool.
    ImagePool small("/small");
    for (int k = 0; k < 5; ++k) small.add(pool[size_t(k)]);
    o.max_objects = 0;
    const GenerationPlan capped = AbsSampler(o).plan(s.report, *s.bench, small, {});
    CHECK(capped.queries.size() == 5);
    CHECK(capped.budget == 5);
    for (const PlannedQuery & q : capped.queries) CHECK(q.reason == QueryReason::Explore);  // no embeddings given

    CHECK_THROWS_AS(AbsSampler(o).plan(s.report, *s.bench, ImagePool(), {}), Error);
    // A report of another benchmark: its bad cases are not there.
    const Setup other = make_setup({{"a", 2}, {"b", 2}, {"c", 2}});
    Dataset     unrelated = fixtures::benchmark({"z"}, 2);
    CHECK_THROWS_AS(AbsSampler(o).plan(other.report, unrelated, pool, {}), Error);
}

TEST_CASE("near-duplicate bad cases count once", "[abs]") {
    // Two questions with the same text on images whose embeddings are nearly equal.
    Dataset bench;
    for (int i = 0; i < 4; ++i) {
        Sample q;
        q.id       = "q" + std::to_string(i);
        q.question = i < 3 ? "What shape is the red object?" : "How many circles are there?";
        q.options  = {"circle", "square", "triangle", "cross"};
        q.answer   = 0;
        q.type     = "t";
        q.image    = ImageRef::file("i" + std::to_string(i) + ".png");
        bench.add(std::move(q));
    }
    auto shared = std::make_shared<Dataset>(bench);
    Evaluator ev(shared, {false, "dups"});
    for (const Sample & q : shared->samples()) ev.add(q.id, Prediction::from_letter('B'));
    const EvalReport report = ev.finish();
    PlanContext c;
    c.example_embeddings["q0"] = {1, 0, 0};
    c.example_embeddings["q1"] = {0.99f, 0.05f, 0};  // q0's image, nearly
    c.example_embeddings["q2"] = {0, 1, 0};          // same question, another image
    c.example_embeddings["q3"] = {1, 0, 0};          // same image, another question
    ImagePool pool;
    for (int k = 0; k < 10; ++k) {  // embeddings around a circle: their mean, the centre, is ~0
        const float angle = float(k) * 0.6283185f;
        pool.add({"p" + std::to_string(k), ImageRef::file("p.png"), 0, 0, {}, {}, "", {std::cos(angle), std::sin(angle), 0.1f}});
    }
    AbsOptions o;
    o.budget = 6;
    const GenerationPlan plan = AbsSampler(o).plan(report, *shared, pool, c);
    REQUIRE(plan.types.size() == 1);
    CHECK(plan.types[0].bad_cases == 3);
    std::set<std::string> used;
    for (const PlannedQuery & q : plan.queries) used.insert(q.example_ids.begin(), q.example_ids.end());
    CHECK(used.size() == 3);
    CHECK((used.count("q0") + used.count("q1")) == 1);
}
