// The decoder's prefix-LM mask, at the network level: with bidirectional_prompt the prompt and
// the image see each other, and nothing before the answer ever sees the answer.
#include <catch2/catch.hpp>

#include "model/network.hpp"  // after Catch: its CHECK is LibTorch's logging macro here, so REQUIRE

using namespace dataengine;

namespace {


torch::Tensor run(net::Mllm & mllm, const torch::Tensor & images, std::vector<int64_t> ids, int64_t prompt) {
    auto tokens = torch::tensor(ids, torch::kInt64).unsqueeze(0);
    return mllm->logits(mllm->prefix(images), tokens, torch::full({1}, prompt, torch::kInt64));
}

// Largest absolute difference between the logits of two runs at text position p.
double change_at(const torch::Tensor & a, const torch::Tensor & b, int64_t p) {
    return (a[0][p] - b[0][p]).abs().max().item<double>();
}

}  // namespace

TEST_CASE("the prompt joins the image prefix only when the model says so, and never sees the answer", "[model][torch][mask]") {
    torch::manual_seed(7);
    ModelConfig c;
    c.dim = 32;
    c.heads = 2;
    c.encoder_layers = 1;
    c.decoder_layers = 2;
    const auto images = torch::randn({1, 3, c.image_size, c.image_size});
    // <bos> w1 w2 w3 | a1 a2: a prompt of 4 tokens, then the answer.
    const std::vector<int64_t> base = {1, 10, 11, 12, 13, 14};
    std::vector<int64_t> later_prompt = base, later_answer = base;
    later_prompt[3] = 20;  // the prompt's last word
    later_answer[5] = 21;  // the answer's second token

    for (const bool bidirectional : {true, false}) {
        CAPTURE(bidirectional);
        c.bidirectional_prompt = bidirectional;
        net::Mllm mllm(c, 32);
        mllm->eval();
        torch::NoGradGuard no_grad;
        const auto a = run(mllm, images, base, 4);
        const auto p = run(mllm, images, later_prompt, 4);
        const auto q = run(mllm, images, later_answer, 4);
        // The prompt's first token reads its last one only in a bidirectional prefix.
        if (bidirectional) REQUIRE(change_at(a, p, 0) > 1e-4);
        else REQUIRE(change_at(a, p, 0) < 1e-6);
        // Answer tokens are causal either way: changing a1's successor changes nothing before it.
        for (int64_t pos = 0; pos < 5; ++pos) REQUIRE(change_at(a, q, pos) < 1e-6);
        REQUIRE(change_at(a, q, 5) > 1e-4);
    }
}
