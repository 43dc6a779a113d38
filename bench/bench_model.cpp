// The built-in MLLM's speed on this machine. One JSON object per measurement on stdout.
//   model.sgemm_peak     a large LibTorch SGEMM (1024^3, all cores): the machine's peak FLOP/s
//   model.train          stage 1 (captions) and stage 2 (questions): samples/s, FLOP/s, utilisation
//   model.checkpoint     seconds per training checkpoint (weights + optimizer), timed around each write (30 stage-2 steps)
//   model.score          questions/s on a circular benchmark, with and without the image-feature cache
//   model.image_pipeline decode + resize + normalise images/s (what the background loader does)
//   model.memory         peak resident memory
#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <unistd.h>

#include "dataengine/eval.hpp"
#include "dataengine/model.hpp"
#include "dataengine/world.hpp"
#include "synthetic.hpp"

using namespace dataengine;
using synthetic::seconds_since;

namespace {

constexpr int kTrainSteps = 30;   // per stage, after a warm-up of 3 steps
constexpr int kBatch      = 64;

// Forward FLOPs of one sample through the built-in model (multiply-adds x 2), counted from the
// architecture: convolution stem, encoder blocks, decoder blocks over prefix + text, LM head.
// With grounding, stage 1's training-only head also maps each image token to the vocabulary.
double forward_flops(const ModelConfig & c, int text_tokens, int vocab, bool grounding) {
    double flops = 0;
    int side = c.image_size, channels = 3;
    const int widths[] = {16, 48, 96, c.dim, c.dim, c.dim};
    flops += 2.0 * side * side * 16 * channels * 9;  // stride-1 first convolution
    channels = 16;
    for (int i = 1; side > c.image_tokens_side; ++i) {
        side /= 2;
        flops += 2.0 * side * side * widths[std::min(i, 5)] * channels * 9;
        channels = widths[std::min(i, 5)];
    }
    // One block's `rows` query rows against `keys` keys (projections, MLP, attention).
    auto block_rows = [&](int rows, int keys) { return rows * (24.0 * c.dim * c.dim + 4.0 * keys * c.dim); };
    const int grid = c.image_tokens_side * c.image_tokens_side;
    flops += c.encoder_layers * block_rows(grid, grid);
    // The decoder's last layer runs only the text rows (against all keys); of the image prefix it
    // computes keys and values alone.
    const int prefix = c.prefix_side * c.prefix_side, all = prefix + text_tokens;
    flops += (c.decoder_layers - 1) * block_rows(all, all) + block_rows(text_tokens, all) + 4.0 * prefix * c.dim * c.dim +
             2.0 * text_tokens * c.dim * vocab;
    if (grounding) flops += 2.0 * c.image_tokens_side * c.image_tokens_side * c.dim * vocab;
    return flops;
}

}  // namespace

int main() {
    const std::string dir = fmt::format("/tmp/dataengine-bench-model-{}", ::getpid());
    WorldOptions wo;
    wo.seed = 1;
    wo.dev_per_type = wo.test_per_type = 40;
    wo.pool_images = 10;
    wo.caption_images = 2000;
    World(wo).write(dir);
    const Dataset captions = read_dataset(dir + "/captions.jsonl", Format::Jsonl);
    const Dataset seed     = read_dataset(dir + "/seed_train.jsonl", Format::Jsonl);
    auto          test     = std::make_shared<const Dataset>(read_dataset(dir + "/test.jsonl", Format::Jsonl));

    const double peak = measure_sgemm_flops(1024, 10);
    fmt::print("{{\"bench\":\"model.sgemm_peak\",\"n\":1024,\"gflops\":{:.1f},\"threads\":{},\"blas_kernels\":\"{}\"}}\n", peak / 1e9,
               hardware_threads(), blas_kernels());

    const ModelConfig config;
    const Tokenizer   tokenizer = world_tokenizer(dir);
    auto              model     = create_builtin_model(config, tokenizer);
    // Mean text length of each stage's sequences, for the FLOP count.
    auto mean_tokens = [&](const Dataset & d, bool questions) {
        double total = 0;
        for (const Sample & s : d.samples())
            total += double(questions ? tokenizer.encode(question_prompt(s) + " " + answer_text(s, s.answer)).size()
                                      : tokenizer.encode(s.direct_answers.front()).size()) + 2;
        return total / double(d.size());
    };
    double stage2_seconds = 0;
    for (const bool questions : {false, true}) {
        const Dataset & data = questions ? seed : captions;
        // Each stage as the recipe runs it: stage 1 with its grounding objective, stage 2 without.
        TrainOptions o = questions ? TrainOptions{} : PretrainOptions{}.train;
        o.batch_size = kBatch;
        o.steps      = 3;
        model->train({{&data, questions ? TrainSource::Kind::Questions : TrainSource::Kind::Captions, 1.0}}, o);
        o.steps = kTrainSteps;
        const TrainReport r = model->train({{&data, questions ? TrainSource::Kind::Questions : TrainSource::Kind::Captions, 1.0}}, o);
        const double tokens = mean_tokens(data, questions);
        const double flops  = 3 * forward_flops(config, int(tokens), tokenizer.size(), o.grounding_weight > 0) * r.samples_per_second;  // fwd + bwd
        fmt::print("{{\"bench\":\"model.train\",\"stage\":{},\"steps\":{},\"batch\":{},\"seconds\":{:.2f},\"samples_per_s\":{:.1f},"
                   "\"grounding_weight\":{},\"mean_text_tokens\":{:.1f},\"gflops\":{:.1f},\"utilisation\":{:.3f},\"loss_first\":{:.3f},"
                   "\"loss_last\":{:.3f}}}\n",
                   questions ? 2 : 1, r.steps, kBatch, r.seconds, r.samples_per_second, o.grounding_weight, tokens, flops / 1e9, flops / peak,
                   r.first_loss(), r.last_loss());
        if (questions) stage2_seconds = r.seconds;
    }
    {
        // The loop checkpoints every 50 steps so that a kill loses little: what each one costs.
        TrainOptions o;
        o.batch_size       = kBatch;
        o.steps            = kTrainSteps;
        o.checkpoint_every = 5;
        o.checkpoint_dir   = dir + "/checkpoints";
        const TrainReport r = model->train({{&seed, TrainSource::Kind::Questions, 1.0}}, o);
        const int n = kTrainSteps / o.checkpoint_every;
        // Timed around each write, not as the difference from the run without checkpoints: a
        // checkpoint costs less than the run-to-run spread of 30 steps.
        fmt::print("{{\"bench\":\"model.checkpoint\",\"steps\":{},\"checkpoints\":{},\"seconds\":{:.2f},\"seconds_without\":{:.2f},"
                   "\"checkpoint_seconds\":{:.3f},\"seconds_per_checkpoint\":{:.3f}}}\n",
                   r.steps, n, r.seconds, stage2_seconds, r.checkpoint_seconds, r.checkpoint_seconds / n);
    }
    // Both savings, one at a time: the image-feature cache and the shared per-question context.
    for (const auto & [cache, share] : {std::pair{true, true}, std::pair{true, false}, std::pair{false, false}}) {
        ScoreOptions so;
        so.cache_image_features = cache;
        so.share_context        = share;
        const auto       t0 = std::chrono::steady_clock::now();
        const EvalReport r  = evaluate_model(*model, test, {true, "bench"}, so);
        const double     s  = seconds_since(t0);
        fmt::print("{{\"bench\":\"model.score\",\"feature_cache\":{},\"shared_context\":{},\"questions\":{},\"circular_copies\":4,\"seconds\":{:.2f},"
                   "\"questions_per_s\":{:.1f},\"accuracy\":{:.3f}}}\n",
                   cache, share, test->size(), s, double(test->size()) / s, r.overall.accuracy());
    }
    {
        const auto t0 = std::chrono::steady_clock::now();
        std::vector<float> chw(3 * 64 * 64);
        size_t n = 0;
        for (const Sample & s : captions.samples()) {
            const Image image = decode_image(captions.image_bytes(s), {}, s.id);
            normalize_into(image.width == 64 ? image : resize(image, 64, 64), {}, chw.data());
            if (++n == 2000) break;
        }
        const double s = seconds_since(t0);
        fmt::print("{{\"bench\":\"model.image_pipeline\",\"images\":{},\"seconds\":{:.3f},\"images_per_s\":{:.0f},\"threads\":1}}\n",
                   n, s, double(n) / s);
    }
    fmt::print("{{\"bench\":\"model.memory\",\"peak_rss_mb\":{}}}\n", synthetic::peak_rss_mb());
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
}
