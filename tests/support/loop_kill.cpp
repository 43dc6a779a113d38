// A loop that kills itself with SIGKILL in the middle of a chosen phase (for the resume test):
//   loop_kill STATE WORLD PHASE ROUND    PHASE: train, evaluate, plan, generate, or none (run to the end)
// The loop's settings are tiny and fixed, so that every run on STATE is the same loop.
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <string>

#include "dataengine/loop.hpp"

int main(int argc, char ** argv) {
    if (argc != 5 && argc != 6) {
        std::fprintf(stderr, "usage: loop_kill STATE WORLD PHASE ROUND [THREADS]\n");
        return 2;
    }
    dataengine::LoopOptions o;
    o.state_dir    = argv[1];
    o.world_dir    = argv[2];
    o.world_scale_percent = 3;
    o.stage1_steps = 20;
    o.model_dim    = 32;
    o.seed_steps   = 24;   // checkpoints every 10 steps: a kill at step 15 resumes from 10
    o.round_steps  = 24;
    o.checkpoint_every = 10;
    o.batch_size   = 16;
    o.threads      = argc == 6 ? std::stoi(argv[5]) : 1;  // 1: bit-identical floats (see loop.hpp)
    o.rounds       = 2;
    o.budget       = 60;
    o.mistake_rate = 0.3;
    o.ipo_batch    = 12;   // IPO runs (and is killed and resumed) inside round 0's generation
    o.ipo_rounds   = 2;
    o.ipo_each_round = std::getenv("DE_IPO_EACH_ROUND") != nullptr;  // a short IPO pass before each later generation
    const std::string kill_phase = argv[3];
    const int         kill_round = std::stoi(argv[4]);
    try {
        dataengine::Loop loop(o);
        while (loop.phase() != dataengine::LoopPhase::Done) {
            const std::string phase = dataengine::loop_phase_name(loop.phase());
            // "review": in the generate phase, while IPO's reviewer is at work (round 0).
            const bool target = (phase == kill_phase || (kill_phase == "review" && phase == "generate")) && loop.round() == kill_round;
            loop.step_phase([&](const dataengine::ProgressEvent & e) {
                // Mid-phase: past the last training checkpoint, after the dev report, during the
                // embeddings, or after the replies were journaled.
                const bool now = (phase == "train" && std::string(e.phase) == "train" && e.done >= 15) || (phase == "evaluate" && std::string(e.phase) != "train" && e.done * 2 >= e.total && e.total > 0) ||
                                 (phase == "plan" && std::string(e.phase) == "embed" && e.done >= 1) ||
                                 (kill_phase == "review" && std::string(e.phase) == "review" && e.done >= 3) ||
                                 (kill_phase == "generate" && std::string(e.phase) == "generate" && e.done >= 1);
                if (target && now) {
                    std::fprintf(stderr, "loop_kill: SIGKILL in round %d %s (%s %lld/%lld)\n", kill_round, phase.c_str(),
                                 std::string(e.phase).c_str(), static_cast<long long>(e.done), static_cast<long long>(e.total));
                    std::fflush(stderr);
                    std::raise(SIGKILL);
                }
                return true;
            });
        }
    } catch (const std::exception & e) {
        std::fprintf(stderr, "loop_kill: %s\n", e.what());
        return 1;
    }
    return 0;
}
