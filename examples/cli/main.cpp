// dataengine: the command-line face of the library.
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "commands.hpp"
#include "dataengine/core.hpp"

namespace {

constexpr const char * kUsage =
    "usage: dataengine <command> [options]\n"
    "\n"
    "commands:\n"
    "  eval      score predictions (or a model's answers) on a benchmark, per type\n"
    "  convert   convert a dataset between formats (jsonl, mmbench, aokvqa, seed, llava)\n"
    "  world     write the embedded procedural world (images, questions, splits)\n"
    "  pretrain  stage 1 of the built-in MLLM on a world's captions (cached)\n"
    "  train     stage 2: instruction tuning on question files\n"
    "  learnability  does each question type improve with more of its own data?\n"
    "  loop          the closed loop: evaluate, plan (ABS), generate, train, by rounds\n"
    "  ipo           improve the generation prompt by rounds of review and rewriting\n"
    "\n"
    "Run 'dataengine <command> --help' for its options.\n";

}  // namespace

int main(int argc, char ** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    try {
        if (command == "eval") return cli::run_eval(argc - 2, argv + 2);
        if (command == "convert") return cli::run_convert(argc - 2, argv + 2);
        if (command == "world") return cli::run_world(argc - 2, argv + 2);
        if (command == "pretrain") return cli::run_pretrain(argc - 2, argv + 2);
        if (command == "train") return cli::run_train(argc - 2, argv + 2);
        if (command == "learnability") return cli::run_learnability(argc - 2, argv + 2);
        if (command == "loop") return cli::run_loop(argc - 2, argv + 2);
        if (command == "ipo") return cli::run_ipo(argc - 2, argv + 2);
        std::fprintf(stderr, "dataengine: unknown command '%s'\n\n%s", command.c_str(), kUsage);
        return 2;
    } catch (const std::invalid_argument & e) {
        std::fprintf(stderr, "dataengine %s: %s (see 'dataengine %s --help')\n", command.c_str(), e.what(), command.c_str());
        return 2;
    } catch (const dataengine::Error & e) {
        std::fprintf(stderr, "dataengine %s: error: %s\n", command.c_str(), e.what());
        return 1;
    } catch (const std::exception & e) {
        std::fprintf(stderr, "dataengine %s: internal error: %s\n", command.c_str(), e.what());
        return 1;
    }
}
