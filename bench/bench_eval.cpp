// Evaluator throughput: predictions/s for free text (answer extraction), letters and scores,
// vanilla and circular. One JSON object per measurement on stdout.
#include <fmt/format.h>

#include <cstdio>

#include "dataengine/eval.hpp"
#include "synthetic.hpp"

using namespace dataengine;
using synthetic::seconds_since;

namespace {

constexpr size_t kQuestions = 200'000;  // circular: 50 000 groups of 4 copies
constexpr int    kRepeats   = 3;

PredictionList make_predictions(const Dataset & bench, const char * kind, uint64_t seed) {
    Rng            rng(seed);
    PredictionList out;
    out.reserve(bench.size());
    for (const Sample & s : bench.samples()) {
        const int guess = rng.uniform() < 0.7 ? s.answer : int(rng.below(4));
        const std::string kind_name = kind;
        if (kind_name == "text")
            out.emplace_back(s.id, Prediction::from_text("Looking at the image, the answer is (" + std::string(1, option_letter(guess)) +
                                                         ") " + s.options[size_t(guess)] + "."));
        else if (kind_name == "letter")
            out.emplace_back(s.id, Prediction::from_letter(option_letter(guess)));
        else {
            std::vector<double> scores(4, -3.0);
            scores[size_t(guess)] = -0.5;
            out.emplace_back(s.id, Prediction::from_scores(std::move(scores)));
        }
    }
    return out;
}

}  // namespace

int main() {
    std::fprintf(stderr, "bench_eval: %zu questions\n", kQuestions);
    auto bench = std::make_shared<const Dataset>(synthetic::questions(kQuestions, 3, /*circular=*/true));
    for (const char * kind : {"text", "letter", "scores"}) {
        const PredictionList predictions = make_predictions(*bench, kind, 5);
        for (bool circular : {false, true})
            for (int rep = 0; rep < kRepeats; ++rep) {
                const auto t0 = std::chrono::steady_clock::now();
                Evaluator  ev(bench, {circular, "bench"});
                ev.add(predictions);
                const EvalReport report = ev.finish();
                const double     s      = seconds_since(t0);
                fmt::print("{{\"bench\":\"eval.finish\",\"kind\":\"{}\",\"circular\":{},\"rep\":{},\"predictions\":{},"
                           "\"seconds\":{:.4f},\"predictions_per_s\":{:.0f},\"accuracy\":{:.4f}}}\n",
                           kind, circular, rep, predictions.size(), s, double(predictions.size()) / s,
                           report.overall.accuracy());
            }
    }
}
