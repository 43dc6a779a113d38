// generate(): prompts for a plan's queries, replies from a backend (concurrently, with retries),
// then validation and de-duplication in plan order, so the result does not depend on timing.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "dataengine/gen.hpp"
#include "dataengine/world.hpp"

namespace dataengine {
namespace {

class FunctionBackend final : public LlmBackend {
public:
    FunctionBackend(std::function<std::string(const GenerationRequest &)> fn, std::string name)
        : fn_(std::move(fn)), name_(std::move(name)) {
        if (!fn_) throw Error(Status::Invalid, "function backend: no function");
    }
    std::string name() const override { return name_; }
    std::string complete(const GenerationRequest & request) override { return fn_(request); }
private:
    std::function<std::string(const GenerationRequest &)> fn_;
    std::string name_;
};

// Same question about the same image: lower-case words only.
std::string duplicate_key(const std::string & image, const std::string & question) {
    std::string key = image + "|";
    for (const char c : to_lower(question))
        if (std::isalnum(static_cast<unsigned char>(c))) key += c;
        else if (!key.empty() && key.back() != ' ') key += ' ';
    return trim(key);
}

std::string image_key(const Sample & s) { return s.provenance.query_image.empty() ? s.image.value : s.provenance.query_image; }

struct Reply {
    bool        ok = false;
    std::string text;   // the reply, or the last error
    int         tries = 0;
};

}  // namespace

std::unique_ptr<LlmBackend> function_backend(std::function<std::string(const GenerationRequest &)> fn, std::string name) {
    return std::make_unique<FunctionBackend>(std::move(fn), std::move(name));
}

GenerationResult generate(const GenerationPlan & plan, const Dataset & benchmark, const ImagePool & pool,
                          LlmBackend & backend, const PromptTemplate & prompt, const GeneratorOptions & options,
                          const AnswerChecker & checker, const Dataset * existing, const ProgressCallback & progress) {
    if (options.concurrency < 1 || options.retries < 0 || options.backoff_seconds < 0)
        throw Error(Status::Invalid, "generate: concurrency >= 1, retries >= 0 and backoff >= 0 are required");
    // Requests first: every missing example or image is an error before any backend call.
    std::vector<GenerationRequest> requests;
    for (size_t i = 0; i < plan.queries.size(); ++i) {
        const PlannedQuery & q = plan.queries[i];
        const PoolImage * image = pool.find(q.image_id);
        if (!image) throw Error(Status::NotFound, "generate: query " + std::to_string(i) + ": pool image '" + q.image_id + "' not in the pool");
        std::vector<const Sample *> examples;
        for (const std::string & id : q.example_ids) {
            const Sample * s = benchmark.find(id);
            if (!s) throw Error(Status::NotFound, "generate: query " + std::to_string(i) + ": example '" + id + "' not in the benchmark");
            examples.push_back(s);
        }
        const QuestionType * known = find_question_type(q.type);
        GenerationRequest r;
        r.type        = q.type;
        r.definition  = known ? known->definition : "questions of the type \"" + q.type + "\"";
        r.image_id    = q.image_id;
        r.description = image->description;
        r.example_ids = q.example_ids;
        r.prompt_version = prompt.version;
        r.prompt      = render_prompt(prompt, r.type, r.definition, r.description, examples);
        r.seed        = Rng(options.seed).fork(i).next();
        requests.push_back(std::move(r));
    }

    // Replies, `concurrency` at a time; the calling thread reports progress and relays a cancel.
    std::vector<Reply>  replies(requests.size());
    std::atomic<size_t> next{0}, done{0};
    std::atomic<bool>   stop{false};
    std::mutex              mutex;
    std::condition_variable changed;
    auto worker = [&] {
        for (size_t i; !stop && (i = next++) < requests.size();) {
            Reply & reply = replies[i];
            double wait = options.backoff_seconds;
            for (int attempt = 0; attempt <= options.retries && !stop; ++attempt) {
                ++reply.tries;
                try {
                    reply.text = backend.complete(requests[i]);
                    reply.ok   = true;
                    break;
                } catch (const std::exception & e) {
                    reply.text = e.what();
                }
                if (attempt < options.retries) {
                    std::unique_lock<std::mutex> lock(mutex);
                    changed.wait_for(lock, std::chrono::duration<double>(wait), [&] { return stop.load(); });
                    wait *= 2;
                }
            }
            ++done;
            changed.notify_all();
        }
    };
    ProgressReporter reporter(progress, "generate", int64_t(requests.size()));
    std::vector<std::thread> threads;
    for (int t = 0; t < std::min<int>(options.concurrency, int(std::max<size_t>(1, requests.size()))); ++t) threads.emplace_back(worker);
    try {
        for (;;) {
            std::unique_lock<std::mutex> lock(mutex);
            changed.wait_for(lock, std::chrono::milliseconds(200));
            lock.unlock();
            reporter.update(int64_t(done.load()));
            if (done.load() == requests.size()) break;
        }
    } catch (...) {
        stop = true;
        changed.notify_all();
        for (auto & t : threads) t.join();
        throw;
    }
    for (auto & t : threads) t.join();

    // Validation and de-duplication, in plan order.
    GenerationResult result;
    result.samples = Dataset(pool.image_root());
    std::set<std::string> seen;
    if (existing)
        for (const Sample & s : existing->samples()) seen.insert(duplicate_key(image_key(s), s.question));
    for (size_t i = 0; i < requests.size(); ++i) {
        const PlannedQuery & q = plan.queries[i];
        QueryOutcome outcome;
        outcome.query = i;
        if (!replies[i].ok) {
            outcome.rejection = Rejection::BackendError;
            outcome.detail    = replies[i].text + " (after " + std::to_string(replies[i].tries) + " tries)";
        } else {
            outcome.reply = replies[i].text;
            Validation v = validate_reply(replies[i].text, q, options, checker);
            if (v.sample && !seen.insert(duplicate_key(q.image_id, v.sample->question)).second) {
                v.rejection = Rejection::NearDuplicate;
                v.detail    = "the same question about this image exists";
                v.sample.reset();
            }
            if (v.sample) {
                Sample & s = *v.sample;
                s.id    = options.id_prefix + "-" + std::to_string(i);
                s.image = pool.find(q.image_id)->image;
                s.provenance.source         = "gen:" + backend.name();
                s.provenance.round          = options.round;
                s.provenance.prompt_version = prompt.version;
                s.provenance.in_context_ids = q.example_ids;
                s.provenance.query_image    = q.image_id;
                s.provenance.query_reason   = query_reason_name(q.reason);
                ++result.accepted_by_type[q.type];
                result.samples.add(std::move(s));
                outcome.accepted = true;
            } else {
                outcome.rejection = v.rejection;
                outcome.detail    = v.detail;
            }
        }
        if (outcome.rejection) ++result.rejected_by_reason[rejection_name(*outcome.rejection)];
        result.outcomes.push_back(std::move(outcome));
    }
    return result;
}

}  // namespace dataengine
