#include "model_flags.hpp"

namespace cli {

const std::vector<std::string> & model_shape_options() {
    static const std::vector<std::string> names = {"dim", "heads", "encoder-layers", "decoder-layers", "image-tokens-side", "prefix-side", "grid-convs", "bidirectional-prompt", "grounding"};
    return names;
}

std::vector<std::string> with_model_shape(std::vector<std::string> valued) {
    valued.insert(valued.end(), model_shape_options().begin(), model_shape_options().end());
    return valued;
}

dataengine::ModelConfig model_config(const Args & args) {
    dataengine::ModelConfig c;
    auto set = [&](const char * name, int & field) {
        if (args.has(name)) field = std::stoi(args.get(name));
    };
    set("dim", c.dim);
    set("heads", c.heads);
    set("encoder-layers", c.encoder_layers);
    set("decoder-layers", c.decoder_layers);
    set("image-tokens-side", c.image_tokens_side);
    set("prefix-side", c.prefix_side);
    set("grid-convs", c.grid_convs);
    if (args.has("bidirectional-prompt")) c.bidirectional_prompt = std::stoi(args.get("bidirectional-prompt")) != 0;
    return c;
}

dataengine::PretrainOptions pretrain_options_for(const Args & args) {
    dataengine::PretrainOptions options;
    options.config = model_config(args);
    if (args.has("grounding")) options.train.grounding_weight = std::stod(args.get("grounding"));
    return options;
}

}  // namespace cli
