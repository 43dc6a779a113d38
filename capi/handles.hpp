// Internal to capi/: what the opaque handles of dataengine.h hold.
#pragma once
#include <memory>

#include "dataengine/data.hpp"
#include "dataengine/eval.hpp"

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
