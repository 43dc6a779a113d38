// Sample invariants and equality.
#include "dataengine/data.hpp"

namespace dataengine {

bool Provenance::operator==(const Provenance & o) const {
    return source == o.source && round == o.round && prompt_version == o.prompt_version &&
           in_context_ids == o.in_context_ids && query_image == o.query_image && query_reason == o.query_reason;
}

bool Sample::operator==(const Sample & o) const {
    return id == o.id && image == o.image && question == o.question && hint == o.hint && options == o.options &&
           answer == o.answer && direct_answers == o.direct_answers && rationales == o.rationales &&
           type == o.type && parent_type == o.parent_type && circular_group == o.circular_group &&
           rotation == o.rotation && provenance == o.provenance && extra == o.extra;
}

std::string validate_sample(const Sample & s) {
    if (s.id.empty()) return "empty id";
    if (s.options.size() == 1 || s.options.size() > size_t(kMaxOptions))
        return "has " + std::to_string(s.options.size()) + " options (must be 0 or 2.." + std::to_string(kMaxOptions) + ")";
    if (s.answer != kNoAnswer && (s.answer < 0 || s.answer >= int(s.options.size())))
        return "answer index " + std::to_string(s.answer) + " is not one of the " + std::to_string(s.options.size()) + " options";
    if (s.rotation < 0) return "negative circular rotation";
    return {};
}

}  // namespace dataengine
