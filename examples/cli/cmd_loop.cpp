// dataengine loop: the closed loop on the embedded world (the README's main command), and
// --compare: strategies at the same budget from the same start, over seeds.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <map>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/loop.hpp"
#include "progress_line.hpp"

namespace cli {

namespace {

constexpr const char * kHelp =
    "usage: dataengine loop [--state DIR] [--world DIR] [--strategy gain|v1|v2|uniform|random] [--rounds N] [--budget N]\n"
    "                       [--world-seed N] [--seed N] [--threads N]\n"
    "                       [--llm-cmd \"PROGRAM ARGS\"] [--llm-timeout SECONDS] [--llm-concurrency N]\n"
    "                       [--compare gain,v1,uniform --seeds N]\n"
    "                       [--seed-steps N] [--round-steps N] [--stage1-steps N] [--dim N] [--scale PERCENT]\n"
    "                       [--no-ipo] [--ipo-batch N] [--ipo-rounds N] [--ipo-each-round] [--mistake-rate X]\n"
    "                       [--verify-answers] [--seed-curve-gains]\n"
    "\n"
    "Runs the closed loop on the embedded world: round 0 trains the built-in model on the seed set\n"
    "(from the world's cached stage-1 model); each round evaluates on dev and test, plans with ABS\n"
    "from the dev report, generates data aimed at the weaknesses, and trains on it. Killed at any\n"
    "point, the same command continues where it stopped. Reports: STATE/report.md, summary.json,\n"
    "accuracy.svg. Defaults: ./dataengine-state, gain-aware ABS, 3 rounds of 1200 samples.\n"
    "Before the first generation IPO tunes the generation prompt (STATE/ipo.json, ipo.md; --no-ipo\n"
    "turns it off). --verify-answers rejects generated answers the scene graph contradicts (an oracle).\n"
    "The gain rule plans round 0 by error alone (no type tried yet); --seed-curve-gains plans it from\n"
    "the seed training's curve (stage 1 -> round 0 on dev), which mostly measures answer-layout learning.\n"
    "--llm-cmd runs PROGRAM (no shell) per request: the request JSON on stdin, the reply on stdout.\n"
    "--compare runs each strategy from the same round 0 per seed (STATE/compare/) and reports test\n"
    "accuracy overall and on the 3 types weakest at round 0 (by dev), mean and range over seeds.\n";

dataengine::LoopOptions loop_options(const Args & args) {
    dataengine::LoopOptions o;
    o.state_dir  = args.get("state", o.state_dir);
    o.world_dir  = args.get("world", "");
    o.strategy   = args.get("strategy", o.strategy);
    o.rounds     = std::stoi(args.get("rounds", std::to_string(o.rounds)));
    o.budget     = std::stoi(args.get("budget", std::to_string(o.budget)));
    o.world_seed = std::stoull(args.get("world-seed", "0"));
    o.seed       = std::stoull(args.get("seed", "0"));
    o.threads    = std::stoi(args.get("threads", "0"));
    o.seed_steps = std::stoi(args.get("seed-steps", std::to_string(o.seed_steps)));
    o.round_steps  = std::stoi(args.get("round-steps", std::to_string(o.round_steps)));
    o.stage1_steps = std::stoi(args.get("stage1-steps", "0"));
    o.model_dim    = std::stoi(args.get("dim", "0"));
    o.world_scale_percent = std::stoi(args.get("scale", "100"));
    o.llm_concurrency     = std::stoi(args.get("llm-concurrency", "1"));
    o.ipo            = !args.has("no-ipo");
    o.ipo_batch      = std::stoi(args.get("ipo-batch", std::to_string(o.ipo_batch)));
    o.ipo_rounds     = std::stoi(args.get("ipo-rounds", std::to_string(o.ipo_rounds)));
    o.ipo_each_round = args.has("ipo-each-round");
    o.mistake_rate   = std::stod(args.get("mistake-rate", fmt::format("{}", o.mistake_rate)));
    o.verify_answers = args.has("verify-answers");
    o.seed_curve_gains = args.has("seed-curve-gains");
    return o;
}

void use_llm_command(dataengine::Loop & loop, const Args & args) {
    if (!args.has("llm-cmd")) return;
    dataengine::CommandOptions c;
    c.argv            = dataengine::split_command_line(args.get("llm-cmd"));
    c.timeout_seconds = std::stod(args.get("llm-timeout", "60"));
    loop.set_backend(std::shared_ptr<dataengine::LlmBackend>(dataengine::command_backend(c)));
}

// "round R test: attribute 77.3 | ... | overall 58.9": the per-round figures, in the form the
// host examples (examples/loop_c, examples/hosts/) print them, so their runs can be compared.
std::string test_figures(const dataengine::RoundRecord & record) {
    std::string line = fmt::format("round {} test:", record.round);
    for (const auto & [type, score] : record.test.by_type) line += fmt::format(" {} {:.1f} |", type, 100 * score.accuracy());
    return line + fmt::format(" overall {:.1f}", 100 * record.test.overall.accuracy());
}

// Runs a loop to the end with a progress line naming round and phase, and each round's test
// figures on stdout as soon as they are known.
void run_loop(dataengine::Loop & loop, const std::string & label) {
    while (loop.phase() != dataengine::LoopPhase::Done) {
        const int  round     = loop.round();
        const bool evaluates = loop.phase() == dataengine::LoopPhase::Evaluate;
        const std::string where = fmt::format("{}round {} {}", label, round, dataengine::loop_phase_name(loop.phase()));
        loop.step_phase(ProgressLine(where));
        std::fprintf(stderr, "%s: done\n", where.c_str());
        if (!evaluates) continue;
        for (const auto & record : loop.records())
            if (record.round == round && record.evaluated) std::printf("%s%s\n", label.c_str(), test_figures(record).c_str());
        std::fflush(stdout);
    }
}

// Mean and range of one figure over seeds.
struct Spread {
    double mean = 0, lo = 0, hi = 0;
};

Spread spread(const std::vector<double> & values) {
    if (values.empty()) return {};
    Spread s{0, values.front(), values.front()};
    for (const double v : values) {
        s.mean += v;
        s.lo = std::min(s.lo, v);
        s.hi = std::max(s.hi, v);
    }
    s.mean /= double(values.size());
    return s;
}

// A Markdown table's header: the leading columns (with their rule), then one right-aligned
// column per strategy.
std::string table_header(const std::string & leading, const std::string & leading_rule, const std::vector<std::string> & strategies) {
    std::string head = leading, rule = leading_rule;
    for (const std::string & s : strategies) {
        head += " " + s + " |";
        rule += "---:|";
    }
    return head + "\n" + rule + "\n";
}

// The per-type view of a comparison: round 0 and each strategy's final test accuracy per type,
// mean and range over seeds — where each strategy's data went and what it bought. Appends the
// same figures to `json` as "by_type".
std::string per_type_table(const std::vector<std::string> & strategies, const std::map<std::string, std::vector<double>> & start,
                           const std::map<std::string, std::map<std::string, std::vector<double>>> & final_by_type,
                           std::string & json) {
    std::string md = "\n## Final test accuracy per type (circular, %; mean, min..max over seeds)\n\n" +
                     table_header("| type | round 0 |", "|---|---:|", strategies);
    json += ",\"by_type\":{";
    bool first = true;
    for (const auto & [type, r0] : start) {
        md += fmt::format("| {} | {:.1f} |", type, 100 * spread(r0).mean);
        json += fmt::format("{}\"{}\":{{\"round0\":{:.4f}", first ? "" : ",", type, spread(r0).mean);
        first = false;
        for (const std::string & s : strategies) {
            const auto by_type = final_by_type.find(s);
            if (by_type == final_by_type.end() || !by_type->second.count(type)) {
                md += " – |";
                continue;
            }
            const Spread v = spread(by_type->second.at(type));
            md += fmt::format(" {:.1f} ({:.1f}..{:.1f}) |", 100 * v.mean, 100 * v.lo, 100 * v.hi);
            json += fmt::format(",\"{}\":{:.4f}", s, v.mean);
        }
        md += "\n";
        json += "}";
    }
    json += "}";
    return md;
}

// The per-seed view: seeds share round 0, so a strategy's difference to the baseline on the same
// seed removes the start's luck that the spread over seeds carries. Baseline: "uniform" if
// compared, else the last strategy. Appends "per_seed" and "paired" to `json`.
std::string paired_table(const std::vector<std::string> & strategies, const std::map<std::string, std::vector<double>> & overall,
                         const std::map<std::string, std::vector<double>> & weakest, std::string & json) {
    const std::string baseline =
        std::find(strategies.begin(), strategies.end(), "uniform") != strategies.end() ? "uniform" : strategies.back();
    const size_t seeds = overall.at(baseline).size();
    std::string md = "\n## Per seed: final test accuracy overall / on the 3 weakest types (circular, %)\n\n" +
                     table_header("| seed |", "|---:|", strategies);
    json += ",\"per_seed\":[";
    for (size_t seed = 0; seed < seeds; ++seed) {
        md += fmt::format("| {} |", seed);
        json += fmt::format("{}{{\"seed\":{}", seed ? "," : "", seed);
        for (const std::string & s : strategies) {
            md += fmt::format(" {:.1f} / {:.1f} |", 100 * overall.at(s)[seed], 100 * weakest.at(s)[seed]);
            json += fmt::format(",\"{}\":{{\"overall\":{:.4f},\"weakest\":{:.4f}}}", s, overall.at(s)[seed], weakest.at(s)[seed]);
        }
        md += "\n";
        json += "}";
    }
    md += fmt::format("| **− {}** (mean, min..max) |", baseline);
    json += fmt::format("],\"paired\":{{\"baseline\":\"{}\"", baseline);
    for (const std::string & s : strategies) {
        std::vector<double> d_overall, d_weakest;
        for (size_t seed = 0; seed < seeds; ++seed) {
            d_overall.push_back(overall.at(s)[seed] - overall.at(baseline)[seed]);
            d_weakest.push_back(weakest.at(s)[seed] - weakest.at(baseline)[seed]);
        }
        const Spread o = spread(d_overall), w = spread(d_weakest);
        md += fmt::format(" {:+.1f} ({:+.1f}..{:+.1f}) / {:+.1f} ({:+.1f}..{:+.1f}) |", 100 * o.mean, 100 * o.lo, 100 * o.hi, 100 * w.mean,
                          100 * w.lo, 100 * w.hi);
        json += fmt::format(",\"{}\":{{\"overall\":{:.4f},\"overall_min\":{:.4f},\"overall_max\":{:.4f},\"weakest\":{:.4f},"
                            "\"weakest_min\":{:.4f},\"weakest_max\":{:.4f}}}",
                            s, o.mean, o.lo, o.hi, w.mean, w.lo, w.hi);
    }
    json += "}";
    return md + "\n";
}

int compare(const Args & args) {
    const dataengine::LoopOptions base = loop_options(args);
    const int seeds = std::stoi(args.get("seeds", "3"));
    std::vector<std::string> strategies;
    for (const std::string & s : dataengine::split(args.get("compare"), ','))
        if (!dataengine::trim(s).empty()) strategies.push_back(dataengine::trim(s));
    if (strategies.empty()) throw dataengine::Error(dataengine::Status::Invalid, "--compare needs strategies, e.g. gain,v1,uniform");
    namespace fs = std::filesystem;
    // Per strategy, one value per seed: final overall, and the mean of the 3 types weakest at round 0.
    std::map<std::string, std::vector<double>> final_overall, final_weakest;
    std::map<std::string, std::vector<double>> start;
    // Final test accuracy per type, by strategy and then type (one value per seed), and at round 0.
    std::map<std::string, std::map<std::string, std::vector<double>>> final_by_type;
    std::map<std::string, std::vector<double>> start_by_type;
    for (int seed = 0; seed < seeds; ++seed) {
        std::string first_dir;
        for (const std::string & strategy : strategies) {
            dataengine::LoopOptions o = base;
            o.strategy  = strategy;
            o.seed      = uint64_t(seed);
            o.world_dir = base.world_dir.empty() ? base.state_dir + "/world" : base.world_dir;
            o.state_dir = fmt::format("{}/compare/seed-{}/{}", base.state_dir, seed, strategy);
            dataengine::Loop loop(o);
            use_llm_command(loop, args);
            const std::string label = fmt::format("seed {} {} ", seed, strategy);
            if (first_dir.empty()) {
                // Round 0 is the same for every strategy of a seed: made once, copied.
                while (loop.round() == 0 && (loop.phase() == dataengine::LoopPhase::Train || loop.phase() == dataengine::LoopPhase::Evaluate))
                    loop.step_phase(ProgressLine(label + "round 0 " + dataengine::loop_phase_name(loop.phase())));
                first_dir = o.state_dir;
            } else if (!fs::exists(o.state_dir + "/round-0/test.json")) {
                fs::create_directories(o.state_dir + "/round-0");
                for (const char * name : {"model", "train.json", "dev.json", "test.json", "stage1_dev.json"})
                    if (fs::exists(first_dir + "/round-0/" + name))
                        fs::copy(first_dir + "/round-0/" + name, o.state_dir + "/round-0/" + name,
                                 fs::copy_options::recursive | fs::copy_options::overwrite_existing);
            }
            run_loop(loop, label);
            const auto records = loop.records();
            const auto & r0 = records.front();
            // The 3 types weakest at round 0 on dev (never chosen by test).
            std::vector<std::pair<double, std::string>> weakest;
            for (const auto & [type, score] : r0.dev.by_type) weakest.emplace_back(score.accuracy(), type);
            std::sort(weakest.begin(), weakest.end());
            weakest.resize(std::min<size_t>(3, weakest.size()));
            auto weak_mean = [&](const dataengine::EvalReport & report) {
                double total = 0;
                for (const auto & [acc, type] : weakest) total += report.by_type.count(type) ? report.by_type.at(type).accuracy() : 0;
                return weakest.empty() ? 0.0 : total / double(weakest.size());
            };
            final_overall[strategy].push_back(records.back().test.overall.accuracy());
            final_weakest[strategy].push_back(weak_mean(records.back().test));
            if (start[strategy].size() < size_t(seed + 1)) start[strategy].push_back(r0.test.overall.accuracy());
            for (const auto & [type, score] : records.back().test.by_type) final_by_type[strategy][type].push_back(score.accuracy());
            if (strategy == strategies.front())
                for (const auto & [type, score] : r0.test.by_type) start_by_type[type].push_back(score.accuracy());
        }
    }
    std::string md = fmt::format("## Strategies at equal budget ({} per round, {} rounds, {} seeds): final test accuracy (circular, %)\n\n"
                                 "| strategy | round 0 overall | overall (mean) | overall (min..max) | 3 weakest types (mean) | weakest (min..max) |\n"
                                 "|---|---:|---:|---:|---:|---:|\n", base.budget, base.rounds, seeds);
    std::string json = "{\"strategies\":[";
    for (size_t i = 0; i < strategies.size(); ++i) {
        const std::string & name = strategies[i];
        const Spread o = spread(final_overall[name]), w = spread(final_weakest[name]);
        md += fmt::format("| {} | {:.1f} | {:.1f} | {:.1f}..{:.1f} | {:.1f} | {:.1f}..{:.1f} |\n", name, 100 * spread(start[name]).mean,
                          100 * o.mean, 100 * o.lo, 100 * o.hi, 100 * w.mean, 100 * w.lo, 100 * w.hi);
        json += fmt::format("{}{{\"strategy\":\"{}\",\"seeds\":{},\"overall\":{:.4f},\"overall_min\":{:.4f},\"overall_max\":{:.4f},"
                            "\"weakest\":{:.4f},\"weakest_min\":{:.4f},\"weakest_max\":{:.4f}}}",
                            i ? "," : "", name, final_overall[name].size(), o.mean, o.lo, o.hi, w.mean, w.lo, w.hi);
    }
    json += "]";
    md += paired_table(strategies, final_overall, final_weakest, json);
    md += per_type_table(strategies, start_by_type, final_by_type, json);
    json += "}\n";
    dataengine::write_file_atomic(base.state_dir + "/compare.md", md);
    dataengine::write_file_atomic(base.state_dir + "/compare.json", json);
    std::fputs(md.c_str(), stdout);
    return 0;
}

}  // namespace

int run_loop(int argc, char ** argv) {
    if (wants_help(argc, argv, kHelp)) return 0;
    const Args args(argc, argv, {"no-ipo", "ipo-each-round", "verify-answers", "seed-curve-gains"}, {},
                    {"ipo-batch", "ipo-rounds", "mistake-rate", "state", "world", "strategy", "rounds", "budget", "world-seed", "seed", "threads", "llm-cmd", "llm-timeout",
                     "llm-concurrency", "compare", "seeds", "seed-steps", "round-steps", "stage1-steps", "dim", "scale"});
    if (args.has("compare")) return compare(args);
    dataengine::Loop loop(loop_options(args));
    use_llm_command(loop, args);
    run_loop(loop, "");
    loop.write_reports();
    const std::string & dir = loop.options().state_dir;
    std::fputs(dataengine::read_file(dir + "/report.md").c_str(), stdout);
    std::printf("\nReports: %s/report.md, %s/summary.json, %s/accuracy.svg\n", dir.c_str(), dir.c_str(), dir.c_str());
    return 0;
}

}  // namespace cli
