// The built-in MLLM: training, option scoring, image embeddings, save and load.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>

#include "core/json_read.hpp"
#include "model/batches.hpp"
#include "model/network.hpp"

namespace dataengine {
namespace {

torch::Device device() { return torch::cuda::is_available() ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU); }

void set_threads(int threads) {
    // Denormal floats (tiny gradients, AdamW's second moments) are slow on x86 CPUs: flushing
    // them to zero took 600 stage-2 steps from 443 s to 343 s on 2 cores, same losses. First,
    // so that pool threads created from here inherit the setting.
    at::globalContext().setFlushDenormal(true);
    torch::set_num_threads(threads > 0 ? threads : hardware_threads());
}

// Scores count the option's text only: "The answer is (X)" is skipped, the letter included. With
// the letter counted, a model that cannot yet see a fact falls back on letter preferences, which
// circular evaluation punishes (M0 on world seed 1: 50.8 % -> 53.5 % circular, location 14 -> 23).
// An option's score is the sum over its tokens, its likelihood: the mean per token favoured long
// options whose tail is predictable ("they are close but not touching" was picked 98 times in
// 300 interaction questions where it was right 62 times, "they overlap" 4 times for 52).
constexpr int kAnswerLeadTokens = 6;

// Version of the network's layout in weights.pt; older layouts cannot be loaded into this one.
constexpr int kFormat = 2;

// Positions 0..n-1 with equal keys side by side, groups in order of first appearance.
std::vector<size_t> grouped_by_key(const std::vector<std::string> & keys) {
    std::map<std::string, size_t> group_of;
    std::vector<std::vector<size_t>> groups;
    for (size_t i = 0; i < keys.size(); ++i) {
        const auto [it, added] = group_of.emplace(keys[i], groups.size());
        if (added) groups.emplace_back();
        groups[it->second].push_back(i);
    }
    std::vector<size_t> order;
    order.reserve(keys.size());
    for (const auto & g : groups) order.insert(order.end(), g.begin(), g.end());
    return order;
}

std::string config_json(const ModelConfig & c) {
    JsonWriter w;
    w.begin_object().key("kind").value("builtin").key("format").value(kFormat).key("config").begin_object()
        .key("image_size").value(c.image_size).key("dim").value(c.dim).key("heads").value(c.heads)
        .key("encoder_layers").value(c.encoder_layers).key("decoder_layers").value(c.decoder_layers)
        .key("image_tokens_side").value(c.image_tokens_side).key("prefix_side").value(c.prefix_side)
        .key("max_text_tokens").value(c.max_text_tokens).key("bidirectional_prompt").value(c.bidirectional_prompt)
        .key("grid_convs").value(c.grid_convs).key("seed").value(c.seed).end_object().end_object();
    return w.take();
}

ModelConfig config_from_json(std::string_view text, const std::string & source) {
    simdjson::padded_string copy;
    simdjson::dom::parser   parser;
    simdjson::dom::element  root;
    simdjson::dom::object   top, c;
    std::string             kind, why;
    if (json::parse_document(parser, text, false, copy, root) || root.get(top) || !json::get_string(top, "kind", kind, why) ||
        top["config"].get(c))
        throw Error(Status::Format, source + ": not a model description");
    if (kind != "builtin") throw Error(Status::Unsupported, source + ": model kind '" + kind + "' is not the built-in MLLM");
    int64_t v = 0;
    if (!json::get_int(top, "format", v, why) || v != kFormat)
        throw Error(Status::Unsupported, source + ": saved by another version of the built-in MLLM (format " +
                                             std::to_string(v) + ", this build reads " + std::to_string(kFormat) + "); retrain it");
    ModelConfig config;
    auto field = [&](const char * key, int & out) {
        if (!json::get_int(c, key, v, why)) throw Error(Status::Format, source + ": " + why);
        out = int(v);
    };
    field("image_size", config.image_size);
    field("dim", config.dim);
    field("heads", config.heads);
    field("encoder_layers", config.encoder_layers);
    field("decoder_layers", config.decoder_layers);
    field("image_tokens_side", config.image_tokens_side);
    field("prefix_side", config.prefix_side);
    field("max_text_tokens", config.max_text_tokens);
    if (json::get_int(c, "seed", v, why)) config.seed = uint64_t(v);
    // Models saved before the prompt joined the prefix were trained with a causal prompt.
    config.bidirectional_prompt = false;
    if (!json::get_bool(c, "bidirectional_prompt", config.bidirectional_prompt, why, false))
        throw Error(Status::Format, source + ": " + why);
    config.grid_convs = 0;  // absent in models saved before the option
    if (json::has(c, "grid_convs")) field("grid_convs", config.grid_convs);
    return config;
}

bool power_of_two(int n) { return n > 0 && (n & (n - 1)) == 0; }

void check_config(const ModelConfig & c) {
    // The stem halves the image until it reaches the token grid, so the ratio is a power of two.
    if (c.image_size < 16 || c.dim < 16 || c.heads < 1 || c.dim % c.heads != 0 || c.encoder_layers < 0 ||
        c.decoder_layers < 1 || c.grid_convs < 0 || c.image_tokens_side < 1 || c.image_size % c.image_tokens_side != 0 ||
        !power_of_two(c.image_size / c.image_tokens_side) ||
        c.dim % 4 != 0 || c.prefix_side < 1 || c.image_tokens_side % c.prefix_side != 0 || c.max_text_tokens < 8)
        throw Error(Status::Invalid, "model config: sizes must be positive, dim divisible by heads and by 4, the token "
                                     "grid must be the image size over a power of two and the prefix side must divide the token grid");
}

class BuiltinModel final : public Model {
public:
    BuiltinModel(const ModelConfig & config, Tokenizer tokenizer)
        : config_(config), tokenizer_(std::move(tokenizer)) {
        check_config(config_);
        // Here, not at the first training step: a resumed loop may embed or score before it
        // trains, and every product of a process must run on the same kernels to give the same
        // floats as an uninterrupted run.
        use_cpu_blas_kernels();
        torch::manual_seed(config_.seed);
        net_ = net::Mllm(config_, tokenizer_.size());
        net_->to(device());
    }

    std::string kind() const override { return "builtin"; }

    TrainReport train(const std::vector<TrainSource> & sources, const TrainOptions & options,
                      const ProgressCallback & progress) override {
        if (options.steps < 0 || options.batch_size < 1 || options.learning_rate <= 0)
            throw Error(Status::Invalid, "train: steps >= 0, batch_size >= 1 and a positive learning rate are required");
        set_threads(options.threads);
        torch::manual_seed(options.seed);
        if (!(options.grounding_weight >= 0)) throw Error(Status::Invalid, "train: grounding_weight must be >= 0");
        // The grounding objective's head reads the encoder's tokens during training only; it is
        // not part of the saved model (a checkpoint keeps it, so that a resumed run goes on alike).
        torch::nn::Linear head{nullptr};
        std::vector<torch::Tensor> parameters = net_->parameters();
        if (options.grounding_weight > 0) {
            head = torch::nn::Linear(config_.dim, tokenizer_.size());
            head->to(device());
            for (const auto & p : head->parameters()) parameters.push_back(p);
        }
        torch::optim::AdamW optimizer(parameters, torch::optim::AdamWOptions(options.learning_rate).weight_decay(options.weight_decay));
        int64_t first_step = 0;
        if (!options.checkpoint_dir.empty()) first_step = resume(options, optimizer, head);

        TrainReport report;
        ProgressReporter reporter(progress, "train", options.steps);
        batches::Loader  loader(sources, options, tokenizer_, config_, first_step, options.steps);
        net_->train();
        const auto t0 = std::chrono::steady_clock::now();
        for (int64_t step = first_step; step < options.steps; ++step) {
            batches::Batch batch = loader.next();
            for (auto & group : optimizer.param_groups())
                static_cast<torch::optim::AdamWOptions &>(group.options()).lr(learning_rate(options, step));
            torch::Tensor encoded;
            auto prefix = net_->prefix(batch.images.to(device()), head ? &encoded : nullptr);
            auto logits = net_->logits(prefix, batch.tokens.to(device()), prompt_lengths(batch.targets));
            auto loss   = torch::nn::functional::cross_entropy(
                logits.reshape({-1, logits.size(-1)}), batch.targets.to(device()).reshape({-1}),
                torch::nn::functional::CrossEntropyFuncOptions().ignore_index(batches::kIgnore));
            if (head) {
                // Cross-entropy of each token's word distribution, mean over tokens, over the rows with boxes.
                const auto grounded = batch.grounded.to(device());
                const auto per_row  = -(batch.grounding.to(device()) * torch::log_softmax(head(encoded), -1)).sum(-1).mean(-1);
                const auto grounding = (per_row * grounded).sum() / grounded.sum().clamp_min(1);
                report.grounding_losses.push_back(grounding.item<double>());
                loss = loss + options.grounding_weight * grounding;
            }
            optimizer.zero_grad();
            loss.backward();
            torch::nn::utils::clip_grad_norm_(parameters, options.grad_clip);
            optimizer.step();
            report.losses.push_back(loss.item<double>());
            ++report.steps;
            reporter.update(step + 1);
            if (options.checkpoint_every > 0 && !options.checkpoint_dir.empty() && (step + 1) % options.checkpoint_every == 0) {
                const auto written = std::chrono::steady_clock::now();
                checkpoint(options, optimizer, head, step + 1);
                report.checkpoint_seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - written).count();
            }
        }
        report.seconds            = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        report.samples_per_second = report.seconds > 0 ? report.steps * double(options.batch_size) / report.seconds : 0;
        net_->eval();
        return report;
    }

    // Each row's prompt length on the device, or none when the prompt is not part of the
    // bidirectional prefix (then the mask does not need it: skip the work).
    torch::Tensor prompt_lengths(const torch::Tensor & targets) const {
        return config_.bidirectional_prompt ? batches::prompt_lengths(targets).to(device()) : torch::Tensor();
    }

    // Every decoder layer's keys and values for the questions' shared contexts (tokens [Q, C]).
    std::vector<net::KeyValues> question_context(const torch::Tensor & tgt, const std::vector<int64_t> & first_row,
                                                 const std::vector<int64_t> & shared, const std::vector<torch::Tensor> & images,
                                                 const std::vector<int64_t> & image_of, const torch::Tensor & tokens) {
        const size_t Q = image_of.size();
        if (!config_.bidirectional_prompt) {
            // The image tokens see only each other: each distinct image runs through the decoder once.
            const auto rows = torch::tensor(image_of, torch::kInt64).to(device());
            return net_->text_context(net_->image_context(torch::stack(images)), rows, tokens);
        }
        // A question's prompt is the same in all its option rows; it ends before the shared context does.
        const auto row_prompts = batches::prompt_lengths(tgt);
        const auto row_a       = row_prompts.accessor<int64_t, 1>();
        auto       prompts     = torch::empty({int64_t(Q)}, torch::kInt64);
        auto       question_a  = prompts.accessor<int64_t, 1>();
        std::vector<torch::Tensor> per_question;
        for (size_t q = 0; q < Q; ++q) {
            question_a[int64_t(q)] = std::min(row_a[first_row[q]], shared[q]);
            per_question.push_back(images[size_t(image_of[q])]);
        }
        return net_->context(torch::stack(per_question), tokens, prompts.to(device()));
    }

    // Log-probabilities of the option sequences tok/tgt [N, L] (row n: option owner[n].second of
    // question slot owner[n].first, whose image prefix is images[image_of[slot - first_slot]]).
    // Row n's position p is values[n][p - start[n]]; the positions before start[n] are not needed.
    struct OptionLogProbs {
        torch::Tensor        values;  // [N, L', vocab]
        std::vector<int64_t> start;
    };
    OptionLogProbs option_log_probs(const torch::Tensor & tok, const torch::Tensor & tgt,
                                    const std::vector<std::pair<size_t, int>> & owner, size_t first_slot,
                                    const std::vector<torch::Tensor> & images, const std::vector<int64_t> & image_of,
                                    bool share_context) {
        const int64_t N = tok.size(0), L = tok.size(1);
        OptionLogProbs r;
        if (!share_context) {
            std::vector<torch::Tensor> per_row;
            for (const auto & o : owner) per_row.push_back(images[size_t(image_of[o.first - first_slot])]);
            r.values = torch::log_softmax(
                net_->logits(torch::stack(per_row), tok.to(device()), prompt_lengths(tgt)), -1).cpu();
            r.start.assign(size_t(N), 0);
            return r;
        }
        // Per question: the context is the longest run of tokens its options share, ending no
        // later than the first target that is counted (the skipped answer lead is shared too).
        const auto tok_a = tok.accessor<int64_t, 2>();
        const auto tgt_a = tgt.accessor<int64_t, 2>();
        const size_t Q = image_of.size();
        std::vector<int64_t> shared(Q, L), first_row(Q, -1);
        for (int64_t n = 0; n < N; ++n) {
            const size_t q = owner[size_t(n)].first - first_slot;
            if (first_row[q] < 0) first_row[q] = n;
            int64_t c = 0;
            while (c < L && tok_a[n][c] == tok_a[first_row[q]][c]) ++c;
            int64_t seen = 0, p = 0;
            for (; p < L; ++p)
                if (tgt_a[n][p] != batches::kIgnore && seen++ >= kAnswerLeadTokens) break;
            shared[q] = std::max<int64_t>(1, std::min({shared[q], c, p}));
        }
        const int64_t C = *std::max_element(shared.begin(), shared.end());
        const int64_t A = L - *std::min_element(shared.begin(), shared.end());
        auto context_tokens = torch::full({int64_t(Q), C}, int64_t(Tokenizer::kPad), torch::kInt64);
        auto tail_tokens    = torch::full({N, A}, int64_t(Tokenizer::kPad), torch::kInt64);
        auto rows           = torch::empty({N}, torch::kInt64);
        auto lengths        = torch::empty({N}, torch::kInt64);
        auto ctx_a = context_tokens.accessor<int64_t, 2>();
        auto tail_a = tail_tokens.accessor<int64_t, 2>();
        r.start.resize(size_t(N));
        for (int64_t n = 0; n < N; ++n) {
            const size_t  q = owner[size_t(n)].first - first_slot;
            const int64_t c = shared[q];
            for (int64_t p = 0; p < c; ++p) ctx_a[int64_t(q)][p] = tok_a[n][p];
            for (int64_t p = c; p < L; ++p) tail_a[n][p - c] = tok_a[n][p];
            rows[n]    = int64_t(q);
            lengths[n] = c;
            r.start[size_t(n)] = c;
        }
        const auto context = question_context(tgt, first_row, shared, images, image_of, context_tokens.to(device()));
        r.values = torch::log_softmax(
            net_->continuation_logits(context, rows.to(device()), lengths.to(device()), tail_tokens.to(device())), -1).cpu();
        return r;
    }

    std::vector<std::vector<double>> score(const Dataset & data, const std::vector<size_t> & indices,
                                           const ScoreOptions & options, const ProgressCallback & progress) override {
        set_threads(options.threads);
        torch::NoGradGuard no_grad;
        net_->eval();
        batches::ImageSource images(config_.image_size);
        std::map<std::string, torch::Tensor> features;  // image key -> prefix [P, d], while its questions last
        std::vector<std::vector<double>> out(indices.size());
        std::vector<std::string> keys(indices.size());
        for (size_t i = 0; i < indices.size(); ++i) {
            if (indices[i] >= data.size()) throw Error(Status::Range, "score: index past the dataset");
            keys[i] = options.cache_image_features ? batches::ImageSource::key(data, data[indices[i]]) : std::to_string(i);
        }
        // Questions about one image (its circular copies, say) are scored side by side, so that a
        // chunk runs each of its images through the decoder once.
        const std::vector<size_t> order = grouped_by_key(keys);
        // Where each image's last question sits in that order: its prefix is dropped after it.
        std::map<std::string, size_t> last_use;
        for (size_t j = 0; j < order.size(); ++j) last_use[keys[order[j]]] = j;
        ProgressReporter reporter(progress, "score", int64_t(indices.size()));
        const size_t chunk = size_t(std::max(1, options.batch_questions));
        for (size_t begin = 0; begin < order.size(); begin += chunk) {
            const size_t end = std::min(order.size(), begin + chunk);
            // The chunk's distinct images: their prefixes from the cache, else encoded together.
            std::vector<std::string> chunk_keys;
            std::vector<int64_t> image_of;
            std::vector<std::shared_ptr<const Image>> missing;
            std::vector<std::string> missing_keys;
            for (size_t j = begin; j < end; ++j) {
                const std::string & key = keys[order[j]];
                const auto at = std::find(chunk_keys.begin(), chunk_keys.end(), key);
                image_of.push_back(int64_t(at - chunk_keys.begin()));
                if (at != chunk_keys.end()) continue;
                chunk_keys.push_back(key);
                if (!features.count(key)) {
                    missing.push_back(images.get(data, data[indices[order[j]]]));
                    missing_keys.push_back(key);
                }
            }
            if (!missing.empty()) {
                auto prefix = net_->prefix(images.tensor(missing).to(device()));
                for (size_t k = 0; k < missing.size(); ++k) features[missing_keys[k]] = prefix[int64_t(k)];
            }
            // One sequence per option of every question in the chunk, scored in one pass.
            batches::Sequences sequences;
            std::vector<std::pair<size_t, int>> owner;  // (chunk position, option)
            const int T = config_.max_text_tokens;
            for (size_t j = begin; j < end; ++j) {
                const Sample & s = data[indices[order[j]]];
                for (int k = 0; k < int(s.options.size()); ++k) {
                    sequences.add(tokenizer_, question_prompt(s), answer_text(s, k), T);
                    owner.emplace_back(j, k);
                }
                out[order[j]].assign(s.options.size(), 0.0);
            }
            if (!owner.empty()) {
                std::vector<torch::Tensor> chunk_prefixes;
                for (const std::string & key : chunk_keys) chunk_prefixes.push_back(features[key]);
                auto [tok, tgt] = sequences.tensors();
                const auto logp = option_log_probs(tok, tgt, owner, begin, chunk_prefixes, image_of, options.share_context);
                const auto tgt_a = tgt.accessor<int64_t, 2>();
                const auto lp_a  = logp.values.accessor<float, 3>();
                for (int64_t n = 0; n < tok.size(0); ++n) {
                    double total = 0;
                    int    seen = 0;
                    for (int64_t p = 0; p < tok.size(1); ++p) {
                        const int64_t t = tgt_a[n][p];
                        if (t == batches::kIgnore) continue;
                        if (seen++ < kAnswerLeadTokens) continue;
                        total += lp_a[n][p - logp.start[size_t(n)]][t];
                    }
                    out[order[owner[size_t(n)].first]][size_t(owner[size_t(n)].second)] = total;
                }
            }
            for (const std::string & key : chunk_keys)
                if (last_use[key] < end) features.erase(key);
            reporter.update(int64_t(end));
        }
        return out;
    }

    std::vector<std::vector<float>> embed_images(const std::vector<Image> & list) override {
        torch::NoGradGuard no_grad;
        net_->eval();
        std::vector<std::vector<float>> out;
        batches::ImageSource source(config_.image_size);
        for (size_t begin = 0; begin < list.size(); begin += 64) {
            std::vector<std::shared_ptr<const Image>> chunk;
            for (size_t i = begin; i < std::min(list.size(), begin + 64); ++i) {
                const Image & image = list[i];
                chunk.push_back(std::make_shared<const Image>(
                    image.width == config_.image_size && image.height == config_.image_size
                        ? image : resize(image, config_.image_size, config_.image_size)));
            }
            auto e = net_->embed(source.tensor(chunk).to(device())).cpu().contiguous();
            for (int64_t r = 0; r < e.size(0); ++r) out.emplace_back(e[r].data_ptr<float>(), e[r].data_ptr<float>() + e.size(1));
        }
        return out;
    }

    void save(const std::string & dir) const override {
        namespace fs = std::filesystem;
        std::error_code ec;
        fs::create_directories(dir, ec);
        if (ec) throw Error(Status::Io, "cannot create model directory '" + dir + "': " + ec.message());
        save_weights(dir + "/weights.pt");
        write_file_atomic(dir + "/vocab.json", tokenizer_.to_json() + "\n");
        write_file_atomic(dir + "/model.json", config_json(config_) + "\n");  // last: marks the directory complete
    }

    void load_weights(const std::string & path) {
        try {
            torch::serialize::InputArchive archive;
            archive.load_from(path, device());
            net_->load(archive);
        } catch (const c10::Error & e) {
            throw Error(Status::Format, "cannot load weights '" + path + "': " + e.what_without_backtrace());
        }
        net_->eval();
    }

private:
    double learning_rate(const TrainOptions & o, int64_t step) const {
        if (step < o.warmup_steps) return o.learning_rate * double(step + 1) / double(o.warmup_steps);
        const double progress = double(step - o.warmup_steps) / double(std::max(1, o.steps - o.warmup_steps));
        return o.learning_rate * (0.1 + 0.9 * 0.5 * (1 + std::cos(3.141592653589793 * std::min(1.0, progress))));
    }

    void save_weights(const std::string & path) const {
        torch::serialize::OutputArchive archive;
        net_->save(archive);
        const std::string temp = path + ".tmp";
        archive.save_to(temp);
        if (std::rename(temp.c_str(), path.c_str()) != 0) throw Error(Status::Io, "cannot write '" + path + "'");
    }

    // A checkpoint is a folder written whole before it replaces the last one: files go into
    // DIR/next, then DIR/current becomes DIR/previous and DIR/next becomes DIR/current. A kill
    // at any moment leaves a complete current or previous folder (never weights of one step with
    // the optimizer or step count of another); a half-written next is never read.
    void checkpoint(const TrainOptions & o, torch::optim::AdamW & optimizer, const torch::nn::Linear & head, int64_t step) const {
        namespace fs = std::filesystem;
        const fs::path root(o.checkpoint_dir), next = root / "next", current = root / "current", previous = root / "previous";
        fs::remove_all(next);
        fs::create_directories(next);
        save_weights((next / "weights.pt").string());
        torch::save(optimizer, (next / "optimizer.pt").string());
        if (head) torch::save(head, (next / "grounding_head.pt").string());
        JsonWriter w;
        w.begin_object().key("step").value(step).key("steps").value(o.steps).key("seed").value(o.seed)
            .key("grounding_weight").value(o.grounding_weight).end_object();
        write_file_atomic((next / "progress.json").string(), w.str() + "\n");
        fs::remove_all(previous);
        if (fs::exists(current)) fs::rename(current, previous);
        fs::rename(next, current);
        fs::remove_all(previous);
    }

    // Continues an interrupted run of the same length and seed from its last checkpoint.
    int64_t resume(const TrainOptions & o, torch::optim::AdamW & optimizer, torch::nn::Linear & head) {
        // current, else previous (a kill between the two renames); a folder written before
        // checkpoints had these (its files directly in DIR) last.
        std::string dir;
        for (const char * candidate : {"/current", "/previous", ""})
            if (file_exists(o.checkpoint_dir + candidate + "/progress.json")) {
                dir = o.checkpoint_dir + candidate;
                break;
            }
        if (dir.empty()) return 0;
        const std::string progress = dir + "/progress.json";
        simdjson::padded_string copy;
        simdjson::dom::parser   parser;
        simdjson::dom::element  root;
        simdjson::dom::object   obj;
        int64_t step = 0, steps = 0, seed = 0;
        std::string why;
        const std::string text = read_file(progress);
        if (json::parse_document(parser, text, false, copy, root) || root.get(obj) || !json::get_int(obj, "step", step, why) ||
            !json::get_int(obj, "steps", steps, why) || !json::get_int(obj, "seed", seed, why))
            throw Error(Status::Format, progress + ": not a training checkpoint");
        double grounding = 0;  // absent in checkpoints written before the objective
        if (json::has(obj, "grounding_weight") && !json::get_double(obj, "grounding_weight", grounding, why))
            throw Error(Status::Format, progress + ": " + why);
        if (steps != o.steps || uint64_t(seed) != o.seed || grounding != o.grounding_weight) return 0;  // another run's checkpoint
        load_weights(dir + "/weights.pt");
        torch::load(optimizer, dir + "/optimizer.pt");
        if (head) torch::load(head, dir + "/grounding_head.pt");
        log(LogLevel::Info, "train: resuming at step " + std::to_string(step) + " from " + dir);
        return step;
    }

    ModelConfig config_;
    Tokenizer   tokenizer_;
    net::Mllm   net_{nullptr};
};

}  // namespace

int builtin_model_format() { return kFormat; }

std::string compute_device() { return torch::cuda::is_available() ? "cuda" : "cpu"; }

double measure_sgemm_flops(int n, int repeats, int threads) {
    use_cpu_blas_kernels();  // the peak of the kernels the models run on
    set_threads(threads);
    torch::NoGradGuard no_grad;
    auto a = torch::randn({n, n}, torch::TensorOptions().device(device()));
    auto b = torch::randn({n, n}, torch::TensorOptions().device(device()));
    auto c = torch::mm(a, b);  // warm-up
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i) c = torch::mm(a, b);
    (void)c.sum().item<float>();  // waits for the device
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return repeats * 2.0 * double(n) * n * n / seconds;
}

std::unique_ptr<Model> create_builtin_model(const ModelConfig & config, Tokenizer tokenizer) {
    return std::make_unique<BuiltinModel>(config, std::move(tokenizer));
}

std::unique_ptr<Model> load_model(const std::string & dir) {
    const std::string description = dir + "/model.json";
    if (!file_exists(description)) throw Error(Status::NotFound, "no model in '" + dir + "' (model.json is missing)");
    const ModelConfig config    = config_from_json(read_file(description), description);
    Tokenizer         tokenizer = Tokenizer::from_json(read_file(dir + "/vocab.json"));
    auto              model     = std::make_unique<BuiltinModel>(config, std::move(tokenizer));
    model->load_weights(dir + "/weights.pt");
    return model;
}

}  // namespace dataengine
