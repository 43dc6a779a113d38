// Internal to src/world: vocabularies shared by the question writer and the answer checker.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "dataengine/world.hpp"

namespace dataengine::questions {
std::string                      plural(const std::string & shape);  // "crosses"
const std::vector<std::string> & contact_phrases();  // by geometry::Contact
const std::vector<std::string> & quadrant_names();
const std::vector<std::string> & relation_names();
// "The red circle is to the left of the square.": a spatial relation's answer as a sentence.
std::string relation_sentence(const std::string & a, const std::string & relation, const std::string & b);
// Every ordered pair of objects that both can be named uniquely and stand in a clear relation,
// named as questions name them: "circle" is `relation` ("to the left") of "square".
struct RelationPair {
    std::string a, relation, b;
};
std::vector<RelationPair> relation_pairs(const Scene & s);
// Objects that their shape (or size and shape) names uniquely, with that phrase ("square",
// "large square"): the objects an attribute question can ask the colour of.
std::vector<std::pair<std::string, size_t>> shape_references(const Scene & s);
}  // namespace dataengine::questions
