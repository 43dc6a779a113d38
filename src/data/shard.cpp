// Deterministic sharding that never splits a circular group.
#include "dataengine/data.hpp"

namespace dataengine {

Dataset shard(const Dataset & dataset, int index, int count) {
    if (count <= 0 || index < 0 || index >= count)
        throw Error(Status::Range, "shard " + std::to_string(index) + " of " + std::to_string(count) +
                                       ": need 0 <= index < count");
    Dataset out(dataset.image_root());
    for (const Sample & s : dataset.samples()) {
        const std::string & key = s.circular_group.empty() ? s.id : s.circular_group;
        if (stable_hash(key) % uint64_t(count) == uint64_t(index)) out.add(s);
    }
    return out;
}

}  // namespace dataengine
