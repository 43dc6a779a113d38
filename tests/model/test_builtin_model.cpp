// The built-in MLLM on a tiny world: real training steps, real scoring, save and load.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "dataengine/eval.hpp"
#include "dataengine/model.hpp"
#include "dataengine/world.hpp"
#include "fixtures.hpp"

using namespace dataengine;

namespace {

// One tiny world for every test of this file (writing it takes a moment).
const std::string & tiny_world() {
    static fixtures::TempDir dir;
    static const bool written = [] {
        WorldOptions o;
        o.seed           = 5;
        o.seed_counts    = {{"scene", 40}, {"counting", 40}, {"text", 40}};
        o.dev_per_type   = 4;
        o.test_per_type  = 6;
        o.pool_images    = 8;
        o.caption_images = 150;
        World(o).write(dir.path());
        return true;
    }();
    (void)written;
    return dir.path();
}

ModelConfig tiny_config() {
    ModelConfig c;
    c.dim            = 32;
    c.heads          = 2;
    c.encoder_layers = 1;
    c.decoder_layers = 1;
    c.seed           = 3;
    return c;
}

TrainOptions quick(int steps) {
    TrainOptions o;
    o.steps         = steps;
    o.batch_size    = 16;
    o.learning_rate = 3e-3;
    o.warmup_steps  = 5;
    o.threads       = 1;
    return o;
}

std::vector<size_t> all_indices(const Dataset & d) {
    std::vector<size_t> out;
    for (size_t i = 0; i < d.size(); ++i) out.push_back(i);
    return out;
}

}  // namespace

TEST_CASE("a short training run lowers the loss, on captions and on questions", "[model][torch]") {
    const std::string & dir = tiny_world();
    const Dataset captions = read_dataset(dir + "/captions.jsonl", Format::Jsonl);
    const Dataset seed     = read_dataset(dir + "/seed_train.jsonl", Format::Jsonl);
    auto model = create_builtin_model(tiny_config(), world_tokenizer(dir));
    const TrainReport stage1 = model->train({{&captions, TrainSource::Kind::Captions, 1.0}}, quick(60));
    CHECK(stage1.steps == 60);
    // A random 32-d model starts near ln(vocab) ~ 4.8; 60 steps of captions roughly halve it.
    CHECK(stage1.first_loss() > 3.5);
    CHECK(stage1.last_loss() < stage1.first_loss() * 0.7);
    const TrainReport stage2 = model->train({{&seed, TrainSource::Kind::Questions, 1.0}}, quick(40));
    CHECK(stage2.last_loss() < stage2.first_loss());
    CHECK(stage2.samples_per_second > 0);

    SECTION("a cancel from the progress callback stops training with Aborted") {
        int calls = 0;
        try {
            model->train({{&seed, TrainSource::Kind::Questions, 1.0}}, quick(50), [&](const ProgressEvent &) { return ++calls < 3; });
            FAIL("no abort");
        } catch (const Error & e) {
            CHECK(e.status() == Status::Aborted);
        }
    }
}

TEST_CASE("the grounding objective learns from the captions' boxes, and stays out of the saved model", "[model][torch][grounding]") {
    const std::string & dir = tiny_world();
    const Dataset captions = read_dataset(dir + "/captions.jsonl", Format::Jsonl);
    REQUIRE(!parse_box_lines(captions[0].extra.at("boxes")).empty());
    auto model = create_builtin_model(tiny_config(), world_tokenizer(dir));
    TrainOptions o = quick(60);
    o.grounding_weight = 1.0;
    const TrainReport report = model->train({{&captions, TrainSource::Kind::Captions, 1.0}}, o);
    REQUIRE(report.grounding_losses.size() == 60);
    // Each token starts near ln(vocab) and learns the few words of its object (or "nothing").
    CHECK(report.grounding_losses.front() > 3.5);
    CHECK(report.grounding_losses.back() < report.grounding_losses.front() * 0.6);
    // The objective's head is training-only: the model saves and loads as any other.
    fixtures::TempDir saved;
    model->save(saved.path() + "/m");
    const auto bench = read_dataset(dir + "/dev.jsonl", Format::Jsonl);
    const auto a = model->score(bench, all_indices(bench));
    const auto b = load_model(saved.path() + "/m")->score(bench, all_indices(bench));
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < a[i].size(); ++k) CHECK(b[i][k] == Approx(a[i][k]).margin(1e-5));
    // Off by default; a negative weight is refused.
    CHECK(model->train({{&captions, TrainSource::Kind::Captions, 1.0}}, quick(2)).grounding_losses.empty());
    o.grounding_weight = -1;
    CHECK_THROWS_AS(model->train({{&captions, TrainSource::Kind::Captions, 1.0}}, o), Error);
    // A boxes line that is not one is refused, naming the sample and the line (not read as "nothing here").
    Dataset broken(captions.image_root());
    Sample bad = captions[0];
    bad.extra["boxes"] = "small red cross: [0.1, 0.2, 0.3, 0.4]\nred cross at the top";
    broken.add(bad);
    o.grounding_weight = 1.0;
    o.steps = 1;
    try {
        model->train({{&broken, TrainSource::Kind::Captions, 1.0}}, o);
        FAIL("a malformed boxes line was accepted");
    } catch (const Error & e) {
        CHECK(e.status() == Status::Format);
        CHECK(std::string(e.what()).find("'" + bad.id + "': extra.boxes line 2") != std::string::npos);
    }
}

TEST_CASE("scores: one per option, the same with and without the image-feature cache or the shared context, and after save/load", "[model][torch]") {
    const std::string & dir = tiny_world();
    auto bench = std::make_shared<const Dataset>(read_dataset(dir + "/test.jsonl", Format::Jsonl));
    // Only the image in the prefix: the path where an image's questions share its decoder work
    // (the default, the prompt in the prefix too, is the next case).
    ModelConfig config = tiny_config();
    config.bidirectional_prompt = false;
    auto model = create_builtin_model(config, world_tokenizer(dir));
    const Dataset seed = read_dataset(dir + "/seed_train.jsonl", Format::Jsonl);
    model->train({{&seed, TrainSource::Kind::Questions, 1.0}}, quick(10));

    const auto idx = all_indices(*bench);
    ScoreOptions cached, uncached, whole, small_chunks;
    uncached.cache_image_features = false;
    whole.share_context = false;  // every option's full sequence through the decoder
    small_chunks.batch_questions = 3;  // an image's questions split across chunks
    const auto a = model->score(*bench, idx, cached);
    const auto b = model->score(*bench, idx, uncached);
    const auto w = model->score(*bench, idx, whole);
    const auto s = model->score(*bench, idx, small_chunks);
    REQUIRE(a.size() == bench->size());
    for (size_t i = 0; i < a.size(); ++i) {
        REQUIRE(a[i].size() == (*bench)[i].options.size());
        for (size_t k = 0; k < a[i].size(); ++k) {
            CHECK(std::isfinite(a[i][k]));
            CHECK(a[i][k] < 0);  // a log-likelihood
            CHECK(a[i][k] == Approx(b[i][k]).margin(1e-5));
            CHECK(a[i][k] == Approx(w[i][k]).margin(1e-4));
            CHECK(a[i][k] == Approx(s[i][k]).margin(1e-5));
        }
    }
    fixtures::TempDir saved;
    model->save(saved.path() + "/m");
    auto loaded = load_model(saved.path() + "/m");
    const auto c = loaded->score(*bench, idx);
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < a[i].size(); ++k) CHECK(c[i][k] == Approx(a[i][k]).margin(1e-6));

    const EvalReport report = evaluate_model(*loaded, bench, {true, "tiny"});
    CHECK(report.overall.n == 9 * 6);
    CHECK(report.missing == 0);
    CHECK(report.unextracted == 0);

    CHECK_THROWS_WITH(load_model(saved.path() + "/nothing"), Catch::Contains("model.json is missing"));
}

TEST_CASE("prompt in the bidirectional prefix and convolutions at the token grid: shared-context scores equal whole-sequence scores; save/load keeps both", "[model][torch]") {
    const std::string & dir = tiny_world();
    auto bench = std::make_shared<const Dataset>(read_dataset(dir + "/test.jsonl", Format::Jsonl));
    ModelConfig config = tiny_config();
    config.bidirectional_prompt = true;
    config.grid_convs           = 1;
    auto model = create_builtin_model(config, world_tokenizer(dir));
    const Dataset seed = read_dataset(dir + "/seed_train.jsonl", Format::Jsonl);
    model->train({{&seed, TrainSource::Kind::Questions, 1.0}}, quick(10));
    ScoreOptions shared, whole;
    whole.share_context = false;
    const auto idx = all_indices(*bench);
    const auto a = model->score(*bench, idx, shared);
    const auto w = model->score(*bench, idx, whole);
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < a[i].size(); ++k) CHECK(a[i][k] == Approx(w[i][k]).margin(1e-4));
    // Both settings are part of the saved model.
    fixtures::TempDir saved;
    model->save(saved.path() + "/m");
    const std::string json = read_file(saved.path() + "/m/model.json");
    CHECK(json.find("\"bidirectional_prompt\":true") != std::string::npos);
    CHECK(json.find("\"grid_convs\":1") != std::string::npos);
    const auto c = load_model(saved.path() + "/m")->score(*bench, idx);
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < a[i].size(); ++k) CHECK(c[i][k] == Approx(a[i][k]).margin(1e-6));
}

TEST_CASE("image embeddings are unit vectors that tell images apart", "[model][torch]") {
    auto model = create_builtin_model(tiny_config(), world_tokenizer(tiny_world()));
    const World world(WorldOptions{});
    const std::vector<Image> images = {render(world.scene(Split::Pool, 1)), render(world.scene(Split::Pool, 2)),
                                       render(world.scene(Split::Pool, 1))};
    const auto e = model->embed_images(images);
    REQUIRE(e.size() == 3);
    REQUIRE(e[0].size() == 64);  // mean and max of 32 features
    auto dot = [&](size_t i, size_t j) {
        double d = 0;
        for (size_t k = 0; k < e[i].size(); ++k) d += double(e[i][k]) * double(e[j][k]);
        return d;
    };
    CHECK(dot(0, 0) == Approx(1.0).margin(1e-4));
    CHECK(dot(0, 2) == Approx(1.0).margin(1e-4));  // the same image
    CHECK(dot(0, 1) < 0.99);
}

TEST_CASE("an interrupted run resumes from its checkpoint to the same weights", "[model][torch]") {
    const std::string & dir = tiny_world();
    const Dataset seed = read_dataset(dir + "/seed_train.jsonl", Format::Jsonl);
    const auto bench = read_dataset(dir + "/dev.jsonl", Format::Jsonl);
    fixtures::TempDir checkpoints;
    TrainOptions o = quick(20);
    o.checkpoint_every = 10;
    o.checkpoint_dir   = checkpoints.path() + "/ck";
    // The grounding objective's head is in the checkpoint too: resumed runs go on alike with it.
    const Dataset captions = read_dataset(dir + "/captions.jsonl", Format::Jsonl);
    const bool grounding = GENERATE(false, true);
    CAPTURE(grounding);
    if (grounding) o.grounding_weight = 0.5;
    const Dataset & data = grounding ? captions : seed;
    const TrainSource::Kind kind = grounding ? TrainSource::Kind::Captions : TrainSource::Kind::Questions;

    auto straight = create_builtin_model(tiny_config(), world_tokenizer(dir));
    TrainOptions plain = o;
    plain.checkpoint_dir.clear();
    CHECK(straight->train({{&data, kind, 1.0}}, plain).checkpoint_seconds == 0);

    auto interrupted = create_builtin_model(tiny_config(), world_tokenizer(dir));
    int  calls = 0;
    CHECK_THROWS_AS(interrupted->train({{&data, kind, 1.0}}, o,
                                       [&](const ProgressEvent & e) { return ++calls, e.done < 13; }),
                    Error);
    // As if killed while the next checkpoint was being written, just after the last one was
    // moved aside: a half-written folder that must not be read, the last complete one as
    // "previous".
    REQUIRE(file_exists(o.checkpoint_dir + "/current/progress.json"));
    std::filesystem::create_directories(o.checkpoint_dir + "/next");
    std::ofstream(o.checkpoint_dir + "/next/weights.pt") << "torn";
    std::filesystem::rename(o.checkpoint_dir + "/current", o.checkpoint_dir + "/previous");
    auto resumed = create_builtin_model(tiny_config(), world_tokenizer(dir));
    const TrainReport rest = resumed->train({{&data, kind, 1.0}}, o);
    CHECK(rest.steps == 10);  // steps 10..19 after the checkpoint at 10
    // The one checkpoint it wrote (at step 20) is timed, and is part of the run's time.
    CHECK(rest.checkpoint_seconds > 0);
    CHECK(rest.checkpoint_seconds < rest.seconds);
    const auto a = straight->score(bench, all_indices(bench));
    const auto b = resumed->score(bench, all_indices(bench));
    for (size_t i = 0; i < a.size(); ++i)
        for (size_t k = 0; k < a[i].size(); ++k) CHECK(b[i][k] == Approx(a[i][k]).margin(1e-4));
}
