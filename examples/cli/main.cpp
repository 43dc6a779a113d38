// dataengine: the command-line face of the library.
#include <cstdio>
#include <cstring>
#include <stdexcept>
#if defined(__GLIBC__)
#include <malloc.h>
#endif

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

// LibTorch's CPU tensors come straight from malloc, and a training step allocates and frees tens
// of megabytes. glibc hands large freed blocks back to the kernel (munmap, heap trimming) and
// the next step faults them in again: 120 stage-2 steps on 2 cores made 2.45 M minor page faults
// and spent 22 s in the kernel, 77.8 s in all. Keeping freed memory in the process: 0.31 M
// faults, 6 s, 68.2 s. A program's choice, not the library's, so it is made here (hosts can set
// GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=1073741824).
void keep_freed_memory() {
#if defined(__GLIBC__)
    mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's largest; blocks below it come from the heap
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
#endif
}

}  // namespace

int main(int argc, char ** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h")) {
        std::fputs(kUsage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    keep_freed_memory();
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
