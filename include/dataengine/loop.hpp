// include/dataengine/loop.hpp: the closed loop on a state directory (DESIGN §4.6).
//
// Round r: train (round 0: the seed set from the stage-1 checkpoint; later rounds: continue the
// previous round's model on the seed set plus every sample accepted in rounds < r), evaluate on
// dev (for ABS) and test (for reporting), plan with ABS, generate. The last round stops after
// evaluating. Each phase writes its result atomically into STATE/round-R/; a loop killed at any
// point (SIGKILL included) continues where it stopped when opened again on the same directory,
// without losing or duplicating generated data: replies are journaled as they arrive, training
// resumes from its last checkpoint, and a finished phase is never run twice. With one LibTorch
// thread a resumed loop is bit-identical to an uninterrupted one; with several, float sums may
// differ in their last bits (plans round similarities to 6 decimals; the data came out identical
// in every run checked).
//
//   STATE/loop.json                the settings (a reopened loop must match them)
//   STATE/world/                   the embedded world (and its cached stage-1 model)
//   STATE/round-R/train.json       the training mix
//   STATE/round-R/model/           the checkpoint
//   STATE/round-R/dev.json, test.json      evaluator reports
//   STATE/round-R/plan.json        the ABS plan;  prompt.json: the prompt version used
//   STATE/round-R/gains.json       the gain rule's measurements the plan used (gain rule only)
//   STATE/round-R/replies.jsonl    the journal of LLM replies
//   STATE/round-R/generated.jsonl  accepted samples; rejections.json: counts by reason
//   STATE/ipo.json, ipo.md, ipo.svg   prompt optimisation (before round 0's generation)
//   STATE/summary.json, report.md, accuracy.svg
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "dataengine/abs.hpp"
#include "dataengine/core.hpp"
#include "dataengine/eval.hpp"
#include "dataengine/gen.hpp"
#include "dataengine/ipo.hpp"

namespace dataengine {

struct LoopOptions {
    std::string state_dir = "dataengine-state";
    uint64_t    world_seed = 0;    // the embedded world
    std::string world_dir;         // where it is (written if missing); default STATE/world
    std::string strategy = "gain"; // an AbsOptions preset: gain, v1, v2, uniform, random
    int         rounds   = 3;      // rounds after round 0
    int         budget   = 1200;   // samples planned per round
    int         seed_steps  = 600; // round 0: stage 2 on the seed set
    int         round_steps = 250; // later rounds: continued training (250 keeps the default loop within 15 minutes on 2 cores)
    double      seed_learning_rate  = 1e-3;
    double      round_learning_rate = 5e-4;
    double      mistake_rate = 0.35; // the offline generator's share of flawed replies under a prompt that
                                     // warns against nothing (IPO's instructions lower it)
    // IPO (DESIGN §4.5): tune the generation prompt before the first generation, reviewed by the
    // world's simulated reviewer (or the host's, set_reviewer); its state is STATE/ipo.json.
    bool        ipo            = true;
    int         ipo_batch      = 40;
    int         ipo_rounds     = 6;
    double      ipo_target     = 0.9;
    bool        ipo_each_round = false;  // one more short IPO pass (half batch, 2 rounds) before each later generation
    // Reject generated answers that the world's scene graph contradicts: an oracle that no real
    // LLM set-up has, off by default (the accepted data's correctness is measured either way).
    bool        verify_answers = false;
    // The gain rule's first plan: by default every type counts as untried (weights by error
    // alone), because the seed training's own curve, stage 1 -> round 0 on dev, mostly measures
    // the model learning the answer layout (counting 16 -> 82 %, interaction 17 -> 40 % in the
    // default world) rather than what more data of a type buys. True: plan round 0 from that curve.
    bool        seed_curve_gains = false;
    uint64_t    seed    = 0;       // training order, ABS and generation
    int         threads = 0;       // LibTorch threads; 0: all cores
    int         stage1_steps = 0;  // 0: PretrainOptions' default (tests use fewer)
    int         model_dim    = 0;  // 0: ModelConfig's default (tests use smaller)
    int         world_scale_percent = 100;  // splits and pool sizes, in % (tests use fewer)
    int         batch_size = 64;   // training batch (stage 2 and rounds)
    int         checkpoint_every = 50;  // training steps between checkpoints (a kill loses fewer)
    int         llm_concurrency = 1;  // generation requests in flight (does not change the data)
};

enum class LoopPhase { Train, Evaluate, Plan, Generate, Done };
const char * loop_phase_name(LoopPhase phase);  // "train", "evaluate", "plan", "generate", "done"

struct RoundRecord {
    int                        round = 0;
    EvalReport                 dev, test;
    bool                       generated = false;   // this round generated data (all but the last)
    std::map<std::string, int> added_by_type;       // accepted in this round (trains round + 1)
    std::map<std::string, int> rejected_by_reason;
    // The accepted samples checked against the world's scene graphs: "correct", "wrong" and
    // "unknown" (not a world image, or a question the world cannot answer).
    std::map<std::string, int> verified;
    std::string                prompt_version;      // of the prompt this round generated with
    bool                       evaluated = false;
};

// One loop on one state directory. Not thread-safe; one process per directory.
class Loop {
public:
    // Creates the state directory (and the world) or reopens it; throws Error(Invalid) when
    // STATE/loop.json holds other settings.
    explicit Loop(LoopOptions options);
    ~Loop();
    Loop(const Loop &) = delete;
    Loop & operator=(const Loop &) = delete;

    const LoopOptions & options() const;
    int       round() const;  // the round of the next phase
    LoopPhase phase() const;  // the next phase; Done when finished

    // Runs the next phase. Returns false when the loop was already done. Progress phases are
    // "pretrain", "train", "evaluate dev", "evaluate test", "embed", "generate", "review".
    bool step_phase(const ProgressCallback & progress = {});
    void step_round(const ProgressCallback & progress = {});  // to the start of the next round
    void run(const ProgressCallback & progress = {});

    // The generator: the offline world by default; a host may set its own (before generating).
    void set_backend(std::shared_ptr<LlmBackend> backend);
    // IPO's reviewer and rewriter: the world's simulated reviewer and offline rewriter by default.
    void set_reviewer(std::shared_ptr<Reviewer> reviewer);
    void set_rewriter(std::shared_ptr<LlmBackend> rewriter);

    std::vector<RoundRecord> records() const;  // what the state directory holds so far
    // {"rounds": [{"round", "dev", "test", "added_by_type", "rejected_by_reason"}]}, reports in
    // the evaluator's JSON form. Also written to STATE/summary.json after every round.
    std::string summary_json() const;
    void        write_reports() const;  // summary.json, report.md, accuracy.svg

private:
    struct State;
    std::unique_ptr<State> state_;
};

// Per-type accuracy by round as Markdown, and as an SVG line chart (one labelled line per type).
std::string loop_report_markdown(const std::vector<RoundRecord> & rounds);
std::string loop_accuracy_svg(const std::vector<RoundRecord> & rounds);

}  // namespace dataengine
