// Internal to src/model: the built-in MLLM's LibTorch modules.
//   image [B, 3, S, S] -> conv stem (BatchNorm) -> token grid [B, G*G, d] + positions
//   -> pre-norm transformer encoder -> r x r neighbours concatenated (P*P prefix tokens)
//   -> MLP projector + fixed 2-D positions
//   decoder input: [prefix; <bos> text...] with a prefix-LM mask (prefix sees itself, text is causal)
//   -> pre-norm transformer decoder -> LM head tied to the token embedding.
#pragma once
#include <torch/torch.h>

#include "dataengine/model.hpp"

namespace dataengine::net {

// Fixed sine/cosine codes of the row and column of each cell of a side x side grid: [1, side*side, dim].
torch::Tensor grid_positions(int side, int dim);

struct BlockImpl : torch::nn::Module {
    BlockImpl(int dim, int heads);
    torch::Tensor forward(const torch::Tensor & x, const torch::Tensor & mask);  // mask: additive [T, T] or undefined
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
    // The decoder's image prefix for a batch of images: [B, P*P, d].
    torch::Tensor prefix(const torch::Tensor & images);
    // Logits [B, T, vocab] for text tokens [B, T] after the prefix [B, P*P, d].
    torch::Tensor logits(const torch::Tensor & prefix, const torch::Tensor & tokens);
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
