// dataengine eval: score prediction files against a benchmark.
#include <cstdio>
#include <memory>

#include "args.hpp"
#include "commands.hpp"
#include "dataengine/eval.hpp"

namespace cli {

namespace {

constexpr const char * kHelp =
    "usage: dataengine eval --bench FILE --format mmbench|aokvqa|seed|jsonl --predictions FILE...\n"
    "                       [--circular] [--out report.json] [--markdown report.md] [--name NAME]\n"
    "       dataengine eval --model MODEL --bench FILE [--format jsonl] [--circular] [--out ...] [--threads N] [--batch-questions 16]\n"
    "\n"
    "With --model the model answers (each option scored by its likelihood) instead of a file.\n"
    "\n"
    "Predictions (several files are shards of one run and are merged):\n"
    "  mmbench  TSV with 'index' and 'prediction' columns (as VLMEvalKit writes), or JSONL {\"index\", \"prediction\"}\n"
    "  aokvqa   the official {question_id: {\"multiple_choice\", \"direct_answer\"}} JSON\n"
    "  seed     JSONL {\"question_id\", \"prediction\"}\n"
    "  jsonl    JSONL {\"id\", \"prediction\"} or {\"id\", \"scores\": [...]}\n"
    "Free-text predictions are read with VLMEvalKit's exact-matching rules. --circular scores each\n"
    "group of circular copies as one question, right only if every copy is right.\n";

// A one-line progress display on stderr, redrawn in place.
bool show_progress(const dataengine::ProgressEvent & e) {
    if (e.total > 0)
        std::fprintf(stderr, "\r%.*s: %3d%%", int(e.phase.size()), e.phase.data(), int(100 * e.done / e.total));
    if (e.total > 0 && e.done >= e.total) std::fputc('\n', stderr);
    return true;
}

}  // namespace

int run_eval(int argc, char ** argv) {
    for (int i = 0; i < argc; ++i)
        if (std::string(argv[i]) == "--help") {
            std::fputs(kHelp, stdout);
            return 0;
        }
    const Args args(argc, argv, {"circular"}, {"predictions"}, {"bench", "format", "out", "markdown", "name", "model", "threads", "batch-questions"});
    if (!args.positional().empty()) throw std::invalid_argument("unexpected argument '" + args.positional()[0] + "'");
    const std::string         bench_path = args.require("bench");
    const dataengine::Format  format     = dataengine::parse_format(args.get("format", args.has("model") ? "jsonl" : ""));
    if (args.all("predictions").empty() == !args.has("model"))
        throw std::invalid_argument("give either --predictions or --model");

    dataengine::ReadOptions read;
    read.progress = show_progress;
    auto bench = std::make_shared<const dataengine::Dataset>(dataengine::read_dataset(bench_path, format, read));

    dataengine::EvalOptions options;
    options.circular  = args.has("circular");
    options.benchmark = args.get("name", bench_path);
    dataengine::EvalReport report;
    if (args.has("model")) {
        auto model = dataengine::load_model(args.get("model"));
        dataengine::ScoreOptions score;
        score.threads = std::stoi(args.get("threads", "0"));
        score.batch_questions = std::stoi(args.get("batch-questions", std::to_string(score.batch_questions)));
        report = dataengine::evaluate_model(*model, bench, options, score, show_progress);
    } else {
        dataengine::Evaluator evaluator(bench, options);
        for (const std::string & path : args.all("predictions")) evaluator.add(dataengine::read_predictions(path, format));
        report = evaluator.finish();
    }

    std::fputs(dataengine::to_markdown(report).c_str(), stdout);
    if (args.has("out")) {
        dataengine::write_file_atomic(args.get("out"), dataengine::to_json(report) + "\n");
        std::fprintf(stderr, "report written to %s\n", args.get("out").c_str());
    }
    if (args.has("markdown")) dataengine::write_file_atomic(args.get("markdown"), dataengine::to_markdown(report));
    return 0;
}

}  // namespace cli
