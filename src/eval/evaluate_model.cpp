// A model's answers, judged.
#include "dataengine/eval.hpp"

namespace dataengine {

EvalReport evaluate_model(Model & model, std::shared_ptr<const Dataset> benchmark, const EvalOptions & options,
                          const ScoreOptions & score_options, const ProgressCallback & progress) {
    if (!benchmark) throw Error(Status::Invalid, "evaluate_model: no benchmark");
    std::vector<size_t> indices;
    for (size_t i = 0; i < benchmark->size(); ++i)
        if ((*benchmark)[i].has_answer()) indices.push_back(i);
    const auto scores = model.score(*benchmark, indices, score_options, progress);
    Evaluator  evaluator(benchmark, options);
    for (size_t i = 0; i < indices.size(); ++i)
        evaluator.add((*benchmark)[indices[i]].id, Prediction::from_scores(scores[i]));
    return evaluator.finish();
}

}  // namespace dataengine
