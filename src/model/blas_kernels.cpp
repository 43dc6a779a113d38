// Makes LibTorch's matrix products run on the CPU's own OpenBLAS kernels.
//
// Why: Debian 12's OpenBLAS (0.3.21, built for every x86 core) picks its kernels by CPU model
// number, and falls back to its generic SSE3 set ("Prescott") on models it does not know — Xeons
// newer than it, such as Emerald Rapids (family 6, model 207). There a 1024^3 SGEMM ran at 27
// GFLOP/s instead of 164 with the AVX-512 ("SkylakeX") kernels.
// OpenBLAS reads OPENBLAS_CORETYPE only while it loads, before main; its exported dynamic-arch
// entry points let us redo that choice once, from the CPU's features, before our first product.
#include <dlfcn.h>

#include <cstdlib>
#include <mutex>
#include <string>

#include "dataengine/core.hpp"
#include "dataengine/model.hpp"

namespace dataengine {
namespace {

using CoreName = char * (*)();
using Hook     = void (*)();

template <typename F>
F openblas_symbol(const char * name) {
    return reinterpret_cast<F>(dlsym(RTLD_DEFAULT, name));
}

std::string current_core() {
    const auto name = openblas_symbol<CoreName>("gotoblas_corename");
    const char * core = name ? name() : nullptr;
    return core ? core : "";
}

// OpenBLAS's kernel sets by the widest vectors they use (core names as gotoblas_corename spells
// them): 2 AVX-512, 1 AVX2 with FMA, 0 anything older.
int vector_width_rank(const std::string & core) {
    for (const char * wide : {"SkylakeX", "Cooperlake", "SapphireRapids"})
        if (core == wide) return 2;
    for (const char * avx2 : {"Haswell", "Zen"})
        if (core == avx2) return 1;
    return 0;
}

// The best kernel set this OpenBLAS carries for the CPU's features, or "" to keep its choice.
// GCC's feature test also checks that the OS saves the wide registers.
std::string kernels_for_this_cpu() {
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (avx512 && openblas_symbol<void *>("gotoblas_SKYLAKEX")) return "SkylakeX";
    const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (avx2 && openblas_symbol<void *>("gotoblas_HASWELL")) return "Haswell";
    return "";
}

void choose_kernels() {
    // The user's own choice, made the way OpenBLAS documents, stands; so does an explicit "keep".
    // A forced set narrower than the CPU is worth a warning: a machine image may set it for every
    // user, and on an AMD Zen 5 OPENBLAS_CORETYPE=Haswell made stage-2 training 1.6x slower.
    if (const char * forced = std::getenv("OPENBLAS_CORETYPE")) {
        const std::string running = current_core(), best = kernels_for_this_cpu();
        if (!running.empty() && vector_width_rank(running) < vector_width_rank(best))
            log(LogLevel::Warn, "OPENBLAS_CORETYPE=" + std::string(forced) + " holds OpenBLAS to its " + running +
                                    " kernels on a CPU that runs its " + best +
                                    " ones: matrix products are slower (unset it to let OpenBLAS and dataengine choose)");
        return;
    }
    if (const char * keep = std::getenv("DATAENGINE_BLAS_KERNELS"); keep && std::string(keep) == "keep") return;
    const std::string chosen = current_core();
    // Only the generic fallback is replaced: a core OpenBLAS recognised keeps its tuned kernels.
    if (chosen != "Prescott") return;
    const std::string better = kernels_for_this_cpu();
    const auto quit = openblas_symbol<Hook>("gotoblas_dynamic_quit");
    const auto init = openblas_symbol<Hook>("gotoblas_dynamic_init");
    if (better.empty() || !quit || !init) return;
    setenv("OPENBLAS_CORETYPE", better.c_str(), 1);
    quit();
    init();
    unsetenv("OPENBLAS_CORETYPE");
    log(LogLevel::Debug, "OpenBLAS chose its generic kernels (" + chosen + ") for this CPU; using its " + current_core() +
                             " kernels (DATAENGINE_BLAS_KERNELS=keep leaves them)");
}

}  // namespace

void use_cpu_blas_kernels() {
    static std::once_flag once;
    std::call_once(once, choose_kernels);
}

std::string blas_kernels() { return current_core(); }

}  // namespace dataengine
