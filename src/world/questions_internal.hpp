// Internal to src/world: vocabularies shared by the question writer and the answer checker.
#pragma once
#include <string>
#include <vector>

namespace dataengine::questions {
std::string                      plural(const std::string & shape);  // "crosses"
const std::vector<std::string> & contact_phrases();  // by geometry::Contact
const std::vector<std::string> & quadrant_names();
const std::vector<std::string> & relation_names();
}  // namespace dataengine::questions
