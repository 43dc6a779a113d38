// The built-in model's shape as command-line options. Stage 1 fixes it for a world (its cache is
// keyed on it), so every command that may train stage 1 takes the same options.
#pragma once
#include <string>
#include <vector>

#include "args.hpp"
#include "dataengine/model.hpp"

namespace cli {

// Option names: dim, heads, encoder-layers, decoder-layers, image-tokens-side, prefix-side,
// grid-convs, bidirectional-prompt; and stage 1's grounding weight (grounding).
const std::vector<std::string> & model_shape_options();
// `valued` plus the option names above, for Args.
std::vector<std::string> with_model_shape(std::vector<std::string> valued);
// ModelConfig's defaults, overridden by the options given.
dataengine::ModelConfig model_config(const Args & args);
// The same, as PretrainOptions' config (stage 1 otherwise at its defaults).
dataengine::PretrainOptions pretrain_options_for(const Args & args);

// Help text lines for the options above.
constexpr const char * kModelShapeHelp =
    "Model shape (stage 1 is cached per shape): --dim N --heads N --encoder-layers N --decoder-layers N\n"
    "--image-tokens-side N --prefix-side N --grid-convs N --bidirectional-prompt 0|1 (defaults: the\n"
    "built-in ModelConfig's). --grounding W: stage 1's grounding objective weight (image tokens learn the\n"
    "names of the objects at their place from the captions' boxes).\n";

}  // namespace cli
