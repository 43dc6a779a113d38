// Internal to capi/: what the opaque handles of dataengine.h hold.
#pragma once
#include <memory>

#include "dataengine/abs.hpp"
#include "dataengine/data.hpp"
#include "dataengine/gen.hpp"
#include "dataengine/ipo.hpp"
#include "dataengine/loop.hpp"
#include "dataengine/eval.hpp"
#include "dataengine/model.hpp"
#include "dataengine/world.hpp"

struct de_dataset {
    std::shared_ptr<const dataengine::Dataset> impl;
    dataengine::ReadReport                     read_report;
};

struct de_evaluator {
    dataengine::Evaluator impl;
};

struct de_report {
    dataengine::EvalReport impl;
};

struct de_world {
    dataengine::World impl;
};

struct de_model {
    std::unique_ptr<dataengine::Model> impl;
};

struct de_pool {
    dataengine::ImagePool impl;
};

struct de_plan {
    dataengine::GenerationPlan impl;
};

struct de_generation {
    dataengine::GenerationResult impl;
};

struct de_llm_reply {
    std::string text;
    bool        set = false;
};

struct de_loop {
    std::unique_ptr<dataengine::Loop> impl;
};

struct de_ipo {
    std::unique_ptr<dataengine::PromptOptimizer> impl;
    std::shared_ptr<const dataengine::Dataset>   examples;  // kept alive with the optimizer
    std::unique_ptr<dataengine::LlmBackend>      generator, rewriter;
    std::unique_ptr<dataengine::Reviewer>        reviewer;
    dataengine::IpoSources                       sources;
};

struct de_verdict {
    dataengine::Verdict verdict;
    bool                set = false;
};

namespace dataengine::capi {
// The host's C LLM callback as a backend (capi/engine.cpp): for de_generate, the loop and IPO.
std::unique_ptr<LlmBackend> callback_backend(de_llm_fn llm, void * user_data);
// de_gen_options as a backend and generator options (capi/engine.cpp). check_backend_options
// returns what is missing ("" when nothing); world may be null unless the backend is the world's.
std::string                 check_backend_options(const de_gen_options * options, const char * function);
std::unique_ptr<LlmBackend> generator_backend(const de_gen_options * options, const std::shared_ptr<const World> & world);
GeneratorOptions            generator_options(const de_gen_options * options);
// TrainOptions written into a de_train_options, field by field up to its struct_size (capi/model.cpp).
void                        write_train_options(const TrainOptions & t, de_train_options * o);
// The host's C reviewer callback as a Reviewer (capi/ipo.cpp).
std::unique_ptr<Reviewer>   callback_reviewer(de_review_fn reviewer, void * user_data);
}  // namespace dataengine::capi
