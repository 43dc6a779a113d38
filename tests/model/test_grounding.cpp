// Stage 1's grounding objective: which words each image token learns, from box lines.
#include <catch2/catch.hpp>

#include "model/batches.hpp"  // after Catch: its CHECK is LibTorch's logging macro here, so REQUIRE

using namespace dataengine;

namespace {

// The word distribution of cell (row, column) of a side x side grid, as {word: share}.
std::map<std::string, float> cell_words(const Tokenizer & tokenizer, const torch::Tensor & targets, int side, int row, int column) {
    std::map<std::string, float> out;
    const auto cell = targets[row * side + column];
    for (int id = 0; id < tokenizer.size(); ++id)
        if (cell[id].item<float>() > 0) out[tokenizer.word(id)] = cell[id].item<float>();
    return out;
}

}  // namespace

TEST_CASE("grounding targets: each cell names the smallest box over its centre, in equal shares", "[model][torch][grounding]") {
    Tokenizer tokenizer;
    tokenizer.add_words({"small red square large blue circle"});
    // The large circle covers the image; the small square its top-left quarter; "zebra" is no word.
    const std::vector<BoxObject> boxes = parse_box_lines("large blue circle: [0.0, 0.0, 1.0, 1.0]\n"
                                                         "small red square zebra: [0.0, 0.0, 0.5, 0.5]");
    REQUIRE(boxes.size() == 2);
    const int side = 4;
    auto targets = torch::zeros({side * side, tokenizer.size()});
    batches::grounding_targets(tokenizer, boxes, side, targets);
    const float third = 1.0f / 3;
    for (int row = 0; row < side; ++row)
        for (int column = 0; column < side; ++column) {
            const auto words = cell_words(tokenizer, targets, side, row, column);
            REQUIRE(words.size() == 3);
            const bool square = row < 2 && column < 2;
            REQUIRE(words.count(square ? "square" : "circle") == 1);
            REQUIRE(words.at(square ? "red" : "blue") == Approx(third));
            REQUIRE(targets[row * side + column].sum().item<float>() == Approx(1.0f));
        }

    SECTION("a cell no box covers is <pad>, 'nothing here'") {
        auto empty = torch::zeros({side * side, tokenizer.size()});
        batches::grounding_targets(tokenizer, parse_box_lines("small red square: [0.0, 0.0, 0.2, 0.2]"), side, empty);
        REQUIRE(cell_words(tokenizer, empty, side, 0, 0).count("square") == 1);  // centre (0.125, 0.125)
        const auto far = cell_words(tokenizer, empty, side, 3, 3);
        REQUIRE(far.size() == 1);
        REQUIRE(far.at(tokenizer.word(Tokenizer::kPad)) == Approx(1.0f));
    }
}
