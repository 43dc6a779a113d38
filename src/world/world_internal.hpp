// Internal to src/world: scene generation shared by World's splits.
#pragma once
#include <optional>
#include <string_view>

#include "dataengine/world.hpp"

namespace dataengine {
// A random scene of `size` pixels arranged so that `type` ("" for any) can usually be asked;
// nullopt when the arrangement failed (the caller draws again).
std::optional<Scene> generate_scene(Rng & rng, int size, std::string_view type);
}  // namespace dataengine

namespace dataengine {
// Scene `index` of `split` arranged for `type`, and a question of that type about it.
std::pair<Scene, Sample> ask(const WorldOptions & options, Split split, uint64_t index, std::string_view type);
}  // namespace dataengine
