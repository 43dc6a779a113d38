// include/dataengine/eval.hpp: scoring a model's predictions on a benchmark (DESIGN §4.2).
//
// Predictions come as free text (answers extracted with VLMEvalKit's exact-matching rules), as an
// option letter, as per-option scores (argmax), or as the chosen option's text (A-OKVQA MC).
// Scoring is vanilla or circular (a question counts only if every circular copy is right), and is
// reported overall, per question type and per parent type, with the bad cases per type.
// A-OKVQA's MC and DA accuracies and SEED-Bench's micro accuracy follow the official scripts.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dataengine/core.hpp"
#include "dataengine/data.hpp"
#include "dataengine/model.hpp"

namespace dataengine {

// ---------------------------------------------------------------------------------------------
// Answer extraction

enum class Extraction { Option, Refused, Failed };

struct Extracted {
    Extraction how    = Extraction::Failed;
    int        option = -1;  // index into options when how == Option
};

// VLMEvalKit's rule-based can_infer, exact-matching mode (no LLM judge):
//  1. a refusal phrase ("Cannot determine the answer", ...) -> Refused;
//  2. replace each of .()[],:;!*#{} by a space and split on white space; if exactly one option
//     letter appears as a whole token and it stands among the last 4 tokens -> that option; if
//     none appears and "Z" does -> Refused;
//  3. else, if exactly one option's text (case-insensitive) occurs in the answer -> that option;
//  4. else Failed.
Extracted extract_option(std::string_view answer, const std::vector<std::string> & options);

// ---------------------------------------------------------------------------------------------
// Predictions

struct Prediction {
    enum class Kind { Text, Letter, Scores, Choice };
    Kind                kind = Kind::Text;
    std::string         text;           // Text: free text; Letter: "B"; Choice: an option's text
    std::vector<double> scores;         // Scores: one per option (e.g. log-likelihoods)
    std::string         direct_answer;  // optional free-form answer (A-OKVQA DA)
    bool                has_direct_answer = false;

    static Prediction from_text(std::string text);
    static Prediction from_letter(char letter);
    static Prediction from_scores(std::vector<double> scores);
    static Prediction from_choice(std::string option_text);
};

using PredictionList = std::vector<std::pair<std::string, Prediction>>;  // (sample id, prediction)

// Reads a predictions file in the form each benchmark's tools write (see `dataengine eval`):
//   mmbench: TSV with "index" and "prediction" columns (VLMEvalKit), or JSONL {"index", "prediction"}
//   aokvqa:  {question_id: {"multiple_choice": text, "direct_answer": text}}
//   seed:    JSONL {"question_id", "prediction"}
//   jsonl:   JSONL {"id", "prediction"} or {"id", "scores": [...]} (or "letter")
// Throws Error(Format) naming the file, line and problem.
PredictionList read_predictions(const std::string & path, Format benchmark_format);
PredictionList parse_predictions(std::string_view content, Format benchmark_format, const std::string & source);

// ---------------------------------------------------------------------------------------------
// Reports

struct Score {
    int64_t n = 0, correct = 0;
    double  accuracy() const { return n == 0 ? 0.0 : double(correct) / double(n); }
    bool operator==(const Score & o) const { return n == o.n && correct == o.correct; }
};

enum class Outcome { Correct, Wrong, Unextracted, Refused, Missing };
const char * outcome_name(Outcome outcome);  // "correct", "wrong", "unextracted", "refused", "missing"

// One benchmark question and what became of it: enough to recompute every figure, so that
// reports of disjoint shards merge into exactly the unsharded report.
struct QuestionResult {
    std::string id, type, parent_type, group;
    int         rotation  = 0;
    int         answer    = kNoAnswer;
    int         predicted = -1;
    Outcome     outcome   = Outcome::Missing;
    double      da_score  = -1;  // A-OKVQA direct-answer accuracy of this question, -1: not scored
    bool operator==(const QuestionResult & o) const;
};

struct EvalReport {
    std::string benchmark;
    bool        circular = false;
    Score       overall;                          // circular: over question groups
    std::map<std::string, Score> by_type;         // "" holds questions without a type
    std::map<std::string, Score> by_parent_type;  // only questions with a parent type
    std::map<std::string, double> metrics;        // e.g. "vanilla_accuracy", "aokvqa_mc", "aokvqa_da"
    int64_t unextracted = 0, refused = 0, missing = 0;  // counted per question (not per group)
    std::map<std::string, std::vector<std::string>> bad_cases;  // type -> ids answered wrongly
    std::vector<QuestionResult> results;          // sorted by id (natural order)
    bool operator==(const EvalReport & o) const;
};

// Recomputes every figure of a report from its results (used by finish and merge).
EvalReport summarize(std::vector<QuestionResult> results, std::string benchmark, bool circular);

// Reports of disjoint shards of one benchmark -> the report of the whole. Throws Error(Invalid)
// when a question appears twice or the shards disagree on circular scoring.
EvalReport merge_reports(const std::vector<EvalReport> & shards);

// {"benchmark", "circular", "overall": {"n", "correct", "accuracy"}, "by_type": {...},
//  "by_parent_type": {...}, "metrics": {...}, "unextracted", "refused", "missing",
//  "bad_cases": {type: [ids]}, "results": [...]}. Accuracies are fractions in [0, 1].
std::string to_json(const EvalReport & report);
// Throws Error(Format) when `json` is not a report written by to_json.
EvalReport  report_from_json(std::string_view json, const std::string & source = "report");
std::string to_markdown(const EvalReport & report);

// ---------------------------------------------------------------------------------------------
// The evaluator

struct EvalOptions {
    bool        circular = false;  // score circular groups as one question each
    std::string benchmark;         // a name for the report
};

// Collects predictions for one benchmark, then scores them. The benchmark is shared, not copied.
// Not thread-safe: feed it from one thread (finish() is const and may run concurrently with
// nothing else writing).
class Evaluator {
public:
    Evaluator(std::shared_ptr<const Dataset> benchmark, EvalOptions options = {});

    // Throws Error(NotFound) for an id not in the benchmark, Error(Invalid) for a second
    // prediction of the same id or a prediction that does not fit the question (a score
    // vector of the wrong length, a letter outside A-Z).
    void add(std::string_view id, Prediction prediction);
    void add(const PredictionList & predictions);

    size_t predictions() const { return count_; }
    const Dataset & benchmark() const { return *benchmark_; }

    // Scores every question with an answer; questions without a prediction count as wrong
    // ("missing"). Throws Error(Invalid) if no question of the benchmark has an answer.
    EvalReport finish() const;

private:
    std::shared_ptr<const Dataset> benchmark_;
    EvalOptions                    options_;
    std::vector<Prediction>        by_index_;   // parallel to the benchmark's samples
    std::vector<bool>              present_;
    size_t                         count_ = 0;
};

// Scores every question of `benchmark` with `model` (each image encoded once) and evaluates
// the option scores: the model answers, the evaluator judges.
EvalReport evaluate_model(Model & model, std::shared_ptr<const Dataset> benchmark, const EvalOptions & options = {},
                          const ScoreOptions & score_options = {}, const ProgressCallback & progress = {});

// Natural order: digit runs compare as numbers ("q2" < "q10"); used for ids in reports.
bool natural_less(std::string_view a, std::string_view b);

}  // namespace dataengine
