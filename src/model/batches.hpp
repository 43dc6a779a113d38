// Internal to src/model: turning samples into tensors, and a background batch loader.
#pragma once
#include <torch/torch.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "dataengine/model.hpp"

namespace dataengine::batches {

constexpr int64_t kIgnore = -100;  // target of positions that carry no loss

// Decoded images by path (or sample id for inline bytes), resized to the model's input size.
class ImageSource {
public:
    ImageSource(int image_size, size_t cache_bytes = size_t(512) << 20) : size_(image_size), cache_(cache_bytes) {}
    std::shared_ptr<const Image> get(const Dataset & data, const Sample & sample);
    static std::string key(const Dataset & data, const Sample & sample);
    // Normalised CHW floats of `images` as one [N, 3, S, S] tensor.
    torch::Tensor tensor(const std::vector<std::shared_ptr<const Image>> & images) const;
private:
    int        size_;
    ImageCache cache_;
};

struct Batch {
    torch::Tensor images;   // [B, 3, S, S]
    torch::Tensor tokens;   // [B, T] input ids (<bos> first)
    torch::Tensor targets;  // [B, T] next-token ids, kIgnore where no loss
    // With a grounding weight: [B, G*G, vocab], the words naming the object at a token's place
    // (grounding_targets), and [B], 1 for the rows whose sample has boxes. Undefined otherwise.
    torch::Tensor grounding, grounded;
    int64_t       step = 0;
};

// One training sequence: [<bos>] + context + target + [<eos>], loss on target and <eos>;
// appends the inputs and their next-token targets (kIgnore outside the target), unpadded.
void append_sequence(const Tokenizer & tokenizer, const std::string & context, const std::string & target,
                     int max_tokens, std::vector<int64_t> & tokens, std::vector<int64_t> & targets);

// A batch of sequences, padded to its longest when turned into [N, T] tensors.
struct Sequences {
    std::vector<std::vector<int64_t>> tokens, targets;
    int64_t                           longest = 0;
    void add(const Tokenizer & tokenizer, const std::string & context, const std::string & target, int max_tokens);
    std::pair<torch::Tensor, torch::Tensor> tensors();  // (tokens, targets)
    size_t size() const { return tokens.size(); }
};

// Per row of targets [B, T] (CPU): how many input tokens come before the first one that predicts
// a target, i.e. <bos> and the prompt; T for a row without targets. [B], int64.
torch::Tensor prompt_lengths(const torch::Tensor & targets);

// Per cell of a side x side grid over the image (row-major), the words naming the smallest box
// that contains the cell's centre, as a distribution (equal shares) into `row` [side*side, vocab];
// <pad> where no box does.
void grounding_targets(const Tokenizer & tokenizer, const std::vector<BoxObject> & boxes, int side, torch::Tensor row);

// Makes batch `step` of a training run deterministically from (seed, step), in a background
// thread, a few batches ahead of the trainer.
class Loader {
public:
    Loader(const std::vector<TrainSource> & sources, const TrainOptions & options, const Tokenizer & tokenizer,
           const ModelConfig & config, int64_t first_step, int64_t end_step);
    ~Loader();
    Batch next();  // rethrows a loader failure (a missing image, ...)
private:
    Batch make(int64_t step);
    void  run();

    std::vector<TrainSource> sources_;
    TrainOptions             options_;
    const Tokenizer &        tokenizer_;
    ModelConfig              config_;
    ImageSource              images_;
    int64_t                  next_step_, end_step_;
    std::deque<Batch>        ready_;
    std::exception_ptr       error_;
    bool                     stop_ = false;
    std::mutex               mutex_;
    std::condition_variable  changed_;
    std::thread              thread_;
};

}  // namespace dataengine::batches
