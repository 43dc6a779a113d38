// include/dataengine/gen.hpp: targeted data generation (DESIGN §4.4).
//
// For each query of a GenerationPlan: render the prompt (the type's name and definition, the
// pool image's description, the in-context bad cases, the rules), ask an LLM backend, parse the
// free-text or JSON reply, validate it (the paper's filters and more), and keep the accepted
// samples with their provenance, counting every rejection under its reason.
//
// Backends: a host function (the C ABI's callback), an external command (one JSON request on
// stdin, the reply on stdout; timeout, concurrency, retries with backoff; no shell), and the
// embedded world's offline generator, which answers from the scene graph as an LLM would write
// and makes a configurable share of realistic mistakes.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dataengine/abs.hpp"  // GenerationPlan
#include "dataengine/core.hpp"
#include "dataengine/data.hpp"

namespace dataengine {

class World;

// ---------------------------------------------------------------------------------------------
// Prompts

// A generation prompt: a template with {type}, {definition}, {description}, {examples} and
// {rules} placeholders, and the rules it lists. IPO (issue 5) makes new versions of it.
struct PromptTemplate {
    std::string              version = "v0";
    std::string              text;
    std::vector<std::string> rules;
    static PromptTemplate    default_template();  // what the paper's prompt asks, in our words
};

// What the generator asks for one query.
struct GenerationRequest {
    std::string              prompt;       // rendered, what an LLM reads
    std::string              type, definition;
    std::string              image_id;     // pool image
    std::string              description;  // its captions and boxes
    std::vector<std::string> example_ids;
    std::string              prompt_version;
    uint64_t                 seed = 0;     // per query: a deterministic backend uses it
    std::string              to_json() const;  // the external command's stdin
};

// An in-context example as the paper writes it:
//   Question: ...\nChoices: (A) ... (B) ...\nAnswer: The answer is (X): <rationale>
std::string format_example(const Sample & sample);
// Fills the template; throws Error(Invalid) naming an unknown {placeholder}.
std::string render_prompt(const PromptTemplate & prompt, std::string_view type, std::string_view definition,
                          std::string_view description, const std::vector<const Sample *> & examples);

// ---------------------------------------------------------------------------------------------
// Replies

// A reply parsed into a question. Free text uses the paper's markers (Question:, Choices: or
// Options:, Answer:, and Explanation:/Reason:/Rationale:; options (A)..(E), "A." or "A)"); a
// reply that is a JSON object uses {"question", "options" | "choices", "answer", "rationale"}.
struct ParsedReply {
    bool                     skipped = false;  // the LLM said "Skip"
    std::string              question;
    std::vector<std::string> options;
    int                      answer = -1;      // -1: no answer letter found
    std::string              answer_text;      // the text after the letter, if any
    std::string              rationale;
};
// Throws Error(Format) with the problem when the reply has no recognisable layout.
ParsedReply parse_reply(std::string_view reply);

// Why a reply was not kept. Stable names (for tables and JSON): see rejection_name.
enum class Rejection {
    BackendError,      // the backend failed or timed out after its retries
    Malformed,         // no recognisable question/choices/answer layout
    Skipped,           // the LLM answered "Skip"
    EmptyField,        // empty question, option or missing answer
    TooFewOptions,     // fewer than 2 (or more than kMaxOptions) options
    AnswerNotInOptions,// the answer letter names no option, or its text contradicts it
    DuplicateOptions,  // two options with the same text
    Coordinates,       // mentions coordinates or bounding boxes (the paper's filter)
    TypeMismatch,      // the question does not ask what its type asks (a checker said so)
    WrongAnswer,       // a checker knows the right answer and it is another (world backend)
    MissingRationale,  // rationale required and absent
    NearDuplicate,     // the same question about the same image exists already
};
const char * rejection_name(Rejection reason);  // "backend_error", "malformed", ...
const std::vector<Rejection> & all_rejections();

// ---------------------------------------------------------------------------------------------
// Mistakes generator LLMs make, and whether a prompt instructs against each

// The kinds of mistake the world's offline generator makes (and a reviewer or validator catches).
enum class Mistake {
    WrongAnswer,         // the marked answer is not what the image shows
    AnswerNotInOptions,  // the answer letter names no choice
    DuplicateOptions,    // two choices alike
    Coordinates,         // leaks box coordinates into the question
    MissingRationale,    // no explanation
    Skip,                // "Skip" although the image supports the question
    Malformed,           // the reply layout is broken (no choices line)
    OffType,             // asks another type's question
};
const char * mistake_name(Mistake mistake);  // "wrong_answer", ... (stable)
const std::vector<Mistake> & all_mistakes();
// True when one sentence of `prompt` instructs against the mistake: matched on word stems that
// must occur together (e.g. "check" + "answer" for wrong answers, a negation + "coordinates"),
// not on one exact phrase, so a rewriter's own wording counts.
bool prompt_addresses(std::string_view prompt, Mistake mistake);

// ---------------------------------------------------------------------------------------------
// Backends

// One call per request; may be called from several threads at once (concurrency > 1).
// Throws on failure (retried by the generator).
class LlmBackend {
public:
    virtual ~LlmBackend() = default;
    virtual std::string name() const = 0;
    virtual std::string complete(const GenerationRequest & request) = 0;
};

// A host function: the C ABI's callback, or any C++ callable.
std::unique_ptr<LlmBackend> function_backend(std::function<std::string(const GenerationRequest &)> fn,
                                             std::string name = "host");

// An external program run once per request without a shell: argv[0] is looked up on PATH; the
// request's JSON goes to its stdin, its stdout is the reply. Killed after timeout_seconds.
struct CommandOptions {
    std::vector<std::string> argv;
    double                   timeout_seconds = 60;
};
std::unique_ptr<LlmBackend> command_backend(CommandOptions options);
// Splits "prog --flag 'two words'" into argv (single/double quotes, backslash escapes); the
// command line of --llm-cmd. No expansion of any kind. Throws Error(Invalid) on an open quote.
std::vector<std::string> split_command_line(std::string_view line);

// The embedded world's generator: reads the pool image's scene (ids "pool-NNNNNN"), asks a
// question of the requested type with the world's own question maker, and writes it in the
// paper's free-text layout. Like a real LLM it is prompt-sensitive: a share `mistake_rate` of
// replies carry one realistic mistake of a kind drawn uniformly from all_mistakes(), and a kind
// the prompt addresses (prompt_addresses) is made only `addressed_factor` as often. Scenes that
// cannot support the type get "Skip".
struct WorldBackendOptions {
    double mistake_rate     = 0.2;   // with a prompt that addresses no mistake
    bool   with_rationale   = true;
    double addressed_factor = 0.15;  // rate multiplier for a mistake the prompt instructs against
};
std::unique_ptr<LlmBackend> world_backend(std::shared_ptr<const World> world, WorldBackendOptions options = {});
// The pool images on which the world's generator can ask a `type` question (its question maker
// tried on the image's scene): the content filter for ABS plans and IPO batches on the world,
// so that no query is spent on an image that can only get "Skip". Non-world images pass.
std::function<bool(std::string_view type, const PoolImage & image)> world_question_filter(std::shared_ptr<const World> world);

// ---------------------------------------------------------------------------------------------
// The generator

// Checks a parsed question against ground truth when there is some (the world: the scene
// graph). Returns the right option's index, -1 when it cannot tell, or -2 when the question is
// not of `type`.
using AnswerChecker = std::function<int(const std::string & image_id, const std::string & type, const Sample & question)>;
AnswerChecker world_checker(std::shared_ptr<const World> world);

struct GeneratorOptions {
    int    concurrency = 1;       // requests in flight
    int    retries     = 2;       // per request, after the first try
    double backoff_seconds = 0.5; // doubled per retry
    bool   require_rationale = false;
    int    round = -1;            // written into provenance
    uint64_t seed = 0;
    std::string id_prefix = "gen";  // accepted samples are "<prefix>-<query index>"
};

// One query's fate.
struct QueryOutcome {
    size_t                   query = 0;
    bool                     accepted = false;
    std::optional<Rejection> rejection;
    std::string              detail;  // why, in words
    std::string              reply;   // raw reply (empty on backend error)
};

struct GenerationResult {
    Dataset                      samples;   // accepted, ids "<prefix>-<query index>"
    std::vector<QueryOutcome>    outcomes;  // one per query, in plan order
    std::map<std::string, int>   accepted_by_type;
    std::map<std::string, int>   rejected_by_reason;  // rejection_name -> count
};

// Runs every query of `plan`. The benchmark supplies the in-context examples, the pool the
// descriptions and images (accepted samples point at the pool image, under the pool's root).
// `existing` (may be null) is data that a new question must not duplicate. Progress counts
// queries; a cancel from the callback stops with Error(Aborted).
GenerationResult generate(const GenerationPlan & plan, const Dataset & benchmark, const ImagePool & pool,
                          LlmBackend & backend, const PromptTemplate & prompt, const GeneratorOptions & options = {},
                          const AnswerChecker & checker = {}, const Dataset * existing = nullptr,
                          const ProgressCallback & progress = {});

// Validates one reply for one query (the generator's own step, exposed for tests and IPO):
// the sample on success, else the rejection and why.
struct Validation {
    std::optional<Sample>    sample;
    std::optional<Rejection> rejection;
    std::string              detail;
};
Validation validate_reply(std::string_view reply, const PlannedQuery & query, const GeneratorOptions & options,
                          const AnswerChecker & checker = {});

std::string rejections_to_json(const std::map<std::string, int> & rejected_by_reason);

}  // namespace dataengine
