// dataengine world: write the embedded world's splits to a directory.
#include <cstdio>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/world.hpp"
#include "progress_line.hpp"

namespace cli {

namespace {
constexpr const char * kHelp =
    "usage: dataengine world [--seed N] [--out DIR] [--seed-counts TYPE=N,...] [--per-type N]\n"
    "                        [--pool N] [--captions N] [--image-size PX]\n"
    "\n"
    "Writes DIR/images/, seed_train.jsonl, dev.jsonl + dev.tsv, test.jsonl + test.tsv, pool.jsonl,\n"
    "captions.jsonl, scenes.jsonl and world.json. Defaults: seed 0, DIR ./world, 300 dev and test\n"
    "questions per type (4 circular copies each), 5000 pool images, 20000 caption scenes.\n";
}  // namespace

int run_world(int argc, char ** argv) {
    if (wants_help(argc, argv, kHelp)) return 0;
    const Args args(argc, argv, {"no-circular"}, {}, {"seed", "out", "seed-counts", "per-type", "pool", "captions", "image-size"});
    dataengine::WorldOptions options;
    options.seed = std::stoull(args.get("seed", "0"));
    if (args.has("seed-counts")) dataengine::apply_seed_counts(options, args.get("seed-counts"));
    if (args.has("per-type")) options.dev_per_type = options.test_per_type = std::stoi(args.get("per-type"));
    if (args.has("pool")) options.pool_images = std::stoi(args.get("pool"));
    if (args.has("captions")) options.caption_images = std::stoi(args.get("captions"));
    if (args.has("image-size")) options.image_size = std::stoi(args.get("image-size"));
    options.circular = !args.has("no-circular");
    const std::string out = args.get("out", "world");
    const dataengine::World world(options);
    world.write(out, ProgressLine("world"));
    std::fprintf(stderr, "world (seed %llu) written to %s\n", static_cast<unsigned long long>(options.seed), out.c_str());
    return 0;
}

}  // namespace cli
