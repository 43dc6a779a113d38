// dataengine ipo: Interactive Prompt Optimization on its own, on a loop's state directory.
// Reviews by the world's simulated reviewer, or by a person at the terminal (--review tty).
#include <cstdio>
#include <fmt/format.h>
#include <memory>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/ipo.hpp"
#include "dataengine/world.hpp"
#include "progress_line.hpp"

namespace cli {

namespace {

constexpr const char * kHelp =
    "usage: dataengine ipo [--state DIR] [--world DIR] [--review world|tty] [--batch N] [--rounds N]\n"
    "                      [--target X] [--patience N] [--miss-rate X] [--mistake-rate X] [--seed N]\n"
    "                      [--llm-cmd \"PROGRAM ARGS\"] [--rewriter-cmd \"PROGRAM ARGS\"] [--llm-timeout SECONDS]\n"
    "\n"
    "Improves the generation prompt in rounds: a batch is generated with the current version, the\n"
    "validators reject what rules catch, the reviewer judges the rest (accept, or reject with a\n"
    "category and a comment), and below the target acceptance the rewriter writes a new version.\n"
    "State: STATE/ipo.json (every version, batch and verdict; quitting keeps what was reviewed and\n"
    "the same command resumes), reports STATE/ipo.md and STATE/ipo.svg. The world (default\n"
    "STATE/world, written if missing) supplies the pool images, the examples (dev set), the offline\n"
    "generator and rewriter, unless --llm-cmd / --rewriter-cmd name programs (request JSON on\n"
    "stdin, reply on stdout). --review tty: you review, typing a (accept), r (reject) or q (quit).\n"
    "Defaults: ./dataengine-state, world reviewer (miss rate 0.05), batch 40, 6 rounds, target 0.9.\n";

std::unique_ptr<dataengine::LlmBackend> command(const Args & args, const char * name) {
    dataengine::CommandOptions c;
    c.argv            = dataengine::split_command_line(args.get(name));
    c.timeout_seconds = std::stod(args.get("llm-timeout", "60"));
    return dataengine::command_backend(c);
}

}  // namespace

int run_ipo(int argc, char ** argv) {
    if (wants_help(argc, argv, kHelp)) return 0;
    const Args args(argc, argv, {}, {},
                    {"state", "world", "review", "batch", "rounds", "target", "patience", "miss-rate", "mistake-rate", "seed",
                     "llm-cmd", "rewriter-cmd", "llm-timeout"});
    const std::string state     = args.get("state", "dataengine-state");
    const std::string world_dir = args.get("world", state + "/world");
    const std::string review    = args.get("review", "world");
    if (review != "world" && review != "tty") throw dataengine::Error(dataengine::Status::Invalid, "--review must be world or tty");
    dataengine::IpoOptions o;
    o.batch_size = std::stoi(args.get("batch", std::to_string(o.batch_size)));
    o.max_rounds = std::stoi(args.get("rounds", std::to_string(o.max_rounds)));
    o.target     = std::stod(args.get("target", fmt::format("{}", o.target)));
    o.patience   = std::stoi(args.get("patience", std::to_string(o.patience)));
    o.seed       = std::stoull(args.get("seed", "0"));

    // The world: read back from its directory's settings, or the default one written there.
    const bool world_exists = dataengine::file_exists(world_dir + "/world.json");
    const dataengine::WorldOptions wo = world_exists ? dataengine::read_world_options(world_dir) : dataengine::WorldOptions{};
    auto world = std::make_shared<const dataengine::World>(wo);
    if (!world_exists) world->write(world_dir, ProgressLine("world"));
    dataengine::ImagePool       pool(world_dir);
    const dataengine::ImagePool made = world->pool();  // image paths relative to the world directory
    for (const dataengine::PoolImage & p : made.images()) pool.add(p);
    const dataengine::Dataset dev = dataengine::read_dataset(world_dir + "/dev.jsonl", dataengine::Format::Jsonl);

    std::unique_ptr<dataengine::LlmBackend> generator =
        args.has("llm-cmd") ? command(args, "llm-cmd")
                            : dataengine::world_backend(world, {std::stod(args.get("mistake-rate", "0.35")), true});
    std::unique_ptr<dataengine::LlmBackend> rewriter =
        args.has("rewriter-cmd") ? command(args, "rewriter-cmd") : dataengine::world_rewriter(o.seed);
    std::unique_ptr<dataengine::Reviewer> reviewer =
        review == "tty" ? dataengine::terminal_reviewer(stdin, stdout)
                        : dataengine::world_reviewer(world, std::stod(args.get("miss-rate", "0.05")), o.seed);

    dataengine::IpoSources sources;
    for (const auto & t : dataengine::question_types()) sources.types.push_back(t.name);
    sources.pool       = &pool;
    sources.examples   = &dev;
    sources.generator  = generator.get();
    sources.rewriter   = rewriter.get();
    sources.image_fits = dataengine::world_question_filter(world);
    sources.generator_options.require_rationale = true;

    dataengine::PromptOptimizer ipo(state + "/ipo.json", dataengine::PromptTemplate::default_template(), o);
    // A person reviewing sees the samples, not a progress line redrawn over them.
    const dataengine::ProgressCallback progress =
        review == "tty" ? dataengine::ProgressCallback{} : dataengine::ProgressCallback(ProgressLine("ipo"));
    dataengine::IpoStop stop = dataengine::IpoStop::None;
    while (ipo.stopped() == dataengine::IpoStop::None) {
        if (!ipo.run_round(sources, *reviewer, progress)) break;
        const auto & b = ipo.batches().back();
        const auto   a = b.acceptance();
        std::fprintf(stderr, "ipo round %d (%s): accepted %d of %d = %.1f %% [%.1f, %.1f]\n", b.round, b.version.c_str(),
                     a.accepted, a.total, 100 * a.rate(), 100 * a.low(), 100 * a.high());
        stop = ipo.stopped();
    }
    dataengine::write_file_atomic(state + "/ipo.md", ipo.report_markdown());
    dataengine::write_file_atomic(state + "/ipo.svg", ipo.acceptance_svg());
    if (stop == dataengine::IpoStop::None && ipo.stopped() == dataengine::IpoStop::None) {
        std::printf("Review stopped; what was reviewed is kept in %s/ipo.json. Run the same command to continue.\n", state.c_str());
        return 0;
    }
    std::fputs(ipo.report_markdown().c_str(), stdout);
    std::printf("\nBest prompt: %s (stopped: %s). Reports: %s/ipo.md, %s/ipo.svg\n", ipo.best().prompt.version.c_str(),
                dataengine::ipo_stop_name(ipo.stopped()), state.c_str(), state.c_str());
    return 0;
}

}  // namespace cli
