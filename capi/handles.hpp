// Internal to capi/: what the opaque handles of dataengine.h hold.
#pragma once
#include <memory>

#include "dataengine/data.hpp"
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
