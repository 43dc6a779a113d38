// dataengine pretrain / train: the built-in MLLM's two stages.
#include <cstdio>
#include <filesystem>

#include "args.hpp"
#include "commands.hpp"
#include "model_flags.hpp"
#include "dataengine/model.hpp"
#include "progress_line.hpp"

namespace cli {

namespace {

constexpr const char * kPretrainHelp =
    "usage: dataengine pretrain --world DIR [--steps N] [--threads N] [model shape]\n"
    "\n"
    "Stage 1: alignment of the built-in MLLM on the world's caption corpus. Cached in DIR/stage1/:\n"
    "a second run with the same settings loads it instead of training again.\n";

constexpr const char * kTrainHelp =
    "usage: dataengine train --train FILE... --out MODEL [--init MODEL] [--world DIR] [--steps N]\n"
    "                        [--batch N] [--lr X] [--seed N] [--threads N] [--rationale]\n"
    "\n"
    "Stage 2: instruction tuning on native JSONL question files (mixed equally). Continues from\n"
    "--init, by default the world's stage-1 model (--world, by default the directory of the first\n"
    "training file; [model shape] applies to that one). --rationale trains QM-AE targets (answer and\n"
    "rationale).\n";

void print_report(const char * what, const dataengine::TrainReport & r) {
    std::fprintf(stderr, "%s: %d steps in %.1f s (%.0f samples/s), loss %.3f -> %.3f\n", what, r.steps, r.seconds,
                 r.samples_per_second, r.first_loss(), r.last_loss());
}

dataengine::PretrainOptions pretrain_options(const Args & args) {
    dataengine::PretrainOptions options = pretrain_options_for(args);
    if (args.has("steps")) options.train.steps = std::stoi(args.get("steps"));
    if (args.has("threads")) options.train.threads = std::stoi(args.get("threads"));
    return options;
}

}  // namespace

int run_pretrain(int argc, char ** argv) {
    if (wants_help(argc, argv, kPretrainHelp, kModelShapeHelp)) return 0;
    const Args args(argc, argv, {}, {}, with_model_shape({"world", "steps", "threads"}));
    bool cached = false;
    const auto start = std::chrono::steady_clock::now();
    dataengine::pretrained_model(args.require("world"), pretrain_options(args), ProgressLine("pretrain"), &cached);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "stage 1 %s %s/stage1 (%.1f s)\n", cached ? "loaded from" : "trained and saved to",
                 args.get("world").c_str(), seconds);
    return 0;
}

int run_train(int argc, char ** argv) {
    if (wants_help(argc, argv, kTrainHelp, kModelShapeHelp)) return 0;
    const Args args(argc, argv, {"rationale"}, {"train"},
                    with_model_shape({"out", "init", "world", "steps", "batch", "lr", "seed", "threads"}));
    const auto & files = args.all("train");
    if (files.empty()) throw std::invalid_argument("missing required option --train");
    const std::string out = args.require("out");

    std::vector<dataengine::Dataset> sets;
    for (const std::string & path : files) sets.push_back(dataengine::read_dataset(path, dataengine::Format::Jsonl));
    std::unique_ptr<dataengine::Model> model;
    if (args.has("init")) {
        model = dataengine::load_model(args.get("init"));
    } else {
        std::string world = args.get("world", std::filesystem::path(files[0]).parent_path().string());
        if (world.empty()) world = ".";  // a training file in the working directory
        if (!dataengine::file_exists(world + "/world.json"))
            throw std::invalid_argument("no --init model and no world at '" + world + "' (give --init or --world)");
        model = dataengine::pretrained_model(world, pretrain_options_for(args), ProgressLine("pretrain"));
    }
    std::vector<dataengine::TrainSource> sources;
    for (const dataengine::Dataset & d : sets) sources.push_back({&d, dataengine::TrainSource::Kind::Questions, 1.0});
    dataengine::TrainOptions options;
    options.steps          = std::stoi(args.get("steps", "600"));
    options.batch_size     = std::stoi(args.get("batch", "64"));
    options.learning_rate  = std::stod(args.get("lr", "5e-4"));
    options.seed           = std::stoull(args.get("seed", "0"));
    options.threads        = std::stoi(args.get("threads", "0"));
    options.with_rationale = args.has("rationale");
    options.warmup_steps   = std::min(30, options.steps / 10 + 1);
    print_report("train", model->train(sources, options, ProgressLine("train")));
    model->save(out);
    std::fprintf(stderr, "model saved to %s\n", out.c_str());
    return 0;
}

}  // namespace cli
