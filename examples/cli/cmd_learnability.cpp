// dataengine learnability: does each question type improve when given more of its own data?
// The gate of DESIGN §5 before any data engine can help: per seed, train the seed model M0, then
// continue M0 for the same number of steps on the seed set alone (control) and on the seed set
// plus BOOST x that type's seed count of new questions of one type; compare test accuracy.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/eval.hpp"
#include "dataengine/model.hpp"
#include "dataengine/world.hpp"
#include "model_flags.hpp"
#include "progress_line.hpp"

namespace cli {

namespace {

constexpr const char * kHelp =
    "usage: dataengine learnability --world DIR [--seeds N] [--stage2-steps N] [--continue-steps N]\n"
    "                               [--continue-lr X] [--boost X] [--types a,b,...] [--out DIR] [--threads N]\n"
    "                               [--pretrain-steps N] [--report-only] [model shape]\n"
    "\n"
    "Per seed: M0 = stage 1 (cached) + stage 2 on the seed set; then M0 continued on the seed set\n"
    "(control) and on the seed set plus BOOST x the type's seed count of new questions of that type.\n"
    "Reports circular test accuracy per type, the gain over the control, mean and spread over seeds.\n"
    "A type's arm is evaluated on that type's test questions only (the control on all of them).\n"
    "Runs already done (OUT/runs.jsonl) are not repeated. Defaults: 3 seeds, 600 + 300 steps,\n"
    "continuation learning rate 5e-4, boost 3. The gate of DESIGN 5: a type passes when its mean gain\n"
    "over the seeds is at least 8 points. --report-only trains nothing: it summarises the runs done so\n"
    "far (a type's mean over the seeds where its arm and the control are both done).\n";

// DESIGN 5's bar: extra data of a type must buy this many test points over the control.
constexpr double kGatePoints = 8.0;

struct RunKey {
    int         seed;
    std::string arm;  // "control" or a type name
    bool operator<(const RunKey & o) const { return std::tie(seed, arm) < std::tie(o.seed, o.arm); }
};

// Reads back the per-type accuracies of finished runs (one JSON object per line).
std::map<RunKey, std::map<std::string, double>> load_runs(const std::string & path) {
    std::map<RunKey, std::map<std::string, double>> runs;
    if (!dataengine::file_exists(path)) return runs;
    for (const std::string & line : dataengine::split(dataengine::read_file(path), '\n')) {
        if (dataengine::trim(line).empty()) continue;
        // {"seed": S, "arm": "...", "report": {...}}: the report is the evaluator's JSON.
        const size_t report_at = line.find("\"report\":");
        const int    seed      = std::stoi(line.substr(line.find("\"seed\":") + 7));
        const size_t arm_at    = line.find("\"arm\":\"") + 7;
        const std::string arm  = line.substr(arm_at, line.find('"', arm_at) - arm_at);
        const auto report = dataengine::report_from_json(line.substr(report_at + 9, line.size() - report_at - 10), path);
        auto & by_type = runs[{seed, arm}];
        for (const auto & [type, score] : report.by_type) by_type[type] = score.accuracy();
    }
    return runs;
}

}  // namespace

int run_learnability(int argc, char ** argv) {
    if (wants_help(argc, argv, kHelp, kModelShapeHelp)) return 0;
    const Args args(argc, argv, {"report-only"}, {},
                    with_model_shape({"world", "seeds", "stage2-steps", "continue-steps", "continue-lr", "boost", "types", "out", "threads",
                                     "pretrain-steps"}));
    const std::string world_dir = args.require("world");
    const std::string out = args.get("out", world_dir + "/learnability");
    const int seeds = std::stoi(args.get("seeds", "3"));
    const int stage2_steps = std::stoi(args.get("stage2-steps", "600"));
    const int continue_steps = std::stoi(args.get("continue-steps", "300"));
    const double continue_lr = std::stod(args.get("continue-lr", "5e-4"));
    const double boost = std::stod(args.get("boost", "3"));
    const int threads = std::stoi(args.get("threads", "0"));
    std::vector<std::string> types;
    if (args.has("types")) {
        for (const std::string & t : dataengine::split(args.get("types"), ','))
            if (!dataengine::trim(t).empty()) types.push_back(dataengine::trim(t));
    } else {
        for (const auto & t : dataengine::question_types()) types.push_back(t.name);
    }
    // A misspelt type fails now, not after M0 has trained.
    for (const std::string & t : types)
        if (!dataengine::find_question_type(t))
            throw dataengine::Error(dataengine::Status::Invalid, "--types: unknown question type '" + t + "'");
    const bool report_only = args.has("report-only");
    if (report_only && !dataengine::file_exists(out + "/runs.jsonl"))
        throw dataengine::Error(dataengine::Status::NotFound, "--report-only: no runs recorded in '" + out + "/runs.jsonl'");
    std::filesystem::create_directories(out);

    // The world's own settings, to make extra questions as its seed set was made (refused when
    // another generator version made it). --report-only makes none: it still summarises runs
    // on a world from an earlier version.
    const dataengine::WorldOptions options = report_only ? dataengine::WorldOptions{} : dataengine::read_world_options(world_dir);
    const dataengine::Dataset seed_set = dataengine::read_dataset(world_dir + "/seed_train.jsonl", dataengine::Format::Jsonl);
    std::map<std::string, int> seed_counts;
    for (const auto & s : seed_set.samples()) ++seed_counts[s.type];
    const dataengine::World world(options);
    auto test = std::make_shared<const dataengine::Dataset>(dataengine::read_dataset(world_dir + "/test.jsonl", dataengine::Format::Jsonl));

    const std::string runs_path = out + "/runs.jsonl";
    auto runs = load_runs(runs_path);
    auto record = [&](int seed, const std::string & arm, const dataengine::EvalReport & report) {
        std::string text = dataengine::file_exists(runs_path) ? dataengine::read_file(runs_path) : "";
        text += fmt::format("{{\"seed\":{},\"arm\":\"{}\",\"report\":{}}}\n", seed, arm, dataengine::to_json(report));
        dataengine::write_file_atomic(runs_path, text);
        for (const auto & [type, score] : report.by_type) runs[{seed, arm}][type] = score.accuracy();
    };
    // One type's test questions (with the test's image root), so a type's arm costs 1/9 of an evaluation.
    std::map<std::string, std::shared_ptr<const dataengine::Dataset>> test_by_type;
    for (const std::string & t : types) {
        auto subset = std::make_shared<dataengine::Dataset>(test->image_root());
        for (const auto & s : test->samples())
            if (s.type == t) subset->add(s);
        test_by_type[t] = subset;
    }
    auto evaluate = [&](dataengine::Model & model, const std::string & arm) {
        dataengine::ScoreOptions so;
        so.threads = threads;
        const auto bench = test_by_type.count(arm) ? test_by_type[arm] : test;
        return dataengine::evaluate_model(model, bench, {true, "test"}, so, ProgressLine("eval"));
    };
    auto train_options = [&](int steps, uint64_t seed, double lr) {
        dataengine::TrainOptions o;
        o.steps = steps;
        o.seed = seed;
        o.threads = threads;
        o.learning_rate = lr;
        o.warmup_steps = std::min(30, steps / 10 + 1);
        return o;
    };

    for (int seed = 0; seed < seeds && !report_only; ++seed) {
        const std::string m0_dir = fmt::format("{}/seed{}/m0", out, seed);
        if (!dataengine::file_exists(m0_dir + "/model.json")) {
            dataengine::PretrainOptions pretrain = pretrain_options_for(args);
            if (args.has("pretrain-steps")) pretrain.train.steps = std::stoi(args.get("pretrain-steps"));
            auto m0 = dataengine::pretrained_model(world_dir, pretrain, ProgressLine("pretrain"));
            const auto r = m0->train({{&seed_set, dataengine::TrainSource::Kind::Questions, 1.0}},
                                     train_options(stage2_steps, uint64_t(seed), 5e-4), ProgressLine(fmt::format("seed {} M0", seed)));
            std::fprintf(stderr, "seed %d M0: loss %.3f -> %.3f, %.0f samples/s\n", seed, r.first_loss(), r.last_loss(), r.samples_per_second);
            m0->save(m0_dir);
            record(seed, "m0", evaluate(*m0, "m0"));
        }
        std::vector<std::string> arms = {"control"};
        arms.insert(arms.end(), types.begin(), types.end());
        for (size_t a = 0; a < arms.size(); ++a) {
            const std::string & arm = arms[a];
            if (runs.count({seed, arm})) continue;
            auto model = dataengine::load_model(m0_dir);
            std::vector<dataengine::TrainSource> sources = {{&seed_set, dataengine::TrainSource::Kind::Questions, double(seed_set.size())}};
            dataengine::Dataset extra;
            if (arm != "control") {
                const int count = int(boost * seed_counts[arm]);
                extra = world.extra_questions(arm, count, uint64_t(seed) * 10000000 + a * 100000, world_dir);
                sources.push_back({&extra, dataengine::TrainSource::Kind::Questions, double(extra.size())});
            }
            model->train(sources, train_options(continue_steps, 1000 + uint64_t(seed), continue_lr), ProgressLine(fmt::format("seed {} {}", seed, arm)));
            record(seed, arm, evaluate(*model, arm));
        }
    }

    // Summary: per type, the gain of its own arm over the control, mean and range over seeds.
    std::string table = "| type | seed count | control | with more of its data | gain (mean) | gain (min..max) | gain by seed |\n"
                        "|---|---:|---:|---:|---:|---:|---|\n";
    std::string json = "{\"types\":[";
    std::vector<std::string> passed;
    int measured = 0;
    for (size_t i = 0; i < types.size(); ++i) {
        const std::string & t = types[i];
        double control = 0, boosted = 0, lo = 1e9, hi = -1e9;
        int    n = 0;
        std::string by_seed, by_seed_json;
        for (int seed = 0; seed < seeds; ++seed) {
            if (!runs.count({seed, "control"}) || !runs.count({seed, t})) continue;
            const double c = runs[{seed, "control"}][t], b = runs[{seed, t}][t];
            control += c;
            boosted += b;
            lo = std::min(lo, b - c);
            hi = std::max(hi, b - c);
            by_seed += fmt::format("{}{:+.1f}", n ? " " : "", 100 * (b - c));
            by_seed_json += fmt::format("{}{:.4f}", n ? "," : "", b - c);
            ++n;
        }
        if (n == 0) continue;
        control /= n;
        boosted /= n;
        // Compared in points rounded as printed, so the table and the verdict never disagree.
        const bool passes = std::round(1000 * (boosted - control)) >= 10 * kGatePoints;
        if (passes) passed.push_back(t);
        table += fmt::format("| {} | {} | {:.1f} | {:.1f} | {:+.1f} | {:+.1f}..{:+.1f} | {} |\n", t, seed_counts[t], 100 * control,
                             100 * boosted, 100 * (boosted - control), 100 * lo, 100 * hi, by_seed);
        json += fmt::format("{}{{\"type\":\"{}\",\"seeds\":{},\"control\":{:.4f},\"boosted\":{:.4f},\"gain\":{:.4f},\"gain_min\":{:.4f},"
                            "\"gain_max\":{:.4f},\"gain_by_seed\":[{}],\"passes\":{}}}",
                            measured ? "," : "", t, n, control, boosted, boosted - control, lo, hi, by_seed_json, passes);
        ++measured;
    }
    int missing = 0;  // runs not done yet (only --report-only can summarise with some missing)
    for (int seed = 0; seed < seeds; ++seed) {
        missing += !runs.count({seed, "control"});
        for (const std::string & t : types) missing += !runs.count({seed, t});
    }
    std::string verdict = fmt::format("{} of {} types gain {:.0f}+ points over the control (mean over seeds){}{}\n", passed.size(),
                                      measured, kGatePoints, passed.empty() ? "" : ": ", fmt::join(passed, ", "));
    if (missing) verdict += fmt::format("incomplete: {} of {} runs not done yet\n", missing, seeds * int(types.size() + 1));
    json += fmt::format("],\"gate\":{{\"points\":{:.0f},\"types\":{},\"passed\":{},\"runs_missing\":{}}}}}\n", kGatePoints, measured,
                        passed.size(), missing);
    dataengine::write_file_atomic(out + "/summary.json", json);
    dataengine::write_file_atomic(out + "/summary.md", "## Learnability (circular test accuracy, %)\n\n" + table + "\n" + verdict);
    std::fputs(table.c_str(), stdout);
    std::fputs(verdict.c_str(), stdout);
    return 0;
}

}  // namespace cli
