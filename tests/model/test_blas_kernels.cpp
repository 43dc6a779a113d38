// LibTorch's CPU products run on the CPU's own OpenBLAS kernels, and still compute the product.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <torch/torch.h>

#include "dataengine/model.hpp"

using namespace dataengine;

TEST_CASE("built-in models replace OpenBLAS's generic fallback kernels, and products stay right", "[torch][blas]") {
    use_cpu_blas_kernels();
    const std::string kernels = blas_kernels();
    __builtin_cpu_init();
    const bool user_chose = std::getenv("OPENBLAS_CORETYPE") || std::getenv("DATAENGINE_BLAS_KERNELS");
    // On an AVX2 CPU the generic SSE3 set ("Prescott") must not be what runs (empty: not OpenBLAS).
    if (!kernels.empty() && !user_chose && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        REQUIRE(kernels != "Prescott");
    // Calling again changes nothing.
    use_cpu_blas_kernels();
    REQUIRE(blas_kernels() == kernels);

    // A product large enough for the BLAS path, against a double-precision loop.
    torch::manual_seed(3);
    const auto a = torch::randn({96, 130});
    const auto b = torch::randn({130, 70});
    const auto c = torch::mm(a, b);
    const auto a64 = a.to(torch::kDouble), b64 = b.to(torch::kDouble);
    auto reference = torch::zeros({96, 70}, torch::kDouble);
    auto ra = a64.accessor<double, 2>();
    auto rb = b64.accessor<double, 2>();
    auto rc = reference.accessor<double, 2>();
    for (int i = 0; i < 96; ++i)
        for (int j = 0; j < 70; ++j)
            for (int k = 0; k < 130; ++k) rc[i][j] += ra[i][k] * rb[k][j];
    REQUIRE((c.to(torch::kDouble) - reference).abs().max().item<double>() < 1e-3);
}

// Run by ctest with OPENBLAS_CORETYPE=Haswell (cpp.blas_forced): the user's set stays, and on a
// CPU with AVX-512 kernels to offer the library says, once, what the setting costs.
TEST_CASE("a forced OpenBLAS kernel set narrower than the CPU stays, with a warning", "[blas_forced]") {
    const char * forced = std::getenv("OPENBLAS_CORETYPE");
    REQUIRE(forced);  // ctest sets it
    REQUIRE(std::string(forced) == "Haswell");
    std::vector<std::string> warnings;
    set_log_sink([&](LogLevel level, std::string_view message) {
        if (level == LogLevel::Warn) warnings.emplace_back(message);
    });
    use_cpu_blas_kernels();
    use_cpu_blas_kernels();
    set_log_sink({});
    const std::string kernels = blas_kernels();
    if (kernels.empty()) return;  // not OpenBLAS: nothing to hold or warn about
    REQUIRE(kernels == "Haswell");
    __builtin_cpu_init();
    const bool avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                        __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq");
    if (avx512) {
        REQUIRE(warnings.size() == 1);
        REQUIRE(warnings[0].find("OPENBLAS_CORETYPE=Haswell") != std::string::npos);
        REQUIRE(warnings[0].find("SkylakeX") != std::string::npos);
    } else {
        REQUIRE(warnings.empty());
    }
}
