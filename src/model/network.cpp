// The built-in MLLM's layers.
#include "model/network.hpp"

#include <cmath>

namespace dataengine::net {

BlockImpl::BlockImpl(int dim, int heads_) : heads(heads_) {
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    qkv   = register_module("qkv", torch::nn::Linear(dim, 3 * dim));
    proj  = register_module("proj", torch::nn::Linear(dim, dim));
    up    = register_module("up", torch::nn::Linear(dim, 4 * dim));
    down  = register_module("down", torch::nn::Linear(4 * dim, dim));
}

torch::Tensor BlockImpl::forward(const torch::Tensor & x, const torch::Tensor & mask, const KeyValues * past,
                                 KeyValues * keep) {
    const int64_t B = x.size(0), T = x.size(1), D = x.size(2), H = heads, E = D / H;
    auto parts = qkv(norm1(x)).view({B, T, 3, H, E}).permute({2, 0, 3, 1, 4});  // [3, B, H, T, E]
    auto q = parts[0], k = parts[1], v = parts[2];
    if (keep) *keep = {k, v};
    if (past) {
        k = torch::cat({past->keys, k}, 2);
        v = torch::cat({past->values, v}, 2);
    }
    auto scores = torch::matmul(q, k.transpose(-2, -1)) / std::sqrt(double(E));
    if (mask.defined()) scores = scores + mask;
    auto attended = torch::matmul(torch::softmax(scores, -1), v).transpose(1, 2).reshape({B, T, D});
    auto h = x + proj(attended);
    return h + down(torch::gelu(up(norm2(h))));
}

KeyValues BlockImpl::key_values(const torch::Tensor & x) {
    const int64_t B = x.size(0), T = x.size(1), D = x.size(2), H = heads, E = D / H;
    auto kv = torch::nn::functional::linear(norm1(x), qkv->weight.narrow(0, D, 2 * D), qkv->bias.narrow(0, D, 2 * D))
                  .view({B, T, 2, H, E}).permute({2, 0, 3, 1, 4});  // [2, B, H, T, E]
    return {kv[0], kv[1]};
}

namespace {

void conv_bn(torch::nn::Sequential & stem, int in, int out, int stride) {
    // BatchNorm after every convolution: without it the stem lost the global properties of the
    // image in the prototype (DESIGN §5).
    stem->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 3).stride(stride).padding(1).bias(false)));
    stem->push_back(torch::nn::BatchNorm2d(out));
    stem->push_back(torch::nn::ReLU());
}

}  // namespace

torch::Tensor grid_positions(int side, int dim) {
    // Sine/cosine of the row in half the channels, of the column in the other half: a fixed,
    // unit-scale code of where a token is, as strong as its content from the first step (a
    // learned 0.02-scale table left location, relations and text at chance: DESIGN §5).
    auto pos  = torch::zeros({side * side, dim});
    const int quarter = dim / 4;
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x)
            for (int k = 0; k < quarter; ++k) {
                const double freq = std::pow(side * 4.0, -double(k) / quarter) * 3.141592653589793;
                auto row = pos[y * side + x];
                row[k]               = std::sin(y * freq);
                row[quarter + k]     = std::cos(y * freq);
                row[2 * quarter + k] = std::sin(x * freq);
                row[3 * quarter + k] = std::cos(x * freq);
            }
    return pos.unsqueeze(0);
}

EncoderImpl::EncoderImpl(const ModelConfig & c) {
    // Stride-1 first convolution so thin glyph strokes survive, then halvings to the token grid.
    int side = c.image_size, channels = 16;
    stem     = torch::nn::Sequential();
    conv_bn(stem, 3, channels, 1);
    const int widths[] = {48, 96, c.dim, c.dim, c.dim};
    for (int i = 0; side > c.image_tokens_side; ++i) {
        conv_bn(stem, channels, widths[std::min(i, 4)], 2);
        channels = widths[std::min(i, 4)];
        side /= 2;
    }
    if (channels != c.dim) conv_bn(stem, channels, c.dim, 1);
    for (int i = 0; i < c.grid_convs; ++i) conv_bn(stem, c.dim, c.dim, 1);
    stem      = register_module("stem", stem);
    positions = register_buffer("positions", grid_positions(c.image_tokens_side, c.dim));
    blocks    = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.encoder_layers; ++i) blocks->push_back(Block(c.dim, c.heads));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim})));
}

torch::Tensor EncoderImpl::forward(const torch::Tensor & images) {
    auto x = stem->forward(images);               // [B, d, G, G]
    x      = x.flatten(2).transpose(1, 2) + positions;  // [B, G*G, d]
    for (const auto & block : *blocks) x = block->as<Block>()->forward(x, torch::Tensor());
    return norm(x);
}

MllmImpl::MllmImpl(const ModelConfig & c, int vocab) : config(c) {
    encoder         = register_module("encoder", Encoder(c));
    // Neighbouring r x r encoder tokens are concatenated, not averaged, before the projector
    // (as Qwen2-VL's merger): averaging blurred a glyph into its surroundings.
    const int merge = c.image_tokens_side / c.prefix_side;
    merge_norm      = register_module("merge_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({merge * merge * c.dim})));
    projector_in    = register_module("projector_in", torch::nn::Linear(merge * merge * c.dim, c.dim));
    projector_out   = register_module("projector_out", torch::nn::Linear(c.dim, c.dim));
    prefix_positions = register_buffer("prefix_positions", grid_positions(c.prefix_side, c.dim));
    token_embedding = register_module("token_embedding", torch::nn::Embedding(vocab, c.dim));
    text_positions  = register_parameter("text_positions",
                                         torch::randn({1, c.max_text_tokens, c.dim}) * 0.02);
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.decoder_layers; ++i) blocks->push_back(Block(c.dim, c.heads));
    norm = register_module("norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({c.dim})));
    torch::nn::init::normal_(token_embedding->weight, 0.0, 0.02);
}

torch::Tensor MllmImpl::prefix(const torch::Tensor & images, torch::Tensor * encoded) {
    auto tokens = encoder->forward(images);  // [B, G*G, d]
    if (encoded) *encoded = tokens;
    const int64_t B = tokens.size(0), G = config.image_tokens_side, D = tokens.size(2);
    const int64_t P = config.prefix_side, r = G / P;
    // [B, G*G, d] -> [B, P, r, P, r, d] -> [B, P, P, r, r, d] -> [B, P*P, r*r*d]
    auto merged = tokens.reshape({B, P, r, P, r, D}).permute({0, 1, 3, 2, 4, 5}).reshape({B, P * P, r * r * D});
    return projector_out(torch::gelu(projector_in(merge_norm(merged)))) + prefix_positions;
}

namespace {

// Prefix-LM mask over [prefix (P); text (T)]: the prefix attends to itself, text to the prefix
// and to earlier text. With prompt lengths [B], row b's first prompt_lengths[b] text tokens join
// the prefix, as in SimVLM's and PaLI's prefix LM: the image tokens read the question, so "the
// diamond" can pick out its object before the answer is written ([B, 1, L, L]; else [L, L]).
torch::Tensor prefix_lm_mask(int64_t P, int64_t T, const torch::TensorOptions & options, const torch::Tensor & prompt_lengths) {
    const int64_t L = P + T;
    auto mask = torch::triu(torch::full({L, L}, -1e9, options), 1);
    mask.narrow(0, 0, P).narrow(1, 0, P).zero_();
    if (!prompt_lengths.defined()) return mask;
    auto in_prefix = torch::arange(L, prompt_lengths.options()).unsqueeze(0).lt((prompt_lengths + P).unsqueeze(1));  // [B, L]
    auto both      = in_prefix.unsqueeze(2).logical_and(in_prefix.unsqueeze(1));                                   // [B, L, L]
    return mask.unsqueeze(0).masked_fill(both, 0.0).unsqueeze(1);
}

}  // namespace

torch::Tensor MllmImpl::logits(const torch::Tensor & prefix_tokens, const torch::Tensor & tokens, const torch::Tensor & prompt_lengths) {
    const int64_t P = prefix_tokens.size(1), T = tokens.size(1);
    auto x = torch::cat({prefix_tokens, token_embedding(tokens) + text_positions.narrow(1, 0, T)}, 1);
    auto mask = prefix_lm_mask(P, T, x.options(), config.bidirectional_prompt ? prompt_lengths : torch::Tensor());
    const size_t last = blocks->size() - 1;
    for (size_t i = 0; i < last; ++i) x = blocks[i]->as<Block>()->forward(x, mask);
    // Nothing reads the last layer's outputs at the image prefix, only its keys and values: the
    // text rows alone go through it, against the prefix's keys and values (same logits; stage-2
    // steps about 17 % faster, stage 1's short captions more).
    BlockImpl & final_block = *blocks[last]->as<Block>();
    const KeyValues image = final_block.key_values(x.narrow(1, 0, P));
    const auto text_rows  = mask.dim() == 2 ? mask.narrow(0, P, T) : mask.narrow(2, P, T);
    x = final_block.forward(x.narrow(1, P, T), text_rows, &image);
    return torch::matmul(norm(x), token_embedding->weight.t());
}

std::vector<KeyValues> MllmImpl::context(const torch::Tensor & prefix_tokens, const torch::Tensor & tokens,
                                         const torch::Tensor & prompt_lengths) {
    const int64_t P = prefix_tokens.size(1), T = tokens.size(1);
    auto x    = torch::cat({prefix_tokens, token_embedding(tokens) + text_positions.narrow(1, 0, T)}, 1);
    auto mask = prefix_lm_mask(P, T, x.options(), config.bidirectional_prompt ? prompt_lengths : torch::Tensor());
    std::vector<KeyValues> cache(blocks->size());
    const size_t last = blocks->size() - 1;
    for (size_t i = 0; i < last; ++i) x = blocks[i]->as<Block>()->forward(x, mask, nullptr, &cache[i]);
    cache[last] = blocks[last]->as<Block>()->key_values(x);
    return cache;
}

std::vector<KeyValues> MllmImpl::image_context(const torch::Tensor & prefix_tokens) {
    TORCH_CHECK(!config.bidirectional_prompt, "image_context: the prompt is part of the prefix");
    auto x = prefix_tokens;
    std::vector<KeyValues> cache(blocks->size());
    const size_t last = blocks->size() - 1;
    for (size_t i = 0; i < last; ++i) x = blocks[i]->as<Block>()->forward(x, torch::Tensor(), nullptr, &cache[i]);
    cache[last] = blocks[last]->as<Block>()->key_values(x);
    return cache;
}

std::vector<KeyValues> MllmImpl::text_context(const std::vector<KeyValues> & image, const torch::Tensor & images,
                                              const torch::Tensor & tokens) {
    TORCH_CHECK(!config.bidirectional_prompt, "text_context: the prompt is part of the prefix");
    const int64_t T = tokens.size(1), P = image.front().keys.size(2);
    auto x = token_embedding(tokens) + text_positions.narrow(1, 0, T);
    // Text sees the whole image and earlier text: the text rows of the prefix-LM mask.
    auto mask = prefix_lm_mask(P, T, x.options(), torch::Tensor()).narrow(0, P, T);
    std::vector<KeyValues> cache(blocks->size());
    const size_t last = blocks->size() - 1;
    for (size_t i = 0; i < blocks->size(); ++i) {
        const KeyValues past{image[i].keys.index_select(0, images), image[i].values.index_select(0, images)};
        KeyValues own;
        if (i < last) x = blocks[i]->as<Block>()->forward(x, mask, &past, &own);
        else own = blocks[i]->as<Block>()->key_values(x);
        cache[i] = {torch::cat({past.keys, own.keys}, 2), torch::cat({past.values, own.values}, 2)};
    }
    return cache;
}

torch::Tensor MllmImpl::continuation_logits(const std::vector<KeyValues> & context, const torch::Tensor & rows,
                                            const torch::Tensor & lengths, const torch::Tensor & tokens) {
    const int64_t N = tokens.size(0), A = tokens.size(1);
    const int64_t S = context.front().keys.size(2), prefix_len = config.prefix_side * config.prefix_side;
    // Each continuation token's text position follows its own context's real tokens.
    auto positions = (lengths.unsqueeze(1) + torch::arange(A, lengths.options()).unsqueeze(0))
                         .clamp_max(config.max_text_tokens - 1);  // [N, A]
    auto x = token_embedding(tokens) + text_positions.squeeze(0).index_select(0, positions.reshape({-1})).view({N, A, -1});
    // Context column s is visible when it is the image prefix or a real text token of row n;
    // continuation tokens are causal among themselves.
    auto columns = torch::arange(S, lengths.options()).unsqueeze(0);                      // [1, S]
    auto visible = columns.lt((lengths + prefix_len).unsqueeze(1));                       // [N, S]
    auto context_mask = torch::zeros({N, S}, x.options()).masked_fill(visible.logical_not(), -1e9);
    auto own_mask     = torch::triu(torch::full({A, A}, -1e9, x.options()), 1);
    auto mask = torch::cat({context_mask.unsqueeze(1).expand({N, A, S}), own_mask.unsqueeze(0).expand({N, A, A})}, 2)
                    .unsqueeze(1);  // [N, 1, A, S + A]
    for (size_t i = 0; i < blocks->size(); ++i) {
        const KeyValues past{context[i].keys.index_select(0, rows), context[i].values.index_select(0, rows)};
        x = blocks[i]->as<Block>()->forward(x, mask, &past);
    }
    return torch::matmul(norm(x), token_embedding->weight.t());
}

torch::Tensor MllmImpl::embed(const torch::Tensor & images) {
    // The convolutional features, pooled over the image (mean and max): what the image shows,
    // wherever it is. The encoder's tokens carry the fixed position code, which would make
    // every image look alike to a cosine.
    auto features = encoder->stem->forward(images).flatten(2);  // [B, d, G*G]
    auto pooled   = torch::cat({features.mean(2), std::get<0>(features.max(2))}, 1);
    return torch::nn::functional::normalize(pooled, torch::nn::functional::NormalizeFuncOptions().dim(1));
}

}  // namespace dataengine::net
