// The model entry points of a build without LibTorch (DE_WITH_TORCH=OFF, as the sanitizer
// build is): everything else of the library works; asking for the built-in model is an error.
#include "dataengine/model.hpp"

namespace dataengine {
namespace {
[[noreturn]] void unavailable() {
    throw Error(Status::Unsupported, "this build of dataengine has no LibTorch (configured with DE_WITH_TORCH=OFF)");
}
}  // namespace

std::string            compute_device() { return "none"; }
std::unique_ptr<Model> create_builtin_model(const ModelConfig &, Tokenizer) { unavailable(); }
std::unique_ptr<Model> load_model(const std::string &) { unavailable(); }
double                 measure_sgemm_flops(int, int, int) { unavailable(); }
int                    builtin_model_format() { unavailable(); }

}  // namespace dataengine
