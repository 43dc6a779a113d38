// Internal to src/model: the built-in MLLM's LibTorch modules.
//   image [B, 3, S, S] -> conv stem (BatchNorm) -> token grid [B, G*G, d] + positions
//   -> pre-norm transformer encoder -> r x r neighbours concatenated (P*P prefix tokens)
//   -> MLP projector + fixed 2-D positions
//   decoder input: [prefix; <bos> text...] with a prefix-LM mask: the image prefix and the
//   prompt (question, options) see each other, the answer is causal (bidirectional_prompt;
//   without it only the image prefix sees itself)
//   -> pre-norm transformer decoder -> LM head tied to the token embedding.
#pragma once
#include <torch/torch.h>

#include "dataengine/model.hpp"

namespace dataengine::net {

// Fixed sine/cosine codes of the row and column of each cell of a side x side grid: [1, side*side, dim].
torch::Tensor grid_positions(int side, int dim);

// One attention layer's keys and values, [B, H, S, E]: the cache of a shared context.
struct KeyValues {
    torch::Tensor keys, values;
};

struct BlockImpl : torch::nn::Module {
    BlockImpl(int dim, int heads);
    // x [B, T, d] attends to `past` (if given: an earlier part of the same sequences) and to
    // itself under `mask`, additive [T, S + T] or [B, 1, T, S + T], or undefined. `keep`
    // receives this call's own keys and values.
    torch::Tensor forward(const torch::Tensor & x, const torch::Tensor & mask, const KeyValues * past = nullptr,
                          KeyValues * keep = nullptr);
    // Only this layer's keys and values of x: what the last layer of a cached context must
    // give, since nothing reads its outputs.
    KeyValues key_values(const torch::Tensor & x);
    int heads;
    torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Linear    qkv{nullptr}, proj{nullptr}, up{nullptr}, down{nullptr};
};
TORCH_MODULE(Block);

struct EncoderImpl : torch::nn::Module {
    explicit EncoderImpl(const ModelConfig & config);
    torch::Tensor forward(const torch::Tensor & images);  // -> [B, G*G, d]
    torch::nn::Sequential stem{nullptr};
    torch::Tensor         positions;
    torch::nn::ModuleList blocks{nullptr};
    torch::nn::LayerNorm  norm{nullptr};
};
TORCH_MODULE(Encoder);

struct MllmImpl : torch::nn::Module {
    MllmImpl(const ModelConfig & config, int vocab);
    // The decoder's image prefix for a batch of images: [B, P*P, d]. `encoded` (optional)
    // receives the encoder's tokens [B, G*G, d], which the grounding objective reads.
    torch::Tensor prefix(const torch::Tensor & images, torch::Tensor * encoded = nullptr);
    // Logits [B, T, vocab] for text tokens [B, T] after the prefix [B, P*P, d]. prompt_lengths
    // [B] (optional): row b's first prompt_lengths[b] tokens are its prompt, which joins the
    // image in the bidirectional part of the mask when the config asks for it.
    torch::Tensor logits(const torch::Tensor & prefix, const torch::Tensor & tokens,
                         const torch::Tensor & prompt_lengths = {});
    // Scoring options without repeating their shared context: context() runs [prefix; tokens]
    // once per question and keeps every decoder layer's keys and values; continuation_logits()
    // then runs each option's own tokens [N, A] against the context row rows[n], of which the
    // first lengths[n] text tokens are real (the rest padding). Same logits as logits() on the
    // whole sequences.
    std::vector<KeyValues> context(const torch::Tensor & prefix, const torch::Tensor & tokens,
                                   const torch::Tensor & prompt_lengths = {});
    // The same context in two steps, when the prompt is not in the bidirectional prefix (the
    // image tokens then attend only to each other, so their keys and values depend on the image
    // alone): image_context() runs the prefixes of U distinct images [U, P*P, d] once;
    // text_context() runs each question's tokens [Q, T] against image row images[q] and returns
    // the whole context's keys and values, as context() would. Circular copies and other
    // questions about one image then share the decoder's work on its 64 image tokens.
    std::vector<KeyValues> image_context(const torch::Tensor & prefix);
    std::vector<KeyValues> text_context(const std::vector<KeyValues> & image, const torch::Tensor & images,
                                        const torch::Tensor & tokens);
    torch::Tensor continuation_logits(const std::vector<KeyValues> & context, const torch::Tensor & rows,
                                      const torch::Tensor & lengths, const torch::Tensor & tokens);
    // Image embeddings for ABS: mean and max of the stem's features, L2-normalised, [B, 2d].
    torch::Tensor embed(const torch::Tensor & images);

    ModelConfig           config;
    Encoder               encoder{nullptr};
    torch::nn::LayerNorm  merge_norm{nullptr};
    torch::nn::Linear     projector_in{nullptr}, projector_out{nullptr};
    torch::Tensor         prefix_positions;
    torch::nn::Embedding  token_embedding{nullptr};
    torch::Tensor         text_positions;
    torch::nn::ModuleList blocks{nullptr};
    torch::nn::LayerNorm  norm{nullptr};
};
TORCH_MODULE(Mllm);

}  // namespace dataengine::net
