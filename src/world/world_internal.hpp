// Internal to src/world: scene generation shared by World's splits.
#pragma once
#include <optional>
#include <string_view>

#include "dataengine/world.hpp"

namespace dataengine {
// A random scene of `size` pixels arranged so that `type` ("" for any) can usually be asked;
// nullopt when the arrangement failed (the caller draws again).
std::optional<Scene> generate_scene(Rng & rng, int size, std::string_view type);

// One fact said in the order a question asks it, the object named first by the words a question
// would use, then what is to be read off it: "The large square is red." or "The red circle and
// the cross touch." (of the closest pair, when `prefer_contact` or by chance). Stage 1 learns
// from these to find an object by its words; its other captions name an object only after the
// fact about it. nullopt when no object can be named uniquely.
std::optional<std::string> referring_caption(const Scene & s, Rng & rng, bool prefer_contact);
// A spatial relation between two objects named as questions name them, both before the relation
// ("Relative to the square, the red circle is to the left."), picked at random among the
// scene's clear ones.
std::optional<std::string> relation_caption(const Scene & s, Rng & rng);
}  // namespace dataengine

namespace dataengine {
// Scene `index` of `split` arranged for `type`, and a question of that type about it.
std::pair<Scene, Sample> ask(const WorldOptions & options, Split split, uint64_t index, std::string_view type);
}  // namespace dataengine
