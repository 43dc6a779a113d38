// Collecting predictions and turning them into per-question results.
#include <cmath>

#include "dataengine/eval.hpp"

namespace dataengine {

Prediction Prediction::from_text(std::string text) {
    Prediction p;
    p.kind = Kind::Text;
    p.text = std::move(text);
    return p;
}

Prediction Prediction::from_letter(char letter) {
    Prediction p;
    p.kind = Kind::Letter;
    p.text = std::string(1, letter);
    return p;
}

Prediction Prediction::from_scores(std::vector<double> scores) {
    Prediction p;
    p.kind   = Kind::Scores;
    p.scores = std::move(scores);
    return p;
}

Prediction Prediction::from_choice(std::string option_text) {
    Prediction p;
    p.kind = Kind::Choice;
    p.text = std::move(option_text);
    return p;
}

Evaluator::Evaluator(std::shared_ptr<const Dataset> benchmark, EvalOptions options)
    : benchmark_(std::move(benchmark)), options_(std::move(options)) {
    if (!benchmark_) throw Error(Status::Invalid, "Evaluator: no benchmark");
    by_index_.resize(benchmark_->size());
    present_.assign(benchmark_->size(), false);
}

void Evaluator::add(std::string_view id, Prediction prediction) {
    const Sample * sample = benchmark_->find(id);
    if (!sample) throw Error(Status::NotFound, "prediction for unknown question id '" + std::string(id) + "'");
    const size_t index = size_t(sample - &(*benchmark_)[0]);
    if (present_[index]) throw Error(Status::Invalid, "second prediction for question id '" + std::string(id) + "'");
    if (prediction.kind == Prediction::Kind::Scores) {
        if (prediction.scores.size() != sample->options.size())
            throw Error(Status::Invalid, "question '" + sample->id + "': " + std::to_string(prediction.scores.size()) +
                                             " scores for " + std::to_string(sample->options.size()) + " options");
        for (double s : prediction.scores)
            if (std::isnan(s)) throw Error(Status::Invalid, "question '" + sample->id + "': a score is NaN");
    }
    if (prediction.kind == Prediction::Kind::Letter &&
        (prediction.text.size() != 1 || prediction.text[0] < 'A' || prediction.text[0] > 'Z'))
        throw Error(Status::Invalid, "question '" + sample->id + "': letter prediction must be one of A-Z");
    by_index_[index] = std::move(prediction);
    present_[index]  = true;
    ++count_;
}

void Evaluator::add(const PredictionList & predictions) {
    for (const auto & [id, prediction] : predictions) add(id, prediction);
}

namespace {

// Which option a prediction names, and how sure we are that it names one.
Extracted resolve(const Prediction & p, const Sample & s) {
    switch (p.kind) {
        case Prediction::Kind::Text: return extract_option(p.text, s.options);
        case Prediction::Kind::Letter: {
            const int k = p.text[0] - 'A';
            return k < int(s.options.size()) ? Extracted{Extraction::Option, k} : Extracted{};
        }
        case Prediction::Kind::Scores: {
            int best = 0;  // first maximum, so ties resolve the same way everywhere
            for (int k = 1; k < int(p.scores.size()); ++k)
                if (p.scores[k] > p.scores[best]) best = k;
            return {Extraction::Option, best};
        }
        case Prediction::Kind::Choice:
            // A-OKVQA: the prediction string must equal a choice exactly.
            for (int k = 0; k < int(s.options.size()); ++k)
                if (p.text == s.options[k]) return {Extraction::Option, k};
            return {};
    }
    return {};
}

// The official A-OKVQA direct-answer accuracy of one question: min(1, exact matches / 3).
double direct_answer_score(const std::string & answer, const Sample & s) {
    int matches = 0;
    for (const std::string & reference : s.direct_answers) matches += reference == answer;
    return std::min(1.0, matches / 3.0);
}

bool scores_direct_answers(const Sample & s) {
    auto it = s.extra.find("difficult_direct_answer");
    return !s.direct_answers.empty() && !(it != s.extra.end() && it->second == "true");
}

}  // namespace

EvalReport Evaluator::finish() const {
    std::vector<QuestionResult> results;
    bool any_direct = false;
    for (size_t i = 0; i < present_.size(); ++i)
        any_direct |= present_[i] && by_index_[i].has_direct_answer;
    for (size_t i = 0; i < benchmark_->size(); ++i) {
        const Sample & s = (*benchmark_)[i];
        if (!s.has_answer()) continue;
        QuestionResult r;
        r.id          = s.id;
        r.type        = s.type;
        r.parent_type = s.parent_type;
        r.group       = s.circular_group;
        r.rotation    = s.rotation;
        r.answer      = s.answer;
        if (!present_[i]) {
            r.outcome = Outcome::Missing;
        } else {
            const Extracted e = resolve(by_index_[i], s);
            r.predicted = e.option;
            r.outcome   = e.how == Extraction::Refused ? Outcome::Refused
                        : e.how == Extraction::Failed  ? Outcome::Unextracted
                        : e.option == s.answer         ? Outcome::Correct
                                                       : Outcome::Wrong;
        }
        // Direct answers are scored when any prediction carries one; a question without a
        // prediction then scores 0, as in the official script.
        if (any_direct && scores_direct_answers(s))
            r.da_score = present_[i] && by_index_[i].has_direct_answer ? direct_answer_score(by_index_[i].direct_answer, s) : 0.0;
        results.push_back(std::move(r));
    }
    if (results.empty())
        throw Error(Status::Invalid, "benchmark '" + options_.benchmark + "' has no question with an answer to score against");
    return summarize(std::move(results), options_.benchmark, options_.circular);
}

}  // namespace dataengine
