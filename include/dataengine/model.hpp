// include/dataengine/model.hpp: the Model interface and the built-in multimodal LLM
// (DESIGN §4.1). This header is plain C++: LibTorch stays inside src/model.
//
// A model scores the options of multiple-choice questions (a log-likelihood per option), trains
// on datasets, embeds images (for ABS similarity), and saves and loads itself. The built-in MLLM
// is a small convolutional-stem ViT image encoder, a projector and a decoder-only language model
// over [image tokens; text tokens], trained in two stages as real MLLMs are: alignment on
// image-caption pairs, then instruction tuning on questions (loss on the answer only).
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "dataengine/core.hpp"
#include "dataengine/data.hpp"
#include "dataengine/image.hpp"

namespace dataengine {

// ---------------------------------------------------------------------------------------------
// Tokenizer: words, numbers and punctuation marks as tokens, vocabulary built from a corpus.
// Case is kept (glyph letters and option letters are capitals). Unknown words map to <unk>.
class Tokenizer {
public:
    static constexpr int kPad = 0, kBos = 1, kEos = 2, kUnk = 3;

    Tokenizer();  // only the four special tokens
    static std::vector<std::string> split_words(std::string_view text);
    // Adds every word of `texts` (in first-seen order, so the ids are deterministic).
    void add_words(const std::vector<std::string> & texts);

    std::vector<int> encode(std::string_view text) const;
    std::string      decode(const std::vector<int> & ids) const;  // words joined as split_words saw them
    int              size() const { return int(words_.size()); }
    const std::string & word(int id) const { return words_.at(size_t(id)); }

    std::string      to_json() const;
    static Tokenizer from_json(std::string_view json);  // throws Error(Format)
    bool operator==(const Tokenizer & o) const { return words_ == o.words_; }

private:
    std::vector<std::string>              words_;
    std::unordered_map<std::string, int>  ids_;
};

// The text a built-in model sees for a question (the QM-A layout of the paper) and the answer it
// is trained to produce: "The answer is (X) text." (QM-AE appends the rationale).
std::string question_prompt(const Sample & sample);
std::string answer_text(const Sample & sample, int option, bool with_rationale = false);

// ---------------------------------------------------------------------------------------------
// Training inputs and results

// One source of a training mix. kind Captions: samples whose direct_answers[0] is the caption
// of their image (stage 1); kind Questions: multiple-choice samples with answers (stage 2).
struct TrainSource {
    enum class Kind { Captions, Questions };
    const Dataset * data   = nullptr;
    Kind            kind   = Kind::Questions;
    double          weight = 1.0;  // sampling ratio among sources (the paper mixes original and generated data)
};

struct TrainOptions {
    int      steps        = 300;
    int      batch_size   = 64;
    double   learning_rate = 1e-3;
    double   weight_decay = 0.01;
    int      warmup_steps = 30;   // linear warmup, then cosine decay to 10%
    double   grad_clip    = 1.0;  // max global gradient norm
    uint64_t seed         = 0;
    int      threads      = 0;    // LibTorch intra-op threads; 0: all cores (it defaults to 1 otherwise)
    int      loader_threads = 1;  // background threads that decode and batch images
    bool     with_rationale = false;  // QM-AE targets
    // Grounding objective (built-in model): where a sample carries object boxes (extra["boxes"],
    // box lines as describe_image prints them), each image token also learns which words name the
    // object at its place; this weight scales that loss against the text loss (0: off).
    double   grounding_weight = 0;
    // Checkpoints: every N steps (0: none) into checkpoint_dir, which resume() reads back.
    int         checkpoint_every = 0;
    std::string checkpoint_dir;
};

struct TrainReport {
    int                 steps = 0;
    std::vector<double> losses;  // mean loss per step
    std::vector<double> grounding_losses;  // the grounding objective's part, per step (when on)
    double              seconds = 0;
    double              checkpoint_seconds = 0;  // the part of `seconds` spent writing checkpoints
    double              samples_per_second = 0;
    double              first_loss() const { return losses.empty() ? 0 : losses.front(); }
    double              last_loss(int window = 10) const;  // mean of the last `window` steps
};

struct ScoreOptions {
    // Encode each distinct image once per call and reuse it for every option and circular copy.
    bool cache_image_features = true;
    // Run the tokens that all options of a question share (image, question, options, "The answer
    // is (") once, and only each option's own tail per option. Same scores, less work.
    bool share_context        = true;
    int  batch_questions      = 16;  // questions scored together (x options sequences)
    int  threads              = 0;   // LibTorch intra-op threads; 0: all cores
};

// ---------------------------------------------------------------------------------------------
// The interface

class Model {
public:
    virtual ~Model() = default;
    virtual std::string kind() const = 0;  // "builtin", "torchscript", "host"

    // Log-likelihood of each option of each question: result[i][k] for data[indices[i]].
    // Questions without options get an empty row.
    virtual std::vector<std::vector<double>> score(const Dataset & data, const std::vector<size_t> & indices,
                                                   const ScoreOptions & options = {},
                                                   const ProgressCallback & progress = {}) = 0;
    // Continues training from the current weights on a mix of sources.
    virtual TrainReport train(const std::vector<TrainSource> & sources, const TrainOptions & options,
                              const ProgressCallback & progress = {}) = 0;
    // One L2-normalised vector per image.
    virtual std::vector<std::vector<float>> embed_images(const std::vector<Image> & images) = 0;
    virtual void save(const std::string & dir) const = 0;
};

// Sets every pool image's embedding from model.embed_images, decoding the files under the
// pool's root `batch` images at a time (progress phase "embed"). On an error the pool may hold
// a mix of old and new embeddings: embed a copy when that matters.
void embed_pool(Model & model, ImagePool & pool, const ProgressCallback & progress = {}, size_t batch = 256);

// The built-in MLLM's shape. Defaults fit the embedded world on a laptop CPU.
struct ModelConfig {
    int image_size     = 64;
    int dim            = 128;
    int heads          = 4;
    int encoder_layers = 2;
    int decoder_layers = 2;
    int image_tokens_side = 8;  // the encoder's token grid (64 tokens); image_size over a power of two
    int prefix_side    = 8;     // image tokens given to the decoder after merging r x r (64: none;
                                // 16 lost identity 47 -> 64 % and overall 60 -> 64 % on the world)
    int max_text_tokens = 64;
    // The prompt (question and options) joins the image in the decoder's bidirectional prefix, so
    // image tokens read the question (a prefix LM as SimVLM's) and can mark the object it names
    // before the answer looks for it: with two decoder layers it is what makes "the red object"
    // findable (README, "The built-in model"). false: only the image is prefix, and the questions
    // about one image share its decoder work when scored.
    bool bidirectional_prompt = true;
    // 3x3 convolutions at the token grid after the stem: each token sees its whole object.
    int grid_convs = 0;
    uint64_t seed      = 0;     // weight initialisation
};

// The layout version of the built-in MLLM's weights this build writes and reads.
int builtin_model_format();
// A new built-in model with random weights and `tokenizer` as its vocabulary.
std::unique_ptr<Model> create_builtin_model(const ModelConfig & config, Tokenizer tokenizer);
// Loads what Model::save wrote (the kind is read from the directory). Throws Error(Io/Format).
std::unique_ptr<Model> load_model(const std::string & dir);

// The device models run on: "cuda" when LibTorch sees a GPU, else "cpu".
std::string compute_device();

// The OpenBLAS kernel set LibTorch's CPU matrix products run on (e.g. "SkylakeX", "Haswell"), or
// "" when the BLAS is not OpenBLAS.
std::string blas_kernels();
// Debian 12's OpenBLAS falls back to generic SSE3 kernels ("Prescott") on CPUs newer than it,
// 6x slower than their own. Replaces that fallback, once, by the AVX-512 or AVX2 kernels the
// CPU supports; a core OpenBLAS recognised, a set OPENBLAS_CORETYPE and
// DATAENGINE_BLAS_KERNELS=keep are left alone (a set OPENBLAS_CORETYPE narrower than the CPU with
// one warning through the log: on an AMD Zen 5, "Haswell" made stage-2 steps 1.6x slower).
// Built-in models call it before their first product; a host running its own BLAS work on other
// threads should call it before starting them.
void use_cpu_blas_kernels();

// FLOP/s of a large LibTorch SGEMM (n x n x n, float32) on that device with `threads` threads
// (0: all cores): the peak that model utilisation is measured against.
double measure_sgemm_flops(int n = 1024, int repeats = 10, int threads = 0);

// ---------------------------------------------------------------------------------------------
// The built-in model on a world written by World::write (DESIGN §5's two-stage recipe)

// Every word of the world's captions, questions, options and rationales, and the answer layout.
Tokenizer world_tokenizer(const std::string & world_dir);

struct PretrainOptions {
    ModelConfig  config;
    TrainOptions train;  // defaults below
    PretrainOptions() {
        train.steps         = 1200;
        train.batch_size    = 64;
        train.learning_rate = 1e-3;
        train.warmup_steps  = 50;
        // Image tokens also learn what is at their place (from the captions' boxes): without it
        // the glyph stayed at chance and shapes were confused (text 27 -> 72 %, identity 64 -> 71 %
        // on world seed 1's test after stage 2).
        train.grounding_weight = 1.0;
    }
};

// Stage 1, alignment on the world's caption corpus, made once per world and cached in
// world_dir/stage1/: loaded when the cache was made with the same options, else trained and
// saved. `cached` (optional) tells which happened.
std::unique_ptr<Model> pretrained_model(const std::string & world_dir, const PretrainOptions & options,
                                        const ProgressCallback & progress = {}, bool * cached = nullptr);

}  // namespace dataengine
