// Internal to capi/: what the opaque handles of dataengine.h hold.
#pragma once
#include <memory>

#include "dataengine/abs.hpp"
#include "dataengine/data.hpp"
#include "dataengine/gen.hpp"
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

namespace dataengine::capi {
// The host's C LLM callback as a backend (capi/engine.cpp): for de_generate and the loop.
std::unique_ptr<LlmBackend> callback_backend(de_llm_fn llm, void * user_data);
}  // namespace dataengine::capi
