// Loop: the phases of each round on the state directory, and resuming from what it holds.
#include "dataengine/loop.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <set>

#include "core/json_read.hpp"
#include "dataengine/model.hpp"
#include "dataengine/world.hpp"
#include "loop/journal.hpp"

namespace dataengine {

const char * loop_phase_name(LoopPhase phase) {
    switch (phase) {
        case LoopPhase::Train: return "train";
        case LoopPhase::Evaluate: return "evaluate";
        case LoopPhase::Plan: return "plan";
        case LoopPhase::Generate: return "generate";
        case LoopPhase::Done: return "done";
    }
    return "?";
}

namespace {

namespace fs = std::filesystem;

std::string settings_json(const LoopOptions & o) {
    JsonWriter w;
    w.begin_object().key("world_seed").value(o.world_seed).key("strategy").value(o.strategy).key("rounds").value(o.rounds)
        .key("budget").value(o.budget).key("seed_steps").value(o.seed_steps).key("round_steps").value(o.round_steps)
        .key("seed_learning_rate").value(o.seed_learning_rate).key("round_learning_rate").value(o.round_learning_rate)
        .key("mistake_rate").value(o.mistake_rate).key("seed").value(o.seed).key("stage1_steps").value(o.stage1_steps)
        .key("model_dim").value(o.model_dim).key("world_scale_percent").value(o.world_scale_percent)
        .key("batch_size").value(o.batch_size).key("ipo").value(o.ipo).key("ipo_batch").value(o.ipo_batch)
        .key("ipo_rounds").value(o.ipo_rounds).key("ipo_target").value(o.ipo_target).key("ipo_each_round").value(o.ipo_each_round)
        .key("verify_answers").value(o.verify_answers).key("seed_curve_gains").value(o.seed_curve_gains).end_object();
    return w.take();
}

WorldOptions world_options(const LoopOptions & o) {
    WorldOptions w;
    w.seed = o.world_seed;
    const int p = o.world_scale_percent;
    if (p != 100) {
        auto scale = [p](int n) { return std::max(1, n * p / 100); };
        for (auto & [type, n] : w.seed_counts) n = scale(n);
        w.dev_per_type   = scale(w.dev_per_type);
        w.test_per_type  = scale(w.test_per_type);
        w.pool_images    = scale(w.pool_images);
        w.caption_images = scale(w.caption_images);
    }
    return w;
}

std::map<std::string, int> count_by_type(const Dataset & data) {
    std::map<std::string, int> out;
    for (const Sample & s : data.samples()) ++out[s.type];
    return out;
}

// One table of counts ({"name": n, ...}) under `key` of a round's rejections.json; empty when absent.
std::map<std::string, int> read_counts(const std::string & path, const char * key) {
    std::map<std::string, int> out;
    if (!file_exists(path)) return out;
    const std::string text = read_file(path);
    simdjson::dom::parser parser;
    simdjson::padded_string copy;
    json::element root;
    json::object obj, counts;
    if (json::parse_document(parser, text, false, copy, root) || root.get(obj))
        throw Error(Status::Format, path + ": not a rejection table");
    if (obj[key].get(counts)) return out;
    for (auto field : counts) {
        int64_t n = 0;
        if (field.value.get(n) != simdjson::SUCCESS) throw Error(Status::Format, path + ": counts must be integers");
        out[std::string(field.key)] = int(n);
    }
    return out;
}

std::string read_prompt_version(const std::string & path) {
    const std::string text = read_file(path);
    simdjson::dom::parser parser;
    simdjson::padded_string copy;
    json::element root;
    json::object obj;
    std::string version, why;
    if (json::parse_document(parser, text, false, copy, root) || root.get(obj) || !json::get_string(obj, "version", version, why))
        throw Error(Status::Format, path + ": not a prompt record (" + why + ")");
    return version;
}

// Stage 1 runs inside round 0's training phase (once per world): reported as "pretrain".
ProgressCallback as_pretrain(const ProgressCallback & progress) {
    if (!progress) return {};
    return [progress](const ProgressEvent & e) { return progress({"pretrain", e.done, e.total}); };
}

}  // namespace

struct Loop::State {
    LoopOptions                  options;
    std::string                  world_dir;
    std::shared_ptr<const World> world;
    std::shared_ptr<LlmBackend>  backend;
    std::shared_ptr<Reviewer>    reviewer;
    std::shared_ptr<LlmBackend>  rewriter;
    std::shared_ptr<const Dataset> seed_set, dev, test;
    std::unique_ptr<ImagePool>   pool;
    std::unique_ptr<Model>       model;  // the model of round `model_round`
    int                          model_round = -1;

    std::string round_dir(int r) const { return options.state_dir + "/round-" + std::to_string(r); }
    std::string path(int r, const std::string & name) const { return round_dir(r) + "/" + name; }

    std::pair<int, LoopPhase> position() const {
        for (int r = 0; r <= options.rounds; ++r) {
            if (!file_exists(path(r, "model/model.json"))) return {r, LoopPhase::Train};
            if (!file_exists(path(r, "test.json"))) return {r, LoopPhase::Evaluate};
            if (r == options.rounds) break;
            if (!file_exists(path(r, "plan.json"))) return {r, LoopPhase::Plan};
            if (!file_exists(path(r, "generated.jsonl"))) return {r, LoopPhase::Generate};
        }
        return {options.rounds, LoopPhase::Done};
    }

    void load_data() {
        if (seed_set) return;
        auto read = [&](const char * name) {
            return std::make_shared<const Dataset>(read_dataset(world_dir + "/" + name, Format::Jsonl));
        };
        seed_set = read("seed_train.jsonl");
        dev      = read("dev.jsonl");
        test     = read("test.jsonl");
    }

    Dataset generated(int r) const {
        ReadOptions ro;
        ro.image_root = world_dir;
        return read_dataset(path(r, "generated.jsonl"), Format::Jsonl, ro);
    }

    Model & model_of(int r) {
        if (model_round != r) {
            model       = load_model(path(r, "model"));
            model_round = r;
        }
        return *model;
    }

    PretrainOptions pretrain_options() const {
        PretrainOptions p;
        if (options.stage1_steps > 0) p.train.steps = options.stage1_steps;
        if (options.model_dim > 0) p.config.dim = options.model_dim;
        p.train.threads = options.threads;
        return p;
    }

    void train(int r, const ProgressCallback & progress) {
        load_data();
        std::vector<Dataset> extra;
        for (int k = 0; k < r; ++k) extra.push_back(generated(k));
        std::vector<TrainSource> sources = {{seed_set.get(), TrainSource::Kind::Questions, double(seed_set->size())}};
        JsonWriter mix;
        mix.begin_object().key("round").value(r).key("sources").begin_array();
        mix.begin_object().key("name").value("seed_train").key("samples").value(int64_t(seed_set->size())).end_object();
        for (int k = 0; k < r; ++k) {
            mix.begin_object().key("name").value(fmt::format("round-{}/generated", k)).key("samples").value(int64_t(extra[size_t(k)].size())).end_object();
            if (!extra[size_t(k)].empty())
                sources.push_back({&extra[size_t(k)], TrainSource::Kind::Questions, double(extra[size_t(k)].size())});
        }
        TrainOptions t;
        t.steps         = r == 0 ? options.seed_steps : options.round_steps;
        t.learning_rate = r == 0 ? options.seed_learning_rate : options.round_learning_rate;
        t.warmup_steps  = std::min(30, t.steps / 10 + 1);
        t.seed          = options.seed * 1000 + uint64_t(r);
        t.threads       = options.threads;
        t.checkpoint_dir   = path(r, "checkpoint");
        t.checkpoint_every = options.checkpoint_every;
        t.batch_size       = options.batch_size;
        mix.end_array().key("steps").value(t.steps).key("learning_rate").value(t.learning_rate)
            .key("init").value(r == 0 ? "stage1" : fmt::format("round-{}/model", r - 1)).end_object();
        fs::create_directories(round_dir(r));
        write_file_atomic(path(r, "train.json"), mix.str() + "\n");

        std::unique_ptr<Model> m = r == 0 ? pretrained_model(world_dir, pretrain_options(), as_pretrain(progress))
                                          : load_model(path(r - 1, "model"));
        m->train(sources, t, progress);
        m->save(path(r, "model"));  // model.json last: the phase is done
        std::error_code ignored;
        fs::remove_all(t.checkpoint_dir, ignored);
        model       = std::move(m);
        model_round = r;
    }

    void evaluate(int r, const ProgressCallback & progress) {
        load_data();
        ScoreOptions so;
        so.threads = options.threads;
        for (const auto & [name, bench] : {std::pair{"dev", dev}, std::pair{"test", test}}) {
            const std::string out = path(r, std::string(name) + ".json");
            if (file_exists(out)) continue;
            const EvalReport report = evaluate_model(model_of(r), bench, {true, name}, so, progress);
            write_file_atomic(out, to_json(report) + "\n");
        }
    }

    ImagePool & image_pool() {
        if (!pool) {
            const ImagePool made = world->pool();
            pool = std::make_unique<ImagePool>(world_dir);
            for (const PoolImage & p : made.images()) pool->add(p);
        }
        return *pool;
    }

    // Gain observations: each round's accepted data against the next round's dev change, and
    // with seed_curve_gains first the seed training's curve (stage 1 -> round 0 on dev, per seed
    // sample of each type).
    std::vector<GainObservation> gains(int r, const ProgressCallback & progress) {
        load_data();
        std::vector<GainObservation> out;
        auto report = [&](const std::string & p) { return report_from_json(read_file(p), p); };
        // What `added` samples per type moved each type's dev accuracy by, from `before` to `after`.
        auto observe = [&](const EvalReport & before, const EvalReport & after, const std::map<std::string, int> & added) {
            for (const auto & [type, n] : added)
                if (before.by_type.count(type) && after.by_type.count(type)) {
                    const Score & b = before.by_type.at(type);
                    const Score & a = after.by_type.at(type);
                    out.push_back({type, double(n), a.accuracy() - b.accuracy(),
                                   accuracy_change_standard_error(b.correct, b.n, a.correct, a.n)});
                }
        };
        if (options.seed_curve_gains) {
            const std::string stage1_dev = path(0, "stage1_dev.json");
            if (!file_exists(stage1_dev)) {
                auto stage1 = pretrained_model(world_dir, pretrain_options(), as_pretrain(progress));
                ScoreOptions so;
                so.threads = options.threads;
                write_file_atomic(stage1_dev, to_json(evaluate_model(*stage1, dev, {true, "dev"}, so, progress)) + "\n");
            }
            observe(report(stage1_dev), report(path(0, "dev.json")), count_by_type(*seed_set));
        }
        // Each round's dev report read once: it is the "after" of one round and the "before" of the next.
        EvalReport before = r > 0 ? report(path(0, "dev.json")) : EvalReport{};
        for (int k = 1; k <= r; ++k) {
            EvalReport after = report(path(k, "dev.json"));
            observe(before, after, count_by_type(generated(k - 1)));
            before = std::move(after);
        }
        return out;
    }

    void plan(int r, const ProgressCallback & progress) {
        load_data();
        const EvalReport dev_report = report_from_json(read_file(path(r, "dev.json")), path(r, "dev.json"));
        AbsOptions abs = AbsOptions::preset(options.strategy);
        abs.budget = options.budget;
        abs.seed   = options.seed * 1000 + uint64_t(r);
        PlanContext context;
        if (abs.rule == WeightRule::Gain) {
            context.gains = gains(r, progress);
            write_file_atomic(path(r, "gains.json"), gains_to_json(context.gains) + "\n");  // what the weights came from
        }
        context.image_fits = world_question_filter(world);
        for (int k = 0; k < r; ++k) {
            const GenerationPlan earlier = plan_from_json(read_file(path(k, "plan.json")), path(k, "plan.json"));
            for (const PlannedQuery & q : earlier.queries) context.used_images.push_back(q.image_id);
        }
        // Embeddings of the pool and of the bad cases' images, from this round's model.
        Model & m = model_of(r);
        ImagePool embedded = image_pool();  // replaced only when every image has its new vector
        embed_pool(m, embedded, progress);
        *pool = std::move(embedded);
        std::map<std::string, std::vector<float>> by_image;
        for (const auto & [type, ids] : dev_report.bad_cases)
            for (const std::string & id : ids) {
                const Sample * s = dev->find(id);
                if (!s) continue;
                auto found = by_image.find(s->image.value);
                if (found == by_image.end())
                    found = by_image.emplace(s->image.value, m.embed_images({load_image(resolve_image_path(dev->image_root(), s->image.value))})[0]).first;
                context.example_embeddings[id] = found->second;
            }
        const GenerationPlan plan = AbsSampler(abs).plan(dev_report, *dev, *pool, context);
        write_file_atomic(path(r, "plan.json"), to_json(plan) + "\n");
    }

    // Accepted samples against the scene graphs: how much of the data is right.
    std::map<std::string, int> verify(const Dataset & samples) const {
        std::map<std::string, int> out{{"correct", 0}, {"wrong", 0}, {"unknown", 0}};
        const AnswerChecker check = world_checker(world);
        for (const Sample & s : samples.samples()) {
            const int right = check(s.provenance.query_image, s.type, s);
            ++out[right == -1 ? "unknown" : right == s.answer ? "correct" : "wrong"];
        }
        return out;
    }

    // The prompt round r generates with: the default, or IPO's best version (IPO runs, or
    // resumes, before the first generation; optionally a short pass before each later one).
    PromptTemplate generation_prompt(int r, const ProgressCallback & progress) {
        PromptTemplate prompt = PromptTemplate::default_template();
        if (!options.ipo) return prompt;
        if (!reviewer) reviewer = std::shared_ptr<Reviewer>(world_reviewer(world, 0.05, options.seed));
        if (!rewriter) rewriter = std::shared_ptr<LlmBackend>(world_rewriter(options.seed));
        IpoSources sources;
        for (const QuestionType & t : question_types()) sources.types.push_back(t.name);
        sources.pool       = &image_pool();
        sources.examples   = dev.get();
        sources.generator  = backend.get();
        sources.rewriter   = rewriter.get();
        sources.image_fits = world_question_filter(world);
        sources.generator_options.require_rationale = true;
        sources.generator_options.concurrency       = std::max(1, options.llm_concurrency);
        IpoOptions io;
        io.batch_size = options.ipo_batch;
        io.max_rounds = options.ipo_rounds;
        io.target     = options.ipo_target;
        io.seed       = options.seed;
        auto run = [&](const std::string & file, const IpoOptions & o, const PromptTemplate & start) {
            PromptOptimizer ipo(file, start, o);
            if (ipo.run(sources, *reviewer, progress) == IpoStop::None)
                throw Error(Status::Aborted, "ipo: the reviewer stopped; run the loop again to continue the review");
            return ipo;
        };
        const PromptOptimizer first = run(options.state_dir + "/ipo.json", io, prompt);
        write_file_atomic(options.state_dir + "/ipo.md", first.report_markdown());
        write_file_atomic(options.state_dir + "/ipo.svg", first.acceptance_svg());
        prompt = first.best().prompt;
        if (options.ipo_each_round && r > 0) {
            io.batch_size     = std::max(1, options.ipo_batch / 2);
            io.max_rounds     = 2;
            io.patience       = 1;
            io.seed           = options.seed + uint64_t(r);
            io.version_prefix = "r" + std::to_string(r) + ".v";
            prompt = run(path(r, "ipo.json"), io, prompt).best().prompt;
        }
        return prompt;
    }

    void generate(int r, const ProgressCallback & progress) {
        load_data();
        const GenerationPlan plan = plan_from_json(read_file(path(r, "plan.json")), path(r, "plan.json"));
        if (!backend) backend = std::shared_ptr<LlmBackend>(world_backend(world, {options.mistake_rate, true}));
        const PromptTemplate prompt = generation_prompt(r, progress);
        JsonWriter pj;
        pj.begin_object().key("version").value(prompt.version).key("text").value(prompt.text).key("rules").begin_array();
        for (const std::string & rule : prompt.rules) pj.value(rule);
        pj.end_array().end_object();
        write_file_atomic(path(r, "prompt.json"), pj.str() + "\n");

        loop::JournaledBackend journaled(backend, path(r, "replies.jsonl"));
        GeneratorOptions g;
        g.round     = r;
        g.seed      = options.seed * 1000 + uint64_t(r);
        g.id_prefix = "r" + std::to_string(r);
        g.require_rationale = true;
        g.concurrency = std::max(1, options.llm_concurrency);
        Dataset existing = *seed_set;
        for (int k = 0; k < r; ++k) {
            const Dataset earlier = generated(k);
            for (const Sample & s : earlier.samples()) existing.add(s);
        }
        const GenerationResult result =
            dataengine::generate(plan, *dev, image_pool(), journaled, prompt, g,
                                 options.verify_answers ? world_checker(world) : AnswerChecker{}, &existing, progress);
        JsonWriter rj;
        rj.begin_object().key("prompt_version").value(prompt.version).key("rejected_by_reason").begin_object();
        for (const auto & [reason, n] : result.rejected_by_reason) rj.key(reason).value(n);
        rj.end_object().key("verified").begin_object();
        for (const auto & [verdict, n] : verify(result.samples)) rj.key(verdict).value(n);
        rj.end_object().key("accepted_by_type").begin_object();
        for (const auto & [type, n] : result.accepted_by_type) rj.key(type).value(n);
        rj.end_object().key("outcomes").begin_array();
        for (const QueryOutcome & o : result.outcomes) {
            rj.begin_object().key("query").value(int64_t(o.query)).key("accepted").value(o.accepted);
            if (o.rejection) rj.key("reason").value(rejection_name(*o.rejection)).key("detail").value(o.detail);
            rj.end_object();
        }
        rj.end_array().end_object();
        write_file_atomic(path(r, "rejections.json"), rj.str() + "\n");
        WriteOptions wo;
        write_dataset(result.samples, path(r, "generated.jsonl"), Format::Jsonl, wo);  // last: the phase is done
    }
};

Loop::Loop(LoopOptions options) : state_(std::make_unique<State>()) {
    State & s = *state_;
    if (options.rounds < 0 || options.budget < 0 || options.seed_steps < 0 || options.round_steps < 0 || options.batch_size < 1 ||
        options.checkpoint_every < 1 ||
        options.world_scale_percent < 1 || options.world_scale_percent > 100)
        throw Error(Status::Invalid, "loop: rounds, budget and steps must be >= 0, world_scale_percent in 1..100");
    (void)AbsOptions::preset(options.strategy);  // an unknown strategy fails now, not in round 0's plan
    s.options   = std::move(options);
    s.world_dir = s.options.world_dir.empty() ? s.options.state_dir + "/world" : s.options.world_dir;
    fs::create_directories(s.options.state_dir);
    const std::string settings = settings_json(s.options);
    const std::string settings_path = s.options.state_dir + "/loop.json";
    const bool resumed = file_exists(settings_path);
    if (resumed && trim(read_file(settings_path)) != settings)
        throw Error(Status::Invalid, "loop: '" + s.options.state_dir + "' holds a loop with other settings (" + settings_path +
                                         "); use another state directory");
    s.world = std::make_shared<const World>(world_options(s.options));
    // The world on disk (made by an earlier run of this loop, or given) must be the one these
    // options make: the loop adds questions from the in-memory world to benchmarks read from disk.
    if (file_exists(s.world_dir + "/world.json")) {
        std::string why;
        try {
            if (read_world_options(s.world_dir) != s.world->options())
                why = fmt::format("was made with other settings than this loop's (world seed {}, scale {} %)", s.options.world_seed,
                                  s.options.world_scale_percent);
        } catch (const Error & e) {
            why = fmt::format("cannot be used: {}", e.what());
        }
        if (!why.empty())
            throw Error(Status::Invalid, "loop: the world in '" + s.world_dir + "' " + why +
                                             (s.options.world_dir.empty() ? "; use another state directory" : ""));
    }
    if (!resumed) write_file_atomic(settings_path, settings + "\n");
}

Loop::~Loop() = default;

const LoopOptions & Loop::options() const { return state_->options; }
int       Loop::round() const { return state_->position().first; }
LoopPhase Loop::phase() const { return state_->position().second; }
void      Loop::set_backend(std::shared_ptr<LlmBackend> backend) { state_->backend = std::move(backend); }
void      Loop::set_reviewer(std::shared_ptr<Reviewer> reviewer) { state_->reviewer = std::move(reviewer); }
void      Loop::set_rewriter(std::shared_ptr<LlmBackend> rewriter) { state_->rewriter = std::move(rewriter); }

bool Loop::step_phase(const ProgressCallback & progress) {
    State & s = *state_;
    if (!file_exists(s.world_dir + "/world.json")) s.world->write(s.world_dir, progress);
    const auto [r, phase] = s.position();
    switch (phase) {
        case LoopPhase::Train: s.train(r, progress); break;
        case LoopPhase::Evaluate:
            s.evaluate(r, progress);
            write_reports();
            break;
        case LoopPhase::Plan: s.plan(r, progress); break;
        case LoopPhase::Generate:
            s.generate(r, progress);
            write_reports();
            break;
        case LoopPhase::Done: return false;
    }
    return true;
}

void Loop::step_round(const ProgressCallback & progress) {
    const int r = round();
    while (phase() != LoopPhase::Done && round() == r) step_phase(progress);
}

void Loop::run(const ProgressCallback & progress) {
    while (step_phase(progress)) {
    }
}

std::vector<RoundRecord> Loop::records() const {
    const State & s = *state_;
    std::vector<RoundRecord> out;
    for (int r = 0; r <= s.options.rounds; ++r) {
        RoundRecord rec;
        rec.round = r;
        if (file_exists(s.path(r, "test.json"))) {
            rec.dev       = report_from_json(read_file(s.path(r, "dev.json")), s.path(r, "dev.json"));
            rec.test      = report_from_json(read_file(s.path(r, "test.json")), s.path(r, "test.json"));
            rec.evaluated = true;
        }
        if (file_exists(s.path(r, "generated.jsonl"))) {
            rec.generated     = true;
            rec.added_by_type = count_by_type(s.generated(r));
        }
        rec.rejected_by_reason = read_counts(s.path(r, "rejections.json"), "rejected_by_reason");
        rec.verified           = read_counts(s.path(r, "rejections.json"), "verified");
        if (file_exists(s.path(r, "prompt.json"))) rec.prompt_version = read_prompt_version(s.path(r, "prompt.json"));
        if (!rec.evaluated && !rec.generated) break;
        out.push_back(std::move(rec));
    }
    return out;
}

std::string Loop::summary_json() const {
    JsonWriter w;
    w.begin_object().key("settings").raw(settings_json(state_->options)).key("rounds").begin_array();
    for (const RoundRecord & r : records()) {
        w.begin_object().key("round").value(r.round);
        if (r.evaluated) w.key("dev").raw(to_json(r.dev)).key("test").raw(to_json(r.test));
        w.key("added_by_type").begin_object();
        for (const auto & [type, n] : r.added_by_type) w.key(type).value(n);
        w.end_object().key("rejected_by_reason").begin_object();
        for (const auto & [reason, n] : r.rejected_by_reason) w.key(reason).value(n);
        w.end_object().key("verified").begin_object();
        for (const auto & [verdict, n] : r.verified) w.key(verdict).value(n);
        w.end_object();
        if (!r.prompt_version.empty()) w.key("prompt_version").value(r.prompt_version);
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

void Loop::write_reports() const {
    const auto rounds = records();
    const std::string & dir = state_->options.state_dir;
    write_file_atomic(dir + "/summary.json", summary_json() + "\n");
    write_file_atomic(dir + "/report.md", loop_report_markdown(rounds));
    write_file_atomic(dir + "/accuracy.svg", loop_accuracy_svg(rounds));
}

}  // namespace dataengine
