// Internal to src/world: facts about objects that questions, answers and captions share.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "dataengine/world.hpp"

namespace dataengine::geometry {

// How two objects meet, from their pixel masks. Gaps between the named ranges are ambiguous
// and never asked about.
enum class Contact { Overlap, Touch, Close, Apart, Ambiguous };
Contact contact(const WorldObject & a, const WorldObject & b);
Contact contact_at(double gap);  // the class of a mask gap already measured
double  mask_gap(const WorldObject & a, const WorldObject & b);  // 0 when overlapping

// Quadrant of the object's centre, or nullopt within 4 px of a midline.
std::optional<std::string> quadrant(const WorldObject & o, int size);

// Where `a` is relative to `b`: "to the left", "to the right", "above", "below", or nullopt
// when no axis dominates (|d| >= 10 px along it and at least twice the other).
std::optional<std::string> relation(const WorldObject & a, const WorldObject & b);

// The shortest unique way to name objects[i] among all: "square", "red square" or
// "small red square"; nullopt when a twin makes it impossible.
std::optional<std::string> reference(const std::vector<WorldObject> & objects, size_t i);

// All objects the phrase names (matching reference()'s forms, plus "shape"/"object").
std::vector<size_t> resolve(const std::vector<WorldObject> & objects, const std::string & phrase);

}  // namespace dataengine::geometry
